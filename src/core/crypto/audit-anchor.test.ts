import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCheckpointLog, checkpointLine, checkpointMessage, keyId, lineHash, parseCheckpoint, signCheckpoint, splitLog } from './audit-anchor.ts';
import { GENESIS_HASH } from './audit-chain.ts';
import { generateSm2KeyPair, sm2PublicKeyPem, sm2SignatureDer, sm3 } from './sm.ts';

const keyA = generateSm2KeyPair();
const keyB = generateSm2KeyPair();
const trust = (...keys: Array<{ publicKey: string }>) => new Map(keys.map((k) => [keyId(k.publicKey), k.publicKey]));

/** A log of checkpoints at the given seqs, each line linked to the one before. */
function log(entries: Array<{ seq: number; key?: typeof keyA; at?: string }>): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    const prev = lines.length ? lineHash(lines[lines.length - 1]!) : GENESIS_HASH;
    const at = e.at ?? `2026-03-01T10:${String(e.seq).padStart(2, '0')}:00.000Z`;
    lines.push(signCheckpoint({ seq: e.seq, hash: sm3(`record ${e.seq}`), at, prev }, e.key ?? keyA).line);
  }
  return lines;
}

/** Replaces one field of a line, keeping everything else byte for byte. */
function withField(line: string, field: string, value: unknown): string {
  const c = parseCheckpoint(line)!;
  return checkpointLine({ ...c, [field]: value });
}

