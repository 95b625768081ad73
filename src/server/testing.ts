// Test support: the real application on a fresh test database, driven with
// Fastify's inject (no socket), plus helpers to act as a demo user.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../platform/config.ts';
import type { DbHandle } from '../platform/db/index.ts';
import { testDatabase } from '../platform/testing/test-db.ts';
import type { ModuleManifest } from '../platform/module.ts';
import { buildApp } from './app.ts';

export interface Session {
  cookie: string;
  csrfToken: string;
  /** inject() as this user: cookie and CSRF header added. */
  request(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle['db'];
  handle: DbHandle;
  config: Config;
  login(username: string, password?: string): Promise<Session>;
  close(): Promise<void>;
}

export async function testApp(overrides: Partial<Config> = {}, modules?: readonly ModuleManifest[]): Promise<TestApp> {
  const handle = await testDatabase();
  // The database is a fresh copy, so the files beside it are too: 'memory://' keeps uploads in a
  // temporary folder and leaves audit checkpoints off, instead of reading a developer's ./data.
  const config: Config = { ...loadConfig({}), logLevel: 'silent', dataDir: 'memory://', ...overrides };
  const app = await buildApp({ db: handle.db, config, serveWeb: false, modules });
  await app.ready();
  return {
    app,
    db: handle.db,
    handle,
    config,
    async login(username, password = 'demo') {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const setCookie = res.headers['set-cookie'];
      const raw = Array.isArray(setCookie) ? setCookie[0]! : String(setCookie);
      const cookie = raw.split(';')[0]!;
      const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
      return {
        cookie,
        csrfToken,
        request: (opts) => app.inject({ ...opts, headers: { cookie, 'x-csrf-token': csrfToken, ...(opts.headers ?? {}) } }),
      };
    },
    async close() {
      await app.close();
      await handle.close();
    },
  };
}
