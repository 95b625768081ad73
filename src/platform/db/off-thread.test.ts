import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testBackend, testDatabase } from '../testing/test-db.ts';
import { loadConfig } from '../config.ts';
import { buildApp } from '../../server/app.ts';

// Measured finding (issue 2): PGlite blocks its thread while a query runs.
// It lives in a worker, so the HTTP thread keeps answering during a slow query.
describe.runIf(testBackend() === 'pglite')('PGlite runs off the HTTP thread', () => {
  it('answers HTTP requests while a slow query is running', async () => {
    const h = await testDatabase();
    const app = await buildApp({ db: h.db, config: { ...loadConfig({}), logLevel: 'silent' }, serveWeb: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    try {
      const order: string[] = [];
      const slow = sql`select count(*) from generate_series(1, 4000000) g where g % 7 = 3`.execute(h.db).then(() => order.push('slow query'));
      // Give the worker a moment to start the query, then make several real HTTP calls.
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/healthz`);
        expect(res.status).toBe(200);
      }
      order.push('http answered');
      await slow;
      expect(order).toEqual(['http answered', 'slow query']);
    } finally {
      await app.close();
      await h.close();
    }
  });
});
