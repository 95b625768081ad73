// 国密 SM2 (signatures) and SM3 (hash) through sm-crypto, behind a small API
// so the rest of the code never touches the library directly.
import { createHash, getHashes } from 'node:crypto';
import smCrypto from 'sm-crypto';

const { sm2, sm3: sm3Js } = smCrypto;

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

export function sm2Verify(message: string, signatureHex: string, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  try {
    return sm2.doVerifySignature(message, signatureHex, publicKey, { hash: true });
  } catch {
    return false;
  }
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