describe('audit checkpoint log (SPEC §11)', () => {
  it('accepts a linked, signed log, checking one signature per run of one key', () => {
    const r = checkCheckpointLog(log([{ seq: 3 }, { seq: 7 }, { seq: 12 }]), trust(keyA));
    expect(r.problem).toBeNull();
    expect(r.trusted.map((c) => c.seq)).toEqual([3, 7, 12]);
    expect(r.signaturesChecked).toBe(1);
  });

  it('after a key rotation checks the last line of each key, with both keys trusted', () => {
    const lines = log([{ seq: 3 }, { seq: 7 }, { seq: 12, key: keyB }, { seq: 15, key: keyB }]);
    const r = checkCheckpointLog(lines, trust(keyA, keyB));
    expect(r.problem).toBeNull();
    expect(r.signaturesChecked).toBe(2);
    expect(r.trusted).toHaveLength(4);
  });

  it('detects a tampered signature on the last line', () => {
    const lines = log([{ seq: 3 }, { seq: 7 }]);
    const sig = parseCheckpoint(lines[1]!)!.sig;
    lines[1] = withField(lines[1]!, 'sig', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const r = checkCheckpointLog(lines, trust(keyA));
    expect(r.problem).toMatchObject({ line: 2, reason: 'CHECKPOINT_BAD_SIGNATURE' });
    expect(r.trusted).toEqual([]);
  });

  it('detects a tampered line in the middle: the next line no longer links to it, and its own signature fails', () => {
    const lines = log([{ seq: 3 }, { seq: 7 }, { seq: 12 }, { seq: 20 }]);
    const sig = parseCheckpoint(lines[1]!)!.sig;
    lines[1] = withField(lines[1]!, 'sig', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    expect(checkCheckpointLog(lines, trust(keyA)).problem).toMatchObject({ line: 2, seq: 7, reason: 'CHECKPOINT_BAD_SIGNATURE' });
    // A line removed from the middle: the link names the line that is gone.
    const removed = log([{ seq: 3 }, { seq: 7 }, { seq: 12 }]);
    removed.splice(1, 1);
    expect(checkCheckpointLog(removed, trust(keyA)).problem).toMatchObject({ line: 2, reason: 'CHECKPOINT_LINK_BROKEN' });
  });

  it('detects a changed head hash even when every later link is recomputed (the last signature no longer matches)', () => {
    const lines = log([{ seq: 3 }, { seq: 7 }, { seq: 12 }]);
    lines[0] = withField(lines[0]!, 'hash', sm3('forged'));
    for (let i = 1; i < lines.length; i++) lines[i] = withField(lines[i]!, 'prev', lineHash(lines[i - 1]!));
    expect(checkCheckpointLog(lines, trust(keyA)).problem).toMatchObject({ line: 3, reason: 'CHECKPOINT_BAD_SIGNATURE' });
  });

  it('rejects a checkpoint signed by another key, whether it names that key or ours', () => {
    const foreign = log([{ seq: 3 }, { seq: 7, key: keyB }]);
    expect(checkCheckpointLog(foreign, trust(keyA)).problem).toMatchObject({ line: 2, reason: 'CHECKPOINT_UNKNOWN_KEY' });
    // Signed by B but labelled with A's key id.
    const lines = log([{ seq: 3 }]);
    const fields = { seq: 7, hash: sm3('record 7'), at: '2026-03-01T10:07:00.000Z', kid: keyId(keyA.publicKey), prev: lineHash(lines[0]!) };
    const forged = signCheckpoint(fields, keyB).checkpoint;
    lines.push(checkpointLine({ ...forged, kid: fields.kid }));
    const r = checkCheckpointLog(lines, trust(keyA));
    expect(r.problem).toMatchObject({ line: 2, reason: 'CHECKPOINT_BAD_SIGNATURE' });
    // The line before it was signed over by nothing trustworthy after it, but its own run ends at line 2: nothing trusted.
    expect(r.trusted).toEqual([]);
  });

  it('requires seq to increase and time never to go back', () => {
    expect(checkCheckpointLog(log([{ seq: 7 }, { seq: 7 }]), trust(keyA)).problem).toMatchObject({ line: 2, reason: 'CHECKPOINT_NOT_MONOTONE' });
    expect(checkCheckpointLog(log([{ seq: 7 }, { seq: 5 }]), trust(keyA)).problem).toMatchObject({ reason: 'CHECKPOINT_NOT_MONOTONE' });
    const backInTime = log([{ seq: 3, at: '2026-03-01T10:00:00.000Z' }, { seq: 7, at: '2026-03-01T09:59:59.999Z' }]);
    expect(checkCheckpointLog(backInTime, trust(keyA)).problem).toMatchObject({ reason: 'CHECKPOINT_NOT_MONOTONE' });
  });

  it('keeps the checkpoints a valid signature covers before a broken line', () => {
    const lines = [...log([{ seq: 3 }, { seq: 7, key: keyB }]), 'not json'];
    const r = checkCheckpointLog(lines, trust(keyA, keyB));
    expect(r.problem).toMatchObject({ line: 3, reason: 'CHECKPOINT_MALFORMED' });
    expect(r.trusted.map((c) => c.seq)).toEqual([3, 7]);
  });

  it('splits off an incomplete last line', () => {
    expect(splitLog('a\nb\n')).toEqual({ lines: ['a', 'b'], fragment: null });
    expect(splitLog('a\n{"v":1,"se')).toEqual({ lines: ['a'], fragment: '{"v":1,"se' });
    expect(splitLog('')).toEqual({ lines: [], fragment: null });
  });

  // Interoperability: a verifier needs no Qifu code, only OpenSSL 3 and the public key.
  const openssl = spawnSync('openssl', ['ecparam', '-list_curves'], { encoding: 'utf8' });
  const hasSm2 = openssl.status === 0 && /\bSM2\b/.test(openssl.stdout);
  it.skipIf(!hasSm2)('signs checkpoints that OpenSSL verifies with the public key as PEM (SM2 with SM3, id 1234567812345678)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-ossl-'));
    try {
      const { checkpoint } = signCheckpoint({ seq: 42, hash: sm3('record 42'), at: '2026-03-01T10:42:00.000Z', prev: GENESIS_HASH }, keyA);
      fs.writeFileSync(path.join(dir, 'pub.pem'), sm2PublicKeyPem(keyA.publicKey));
      fs.writeFileSync(path.join(dir, 'msg'), checkpointMessage(checkpoint));
      fs.writeFileSync(path.join(dir, 'sig.der'), sm2SignatureDer(checkpoint.sig));
      const verify = () =>
        spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'msg', '-sigfile', 'sig.der', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678'], { cwd: dir, encoding: 'utf8' });
      const good = verify();
      expect(good.stdout).toMatch(/Signature Verified Successfully/);
      expect(good.status).toBe(0);
      fs.writeFileSync(path.join(dir, 'msg'), checkpointMessage({ ...checkpoint, seq: 43 }));
      expect(verify().status).toBe(1);
      // And OpenSSL reads the PEM as an SM2 key.
      expect(execFileSync('openssl', ['pkey', '-pubin', '-in', 'pub.pem', '-noout', '-text'], { cwd: dir, encoding: 'utf8' })).toMatch(/SM2|1\.2\.156\.10197\.1\.301/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
