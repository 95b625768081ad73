// 国密 SM2 (signatures) and SM3 (hash) through sm-crypto, behind a small API
// so the rest of the code never touches the library directly.
import { createHash, getHashes } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm2, sm3: sm3Js } = smCrypto;
// Present in sm-crypto 0.3+, missing from its type definitions.
const sm2Extra = sm2 as unknown as { verifyPublicKey(publicKey: string): boolean; getPublicKeyFromPrivateKey(privateKey: string): string };

// OpenSSL 3 (bundled with Node) implements SM3 natively, ~100× faster than the
// JavaScript version; the latter stays as a fallback for builds without it.
const nativeSm3 = getHashes().includes('sm3');

/** SM3 digest of a UTF-8 string, as 64 lowercase hex characters. */
export function sm3(input: string): string {
  return nativeSm3 ? createHash('sm3').update(input, 'utf8').digest('hex') : sm3Js(input);
}

/** The pure-JavaScript SM3, exposed so tests can check both implementations agree. */
export function sm3Fallback(input: string): string {
  return sm3Js(input);
}

export interface Sm2KeyPair {
  /** 64 hex characters. */
  privateKey: string;
  /** Uncompressed public key, 130 hex characters starting with 04. */
  publicKey: string;
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const kp = sm2.generateKeyPairHex();
  return { privateKey: kp.privateKey, publicKey: kp.publicKey };
}

/** SM2 signature with SM3 hashing (the default userId of GB/T 35276), as hex r||s. */
export function sm2Sign(message: string, privateKey: string, publicKey: string): string {
  return sm2.doSignature(message, privateKey, { hash: true, publicKey });
}

/** True when `publicKey` is an uncompressed SM2 public key (04 || x || y) on the curve. */
export function sm2IsPublicKey(publicKey: string): boolean {
  if (!/^04[0-9a-f]{128}$/i.test(publicKey)) return false;
  try {
    return sm2Extra.verifyPublicKey(publicKey.toLowerCase());
  } catch {
    return false;
  }
}

/** The public key belonging to a private key (checks that a key file's halves match). */
export function sm2PublicKeyOf(privateKey: string): string {
  return sm2Extra.getPublicKeyFromPrivateKey(privateKey);
}

export function sm2Verify(message: string, signatureHex: string, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  try {
    return sm2.doVerifySignature(message, signatureHex, publicKey, { hash: true });
  } catch {
    return false;
  }
}

// OpenSSL and other 国密 tools exchange keys as SubjectPublicKeyInfo (id-ecPublicKey
// with the SM2 curve, OID 1.2.156.10197.1.301) and signatures as DER SEQUENCE { r, s }.
const SM2_SPKI_PREFIX = '3059301306072a8648ce3d020106082a811ccf5501822d034200';

/** An SM2 public key as a PEM SubjectPublicKeyInfo, e.g. for `openssl pkeyutl -verify`. */
export function sm2PublicKeyPem(publicKey: string): string {
  const b64 = Buffer.from(SM2_SPKI_PREFIX + publicKey.toLowerCase(), 'hex').toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** An r||s signature (128 hex) as DER, the form OpenSSL reads. */
export function sm2SignatureDer(signatureHex: string): Buffer {
  const int = (hex: string): Buffer => {
    let b = Buffer.from(hex, 'hex');
    while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
    if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(signatureHex.slice(0, 64)), int(signatureHex.slice(64, 128))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/**
 * Canonical JSON: object keys sorted, no whitespace. Two equal values always
 * give the same text, so their hash or signature is stable.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
