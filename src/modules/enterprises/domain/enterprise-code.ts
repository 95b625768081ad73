import { sm2Sign, sm2Verify } from '../../../core/crypto/sm.ts';

/**
 * 企业码 (SPEC E-4): a token naming one enterprise, signed with SM2, shown as
 * a QR code. Anyone can verify it with the published public key, offline:
 *   EC1.<base64url(JSON payload)>.<SM2 signature over "EC1.<payload>", hex>
 */
export interface EnterpriseCodePayload {
  v: 1;
  /** 统一社会信用代码 */
  u: string;
  /** issued / expires, epoch seconds */
  iat: number;
  exp: number;
  /** which key signed it */
  kid: string;
}

export interface SigningKey {
  kid: string;
  publicKey: string;
  privateKey: string;
}

export type CodeCheck =
  | { ok: true; payload: EnterpriseCodePayload }
  | { ok: false; code: 'ENTERPRISE_CODE_MALFORMED' | 'ENTERPRISE_CODE_UNKNOWN_KEY' | 'ENTERPRISE_CODE_SIGNATURE_INVALID' | 'ENTERPRISE_CODE_EXPIRED'; reason: string };

const PREFIX = 'EC1';

export function signEnterpriseCode(uscc: string, key: SigningKey, nowSec: number, ttlSec: number): string {
  const payload: EnterpriseCodePayload = { v: 1, u: uscc, iat: nowSec, exp: nowSec + ttlSec, kid: key.kid };
  const body = `${PREFIX}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${sm2Sign(body, key.privateKey, key.publicKey)}`;
}

/** Offline verification: needs only the public keys (by kid) and the current time. */
export function verifyEnterpriseCode(token: string, publicKeys: ReadonlyMap<string, string>, nowSec: number): CodeCheck {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[0-9a-f]{128}$/.test(parts[2]!)) {
    return { ok: false, code: 'ENTERPRISE_CODE_MALFORMED', reason: '企业码格式不正确' };
  }
  let payload: EnterpriseCodePayload;
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as EnterpriseCodePayload;
  } catch {
    return { ok: false, code: 'ENTERPRISE_CODE_MALFORMED', reason: '企业码内容无法解析' };
  }
  if (payload?.v !== 1 || typeof payload.u !== 'string' || typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || typeof payload.kid !== 'string') {
    return { ok: false, code: 'ENTERPRISE_CODE_MALFORMED', reason: '企业码内容不完整' };
  }
  const publicKey = publicKeys.get(payload.kid);
  if (!publicKey) return { ok: false, code: 'ENTERPRISE_CODE_UNKNOWN_KEY', reason: '企业码不是本平台签发的' };
  if (!sm2Verify(`${parts[0]}.${parts[1]}`, parts[2]!, publicKey)) return { ok: false, code: 'ENTERPRISE_CODE_SIGNATURE_INVALID', reason: '企业码签名校验失败（可能被篡改）' };
  if (payload.exp <= nowSec) return { ok: false, code: 'ENTERPRISE_CODE_EXPIRED', reason: '企业码已过期' };
  return { ok: true, payload };
}
