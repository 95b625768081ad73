import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { testBackend, testDatabase } from '../testing/test-db.ts';

// Native PostgreSQL only: PGlite has no server that could drop a connection.
describe.runIf(testBackend() === 'pg')('native PostgreSQL connection pool', () => {
  let h: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    h = await testDatabase();
  });
  afterAll(async () => h?.close());

  it('survives the server closing its idle connections, and answers the next query', async () => {
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // Two idle connections in the pool, then the server ends them (as a restart would).
      await Promise.all([sql`select pg_sleep(0.05)`.execute(h.db), sql`select pg_sleep(0.05)`.execute(h.db)]);
      const db = (await sql<{ d: string }>`select current_database() as d`.execute(h.db)).rows[0]!.d;
      const { Client } = (await import('pg')).default;
      const admin = new Client({ connectionString: inject('pgAdminUrl')! });
      await admin.connect();
      try {
        const killed = await admin.query('select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()) t', [db]);
        expect(killed.rows[0].n).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await vi.waitFor(() => expect(warn.mock.calls.some(([m]) => String(m).includes('idle connection was closed'))).toBe(true), { timeout: 5000, interval: 20 });
      expect((await sql<{ one: number }>`select 1 as one`.execute(h.db)).rows[0]!.one).toBe(1);
    } finally {
      warn.mockRestore();
    }
  });
});
