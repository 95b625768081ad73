import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../server/testing.ts';
import { AppError } from './errors.ts';
import { runIdempotent } from './idempotency.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

const scope = (key: string | null, body: unknown, userId = 1) => ({ userId, method: 'POST', path: '/api/v1/things/1/do', key, body });

describe('idempotency keys', () => {
  it('runs once per key: a retry replays the stored response, the write happens once', async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      return { status: 201, body: { n: runs } };
    };
    const first = await runIdempotent(t.db, scope('k-1', { a: 1 }), work);
    const retry = await runIdempotent(t.db, scope('k-1', { a: 1 }), work);
    expect(first).toEqual({ status: 201, body: { n: 1 }, replayed: false });
    expect(retry).toEqual({ status: 201, body: { n: 1 }, replayed: true });
    expect(runs).toBe(1);
    // Another user's identical key is another request.
    expect((await runIdempotent(t.db, scope('k-1', { a: 1 }, 2), work)).replayed).toBe(false);
    expect(runs).toBe(2);
  });

  it('refuses the same key with a different body (422 IDEMPOTENCY_KEY_REUSED) without running', async () => {
    let runs = 0;
    const work = async () => ({ status: 200, body: { n: ++runs } });
    await runIdempotent(t.db, scope('k-2', { amountFen: 100 }), work);
    await expect(runIdempotent(t.db, scope('k-2', { amountFen: 200 }), work)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    expect(runs).toBe(1);
  });

  it('stores nothing when the work fails: the retry runs again', async () => {
    let runs = 0;
    const failing = async (): Promise<{ status: number; body: unknown }> => {
      runs++;
      throw new AppError('NOPE', 409, '不行');
    };
    await expect(runIdempotent(t.db, scope('k-3', {}), failing)).rejects.toMatchObject({ code: 'NOPE' });
    await expect(runIdempotent(t.db, scope('k-3', {}), failing)).rejects.toMatchObject({ code: 'NOPE' });
    expect(runs).toBe(2);
    const rows = await t.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'k-3').execute();
    expect(rows).toEqual([]);
  });

  it('without a key simply runs the work', async () => {
    let runs = 0;
    const work = async () => ({ status: 200, body: { n: ++runs } });
    await runIdempotent(t.db, scope(null, {}), work);
    await runIdempotent(t.db, scope(null, {}), work);
    expect(runs).toBe(2);
  });
});
