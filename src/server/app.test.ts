import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../platform/access.ts';
import { verifyAudit } from '../platform/audit.ts';
import { hashSecret } from '../platform/auth/tokens.ts';
import { markChanged } from '../platform/changes.ts';
import { toProblem } from '../platform/http.ts';
import { testApp, type Session, type TestApp } from './testing.ts';

let t: TestApp;
const sessions = new Map<Role, Session>();

beforeAll(async () => {
  t = await testApp();
  for (const role of ROLES) sessions.set(role, await t.login(role));
});
afterAll(async () => t?.close());

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json() as Record<string, unknown>;
  expect(body.code).toBe(code);
  expect(typeof body.title).toBe('string');
  expect(body.status).toBe(status);
  return body;
}

describe('route table (§0: every route declares who may call it)', () => {
  it('has an access declaration on every /api/v1 route', () => {
    const api = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1'));
    expect(api.length).toBeGreaterThan(5);
    expect(api.filter((r) => r.access === undefined)).toEqual([]);
  });

  it('refuses to register an API route without one', async () => {
    const { default: Fastify } = await import('fastify');
    const { installHttpPlatform } = await import('../platform/http.ts');
    const app = Fastify();
    installHttpPlatform(app, t.db);
    expect(() => app.get('/api/v1/undeclared', async () => ({}))).toThrow(/declares no access/);
    await app.close();
  });

  it('answers 401 without login and 403 for every role a route does not allow', async () => {
    const api = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD');
    let checked = 0;
    for (const route of api) {
      const url = route.url.replace(/:[A-Za-z]+/g, 'x');
      if (route.access === 'public') continue;
      const anon = await t.app.inject({ method: route.method as 'GET', url });
      expect(anon.statusCode, `${route.method} ${route.url} anonymous`).toBe(401);
      if (route.access === 'authenticated' || route.access === undefined) continue;
      for (const role of ROLES.filter((r) => !(route.access as readonly Role[]).includes(r))) {
        const res = await sessions.get(role)!.request({ method: route.method as 'GET', url });
        expect(res.statusCode, `${route.method} ${route.url} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('auth (F-3)', () => {
  it('logs in, returns the user with scope, and logs out', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'street', password: 'demo' } });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/qifu_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const body = res.json() as { user: Record<string, unknown>; csrfToken: string };
    expect(body.user).toMatchObject({ username: 'street', role: 'street', street: '310112101', scopeName: '莘庄镇' });
    const cookie = setCookie.split(';')[0]!;
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ user: { id: body.user.id, username: 'street', role: 'street', street: '310112101' } });
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(out.statusCode).toBe(204);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } }), 401, 'UNAUTHENTICATED');
  });

  it('gives each scoped role its scope in /auth/me', async () => {
    const dept = (await sessions.get('dept')!.request({ method: 'GET', url: '/api/v1/auth/me' })).json() as { user: Record<string, unknown> };
    expect(dept.user).toMatchObject({ role: 'dept', department: 'scjgj', scopeName: '区市场监管局' });
    const ent = (await sessions.get('enterprise')!.request({ method: 'GET', url: '/api/v1/auth/me' })).json() as { user: Record<string, unknown> };
    expect(ent.user.role).toBe('enterprise');
    expect(String(ent.user.uscc)).toMatch(/^[0-9A-HJ-NPQRTUWXY]{18}$/);
  });

  it('rejects a wrong password with 401 problem+json and throttles repeated failures with 429', async () => {
    const body = expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'nope' } }), 401, 'INVALID_CREDENTIALS');
    expect(body.title).toBe('用户名或密码错误');
    for (let i = 0; i < 4; i++) await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'nope' } });
    const blocked = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'demo' } });
    expectProblem(blocked, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not reveal whether a username exists', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'no-such-user', password: 'x' } });
    const b = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'specialist', password: 'x' } });
    expect(a.statusCode).toBe(401);
    expect(a.body).toBe(b.body);
  });

  it('requires the CSRF token for cookie-authenticated writes, not for bearer tokens', async () => {
    const s = sessions.get('admin')!;
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { cookie: s.cookie }, payload: {} });
    expectProblem(noCsrf, 403, 'CSRF_TOKEN_INVALID');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' }, payload: {} });
    expectProblem(wrong, 403, 'CSRF_TOKEN_INVALID');
    const ok = await s.request({ method: 'POST', url: '/api/v1/auth/tokens', payload: { name: 'feed' } });
    expect(ok.statusCode).toBe(201);
    const { token } = ok.json() as { token: string };
    const viaBearer = await t.app.inject({ method: 'POST', url: '/api/v1/auth/tokens', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(viaBearer.statusCode).toBe(201);
  });

  it('accepts a bearer token on every API route and rejects an unknown one', async () => {
    const s = sessions.get('dept')!;
    const { token } = (await s.request({ method: 'POST', url: '/api/v1/auth/tokens', payload: {} })).json() as { token: string };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ user: { username: 'dept', role: 'dept' } });
    // The token carries the user's role: a dept token cannot list users.
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } }), 403, 'FORBIDDEN');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer qf_forged' } }), 401, 'UNAUTHENTICATED');
    const stored = await t.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(stored.some((r) => r.token_hash === token)).toBe(false);
    // Lookups are cached for a few seconds; a user write in this process empties the cache at once.
    await t.db.updateTable('api_tokens').set({ revoked: true }).where('token_hash', '=', hashSecret(token)).execute();
    markChanged('users');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } }), 401, 'UNAUTHENTICATED');
  });

  it('changes a password: old one stops working, weak and wrong ones are refused', async () => {
    const admin = sessions.get('admin')!;
    expect((await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'pwuser', password: 'Start-1234', role: 'leader' } })).statusCode).toBe(201);
    const s = await t.login('pwuser', 'Start-1234');
    expectProblem(await s.request({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'bad', newPassword: 'Next-12345' } }), 400, 'WRONG_PASSWORD');
    const weak = expectProblem(await s.request({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'Start-1234', newPassword: 'short' } }), 400, 'WEAK_PASSWORD');
    expect(weak.field).toBe('newPassword');
    expect((await s.request({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'Start-1234', newPassword: 'Next-12345' } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'pwuser', password: 'Start-1234' } })).statusCode).toBe(401);
    await t.login('pwuser', 'Next-12345');
  });
});

describe('users admin', () => {
  it('creates users with a valid scope and rejects bad input without writing', async () => {
    const admin = sessions.get('admin')!;
    const before = (await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const badUscc = expectProblem(await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'e1', password: 'Good-pass1', role: 'enterprise', uscc: '91310112MA1G5B2K7X' } }), 400, 'USCC_INVALID');
    expect(badUscc.field).toBe('uscc');
    expect(String(badUscc.detail)).toMatch(/校验/);
    expectProblem(await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'd1', password: 'Good-pass1', role: 'dept' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'd1', password: 'Good-pass1', role: 'dept', department: "x' or 1=1 --" } }), 400, 'VALIDATION_FAILED');
    const dup = expectProblem(await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'admin', password: 'Good-pass1', role: 'leader' } }), 409, 'USERNAME_TAKEN');
    expect(dup.field).toBe('username');
    const badRole = expectProblem(await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'r1', password: 'Good-pass1', role: 'root' } }), 400, 'VALIDATION_FAILED');
    expect(badRole.field).toBe('role');
    const after = (await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(after).toBe(before);
    const ok = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'inspector2', password: 'Good-pass1', role: 'inspector', department: 'rsj', displayName: '<script>alert(1)</script>' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ username: 'inspector2', role: 'inspector', department: 'rsj', scopeName: '区人社局', displayName: '<script>alert(1)</script>' });
  });

  it('lists with filters and pagination, and treats LIKE wildcards literally', async () => {
    const admin = sessions.get('admin')!;
    const all = (await admin.request({ method: 'GET', url: '/api/v1/users?page=1&pageSize=2' })).json() as { items: unknown[]; total: number };
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThanOrEqual(9);
    const depts = (await admin.request({ method: 'GET', url: '/api/v1/users?role=dept' })).json() as { items: Array<{ role: string }>; total: number };
    expect(depts.items.length).toBeGreaterThanOrEqual(2);
    expect(depts.items.every((u) => u.role === 'dept')).toBe(true);
    const pct = (await admin.request({ method: 'GET', url: '/api/v1/users?q=%25' })).json() as { total: number };
    expect(pct.total).toBe(0);
    expectProblem(await admin.request({ method: 'GET', url: '/api/v1/users?pageSize=1000' }), 400, 'VALIDATION_FAILED');
  });

  it('exports the filtered list as a real .xlsx', async () => {
    const res = await sessions.get('admin')!.request({ method: 'GET', url: '/api/v1/users/export.xlsx?role=street' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(2).value).toBe('用户名');
    const names = [];
    for (let i = 2; i <= ws.rowCount; i++) names.push(ws.getRow(i).getCell(2).value);
    expect(names).toEqual(expect.arrayContaining(['street', 'street2']));
    expect(names).not.toContain('admin');
  });
});

describe('errors and API surface (F-5, F-6)', () => {
  it('answers 413 for a JSON body over 1 MiB', async () => {
    const res = await sessions.get('admin')!.request({ method: 'POST', url: '/api/v1/users', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x'.repeat(1024 * 1024 + 10) }) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON and schema violations with the failing field', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expectProblem(bad, 400, 'BAD_JSON');
    const missing = expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } }), 400, 'VALIDATION_FAILED');
    expect(missing.field).toBe('password');
  });

  it('answers unknown API routes with JSON 404', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('never leaks internals of an unexpected error', () => {
    const p = toProblem(Object.assign(new Error('relation "users" does not exist at character 15'), { stack: 'at secret.ts:1' }));
    expect(p.status).toBe(500);
    expect(p.code).toBe('INTERNAL');
    expect(`${p.title} ${p.message}`).not.toMatch(/relation|secret|users/);
  });

  it('serves OpenAPI 3, the docs UI, health and Prometheus metrics', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/audit/verify']));
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('qifu_http_request_duration_seconds');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });
});

describe('audit of writes (F-4)', () => {
  it('appends a record for each write and keeps the chain intact', async () => {
    const admin = sessions.get('admin')!;
    const before = await verifyAudit(t.db);
    await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'audited', password: 'Good-pass1', role: 'specialist' } });
    const after = await verifyAudit(t.db);
    expect(before.ok && after.ok).toBe(true);
    expect(after.count).toBe(before.count + 1);
    const last = (await admin.request({ method: 'GET', url: '/api/v1/audit?pageSize=1' })).json() as { items: Array<{ action: string; actor: string; role: string }> };
    expect(last.items[0]).toMatchObject({ action: 'user.create', role: 'admin' });
    expect(last.items[0]!.actor).toMatch(/^admin#/);
    expect((await admin.request({ method: 'GET', url: '/api/v1/audit/verify' })).json()).toMatchObject({ ok: true });
  });

  it('keeps one unbroken chain under concurrent writes', async () => {
    const admin = sessions.get('admin')!;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: `conc${i}`, password: 'Good-pass1', role: 'leader' } })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true });
  });
});
