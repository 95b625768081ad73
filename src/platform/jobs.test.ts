import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from './db/index.ts';
import { JobRunner, scheduleJob, type JobHandler } from './jobs.ts';
import { testBackend, testDatabase } from './testing/test-db.ts';
import { migrateAll } from '../server/bootstrap.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function ensureEffects(h: DbHandle): Promise<void> {
  await sql`create table if not exists job_effects (id serial primary key, job text not null)`.execute(h.db);
}

const recordEffect: JobHandler = async (payload, tx) => {
  await sql`insert into job_effects (job) values (${(payload as { tag: string }).tag})`.execute(tx);
};

async function effects(h: DbHandle): Promise<string[]> {
  const r = await sql<{ job: string }>`select job from job_effects order by id`.execute(h.db);
  return r.rows.map((x) => x.job);
}

describe('durable jobs (F-8)', () => {
  let h: DbHandle;
  beforeEach(async () => {
    h = await testDatabase();
    await ensureEffects(h);
    // The template's demo data schedules jobs of its own; these tests reason about theirs only.
    await h.db.deleteFrom('jobs').execute();
  });
  afterEach(async () => h.close());

  it('runs a due job once and leaves a future one waiting', async () => {
    await scheduleJob(h.db, { name: 'effect', payload: { tag: 'now' } });
    await scheduleJob(h.db, { name: 'effect', payload: { tag: 'later' }, runAt: new Date(Date.now() + 3600_000) });
    const runner = new JobRunner(h.db, new Map([['effect', recordEffect]]), silent);
    expect(await runner.drain()).toBe(1);
    expect(await runner.drain()).toBe(0);
    expect(await effects(h)).toEqual(['now']);
    expect(await runner.runOne(new Date(Date.now() + 2 * 3600_000))).toBe('done');
    expect(await effects(h)).toEqual(['now', 'later']);
  });

  it('rolls back a failing handler’s writes and retries it later', async () => {
    let calls = 0;
    const flaky: JobHandler = async (payload, tx, job) => {
      calls++;
      await recordEffect(payload, tx, job);
      if (calls === 1) throw new Error('transient');
    };
    await scheduleJob(h.db, { name: 'flaky', payload: { tag: 'f' } });
    const runner = new JobRunner(h.db, new Map([['flaky', flaky]]), silent);
    expect(await runner.runOne()).toBe('failed');
    expect(await effects(h)).toEqual([]);
    const job = await h.db.selectFrom('jobs').selectAll().where('name', '=', 'flaky').executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 1, last_error: 'transient' });
    expect(await runner.runOne(new Date(Date.now() + 3600_000))).toBe('done');
    expect(await effects(h)).toEqual(['f']);
  });

  it('deduplicates schedules with the same key', async () => {
    expect(await scheduleJob(h.db, { name: 'effect', payload: { tag: 'a' }, dedupeKey: 'policy-1-expire' })).not.toBeNull();
    expect(await scheduleJob(h.db, { name: 'effect', payload: { tag: 'b' }, dedupeKey: 'policy-1-expire' })).toBeNull();
    const runner = new JobRunner(h.db, new Map([['effect', recordEffect]]), silent);
    await runner.drain();
    expect(await effects(h)).toEqual(['a']);
  });
});

describe.runIf(testBackend() === 'pglite')('durable jobs across a restart', () => {
  it('a job scheduled before the app stops runs exactly once after it starts again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-jobs-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await migrateAll(first.db);
      await ensureEffects(first);
      await scheduleJob(first.db, { name: 'effect', payload: { tag: 'survivor' }, runAt: new Date(Date.now() + 500) });
      const runner1 = new JobRunner(first.db, new Map([['effect', recordEffect]]), silent);
      expect(await runner1.drain()).toBe(0); // not due yet when the app stops
      await first.close();

      await new Promise((r) => setTimeout(r, 600));
      const second = await openDatabase({ dataDir: dir });
      const runner2 = new JobRunner(second.db, new Map([['effect', recordEffect]]), silent, 20);
      runner2.start();
      for (let i = 0; i < 100 && (await effects(second)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await runner2.stop();
      expect(await runner2.drain()).toBe(0);
      expect(await effects(second)).toEqual(['survivor']);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
