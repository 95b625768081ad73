import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound webhook signature: HMAC-SM3 (国密) over "<timestamp>.<body>" with
 * the subscriber's secret, sent as `x-qifu-signature: t=<unix s>,sm3=<hex>`.
 * The receiver recomputes it and rejects stale timestamps (replay).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sm3', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},sm3=${mac}`;
}

export function verifyWebhook(secret: string, header: string, body: string, nowSec: number, toleranceSec = 300): boolean {
  const m = /^t=(\d+),sm3=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split('sm3=')[1]!, 'hex');
  const given = Buffer.from(m[2]!, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
