import { describe, expect, it } from 'vitest';
import { auditHash, GENESIS_HASH, verifyChain, type ChainedAuditRecord } from './audit-chain.ts';
import { canonicalJson, generateSm2KeyPair, sm2Sign, sm2Verify, sm3, sm3Fallback } from './sm.ts';

function chain(n: number): ChainedAuditRecord[] {
  const out: ChainedAuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const f = { seq: i, at: `2026-01-0${i}T00:00:00.000Z`, actor: 'admin', role: 'admin', action: 'user.create', target: `user:${i}`, digest: sm3(String(i)) };
    const hash = auditHash(prev, f);
    out.push({ ...f, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('SM3 / SM2', () => {
  it('computes the GB/T 32905 SM3 test vector for "abc"', () => {
    expect(sm3('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(sm3Fallback('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('native and JavaScript SM3 agree on Chinese text and long input', () => {
    for (const s of ['统一社会信用代码', '', 'a'.repeat(10_000), '企服🚀']) expect(sm3(s)).toBe(sm3Fallback(s));
  });
  it('signs and verifies, and rejects a changed message or signature', () => {
    const kp = generateSm2KeyPair();
    const sig = sm2Sign('企业码:91310112MA1G000000', kp.privateKey, kp.publicKey);
    expect(sm2Verify('企业码:91310112MA1G000000', sig, kp.publicKey)).toBe(true);
    expect(sm2Verify('企业码:91310112MA1G000001', sig, kp.publicKey)).toBe(false);
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    expect(sm2Verify('企业码:91310112MA1G000000', flipped, kp.publicKey)).toBe(false);
    expect(sm2Verify('x', 'not-hex', kp.publicKey)).toBe(false);
  });
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('audit hash chain', () => {
  it('accepts an intact chain', () => {
    const c = chain(4);
    expect(verifyChain(c, { seq: 4, hash: c[3]!.hash })).toBeNull();
    expect(verifyChain([], null)).toBeNull();
  });
  it('detects an edited record', () => {
    const c = chain(4);
    c[1] = { ...c[1]!, target: 'user:99' };
    expect(verifyChain(c, { seq: 4, hash: c[3]!.hash })).toEqual({ seq: 2, reason: 'HASH_MISMATCH' });
  });
  it('detects a deleted record in the middle and at the end', () => {
    const c = chain(4);
    const head = { seq: 4, hash: c[3]!.hash };
    expect(verifyChain([c[0]!, c[2]!, c[3]!], head)).toEqual({ seq: 3, reason: 'SEQUENCE_GAP', expected: 2 });
    expect(verifyChain(c.slice(0, 3), head)).toEqual({ seq: 4, reason: 'HEAD_MISMATCH' });
  });
  it('detects an inserted record even when its own hash is consistent', () => {
    const c = chain(3);
    const forged = { seq: 4, at: '2026-02-01T00:00:00.000Z', actor: 'x', role: 'admin', action: 'x', target: 'x', digest: sm3('x') };
    const rec = { ...forged, prevHash: c[2]!.hash, hash: auditHash(c[2]!.hash, forged) };
    expect(verifyChain([...c, rec], { seq: 3, hash: c[2]!.hash })).toEqual({ seq: 3, reason: 'HEAD_MISMATCH' });
  });
});
