import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorSettings, checkpointNow } from '../../platform/audit-anchor.ts';
import { editAndRechain } from '../../platform/testing/audit-tamper.ts';
import { testApp, type TestApp } from '../../server/testing.ts';

// GET /api/v1/audit/verify tells the admin how the chain stands against the checkpoints outside the database (§11).
describe('audit verify route with checkpoints', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-audit-route-'));
    t = await testApp({ dataDir: dir });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports unanchored, then anchored with the range written since, then a rewrite; admin only', async () => {
    const admin = await t.login('admin');
    const verify = async () => (await admin.request({ method: 'GET', url: '/api/v1/audit/verify' })).json() as { ok: boolean; count: number; firstBad?: { seq: number; reason: string }; anchor: Record<string, unknown> };

    const before = await verify();
    expect(before).toMatchObject({ ok: true, anchor: { status: 'unanchored', missing: 'KEY', latest: null, unprotected: { from: 1, to: before.count } } });

    expect((await checkpointNow(t.db, anchorSettings(t.config))).status).toBe('written');
    const covered = (await verify()).count;
    // The login above and this user creation are audited after the checkpoint.
    await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'after-checkpoint', password: 'Good-pass1', role: 'leader' } });
    const after = await verify();
    expect(after).toMatchObject({ ok: true, anchor: { status: 'anchored', checkpoints: 1, latest: { seq: covered }, protected: { from: 1, to: covered }, unprotected: { from: covered + 1, to: after.count } } });

    await editAndRechain(t.db, covered - 1);
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: covered, reason: 'CHECKPOINT_MISMATCH' }, anchor: { status: 'broken' } });

    const dept = await t.login('dept');
    expect((await dept.request({ method: 'GET', url: '/api/v1/audit/verify' })).statusCode).toBe(403);
  });
});
