import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Db } from './db/schema.ts';
import { installHttpPlatform } from './http.ts';

// Registration needs no database: the hook only reads the route's config.
const app = () => {
  const f = Fastify();
  installHttpPlatform(f, null as unknown as Db);
  return f;
};

describe('route data-scope declarations (SPEC §0, issue 12 item 3)', () => {
  it('refuses to register an /api/v1 route without config.scope', async () => {
    const f = app();
    expect(() => f.get('/api/v1/undeclared', { config: { access: 'authenticated' } }, async () => ({}))).toThrow(/declares no data scope/);
    await f.close();
  });

  it('refuses a scope parameter that is not in the path, unless it is read from the query or body', async () => {
    const f = app();
    expect(() => f.get('/api/v1/things/:id', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } } }, async () => ({}))).toThrow(/"uscc", which is not in its path/);
    f.get('/api/v1/things/:id', { config: { access: 'authenticated', scope: { param: 'id', owner: 'application' } } }, async () => ({}));
    f.post('/api/v1/things', { config: { access: ['admin'], scope: { param: 'uscc', in: 'body', owner: 'enterprise' } } }, async () => ({}));
    await f.ready();
    expect(f.routeTable.filter((r) => r.url.startsWith('/api/v1')).map((r) => [r.method, r.url, r.scope])).toEqual([
      ['GET', '/api/v1/things/:id', { param: 'id', owner: 'application' }],
      ['HEAD', '/api/v1/things/:id', { param: 'id', owner: 'application' }],
      ['POST', '/api/v1/things', { param: 'uscc', in: 'body', owner: 'enterprise' }],
    ]);
    await f.close();
  });

  it('asks nothing of routes outside the API', async () => {
    const f = app();
    f.get('/healthz', async () => ({ ok: true }));
    await f.ready();
    expect(f.routeTable.map((r) => [r.method, r.url, r.access, r.scope])).toEqual([
      ['GET', '/healthz', undefined, undefined],
      ['HEAD', '/healthz', undefined, undefined],
    ]);
    await f.close();
  });
});
