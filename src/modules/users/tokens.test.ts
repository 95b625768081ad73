// Issue 12 item 7 (SPEC F-3, §11): API tokens can be listed, revoked and given
// an expiry; revoked and expired tokens are refused at once, cache or not; a
// password reset revokes a user's tokens, an own change offers to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../platform/auth/tokens.ts';
import { markChanged } from '../../platform/changes.ts';
import { testApp, type Session, type TestApp } from '../../server/testing.ts';
import { tokenExpiry } from './domain.ts';

let t: TestApp;
let admin: Session;
let dept: Session;

beforeAll(async () => {
  t = await testApp();
  admin = await t.login('admin');
  dept = await t.login('dept');
});
afterAll(async () => t?.close());

async function create(s: Session, payload: Record<string, unknown> = {}): Promise<{ id: number; token: string; name: string; expiresAt: string | null }> {
  const res = await s.request({ method: 'POST', url: '/api/v1/auth/tokens', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
const audits = (action: string, target: string) => t.db.selectFrom('audit_log').select(['actor', 'action', 'target']).where('action', '=', action).where('target', '=', target).execute();

describe('creating with an expiry', () => {
  it('takes expiresInDays or a date (valid through that day, Beijing time) and audits the creation', async () => {
    const before = Date.now();
    const a = await create(dept, { name: '数据接口', expiresInDays: 30 });
    expect(a.token).toMatch(/^qf_/);
    expect(new Date(a.expiresAt!).getTime() - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 5000);
    const year = new Date().getUTCFullYear() + 1;
    const b = await create(dept, { name: '12345 热线', expiresAt: `${year}-12-31` });
    expect(b.expiresAt).toBe(`${year}-12-31T16:00:00.000Z`);
    expect(await audits('token.create', `token:${b.id}`)).toHaveLength(1);
    const none = await create(dept, { name: 'forever' });
    expect(none.expiresAt).toBeNull();
  });

  it('refuses a past, impossible or doubled expiry with 400 naming the field, and writes nothing', async () => {
    const count = async () => Number((await t.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const n = await count();
    for (const [payload, field] of [
      [{ expiresAt: '2020-01-01' }, 'expiresAt'],
      [{ expiresAt: '2027-02-30' }, 'expiresAt'],
      [{ expiresAt: '2999-01-01' }, 'expiresAt'],
      [{ expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ expiresAt: '2030-01-01', expiresInDays: 3 }, 'expiresInDays'],
      [{ expiresInDays: 0 }, 'expiresInDays'],
      [{ expiresInDays: 100_000 }, 'expiresInDays'],
      [{ name: '   ' }, 'name'],
    ] as const) {
      const res = await dept.request({ method: 'POST', url: '/api/v1/auth/tokens', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect(await count()).toBe(n);
  });

  it('tokenExpiry reads a date as the end of that day in UTC+8', () => {
    const now = new Date('2026-06-30T20:00:00Z'); // 04:00 on 1 July in Beijing
    expect(tokenExpiry({ expiresAt: '2026-07-01' }, now)).toEqual({ expiresAt: new Date('2026-07-01T16:00:00Z') });
    expect(tokenExpiry({ expiresAt: '2026-06-30' }, now)).toMatchObject({ field: 'expiresAt' });
    expect(tokenExpiry({}, now)).toEqual({ expiresAt: null });
  });
});

describe('listing', () => {
  it('shows a user their own tokens only, never the secret or its hash', async () => {
    const { token } = await create(dept, { name: 'list-me' });
    const res = await dept.request({ method: 'GET', url: '/api/v1/auth/tokens' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<Record<string, unknown>>; total: number };
    expect(body.items.every((i) => i.username === 'dept')).toBe(true);
    expect(body.items.find((i) => i.name === 'list-me')).toMatchObject({ status: 'active', lastUsedAt: null, revokedAt: null, displayName: expect.any(String) });
    expect(res.body).not.toContain(token);
    expect(res.body).not.toContain(hashSecret(token));
    const other = await t.login('street');
    expect(((await other.request({ method: 'GET', url: '/api/v1/auth/tokens' })).json() as { items: unknown[] }).items).toEqual([]);
  });

  it('shows the admin every user’s tokens with the user, filtered and paginated; others get 403', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/v1/tokens?q=dept&pageSize=2' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ username: string }>; total: number };
    expect(body.items).toHaveLength(2);
    expect(body.total).toBeGreaterThan(2);
    expect(body.items.every((i) => i.username === 'dept')).toBe(true);
    expect((await dept.request({ method: 'GET', url: '/api/v1/tokens' })).statusCode).toBe(403);
  });

  it('records last use at most once a minute, not on every call', async () => {
    const { id, token } = await create(dept, { name: 'usage' });
    expect((await me(token)).statusCode).toBe(200);
    const first = await t.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(first.last_used_at).not.toBeNull();
    // Thirty seconds ago: another lookup (cache emptied) does not write.
    const recent = new Date(Date.now() - 30_000);
    await t.db.updateTable('api_tokens').set({ last_used_at: recent }).where('id', '=', id).execute();
    markChanged('users');
    expect((await me(token)).statusCode).toBe(200);
    expect((await t.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at).toEqual(recent);
    // Two minutes ago: the next lookup writes.
    await t.db.updateTable('api_tokens').set({ last_used_at: new Date(Date.now() - 120_000) }).where('id', '=', id).execute();
    markChanged('users');
    expect((await me(token)).statusCode).toBe(200);
    const later = await t.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(new Date(later.last_used_at!).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('revoking', () => {
  it('refuses a revoked token at once, even one just served from the cache, and audits it', async () => {
    const { id, token } = await create(dept, { name: 'revoke-me' });
    expect((await me(token)).statusCode).toBe(200); // now cached for 5 s
    const res = await dept.request({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, alreadyRevoked: false });
    expect((await me(token)).statusCode).toBe(401);
    expect(await audits('token.revoke', `token:${id}`)).toHaveLength(1);
    const row = await t.db.selectFrom('api_tokens').select(['revoked', 'revoked_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked).toBe(true);
    expect(row.revoked_at).not.toBeNull();
    // Again: nothing changes, nothing is audited twice.
    expect((await dept.request({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}` })).json()).toMatchObject({ alreadyRevoked: true });
    expect(await audits('token.revoke', `token:${id}`)).toHaveLength(1);
    const listed = (await dept.request({ method: 'GET', url: '/api/v1/auth/tokens?status=revoked' })).json() as { items: Array<{ id: number }> };
    expect(listed.items.map((i) => i.id)).toContain(id);
  });

  it('lets a user revoke only their own (another’s is 404), the admin any', async () => {
    const { id, token } = await create(dept, { name: 'not-yours' });
    const street = await t.login('street');
    const res = await street.request({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    expect((await me(token)).statusCode).toBe(200);
    expect((await admin.request({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}` })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    expect((await admin.request({ method: 'DELETE', url: '/api/v1/auth/tokens/99999999' })).statusCode).toBe(404);
  });

  it('tells an enterprise user when the admin revokes their token', async () => {
    const ent = await t.login('enterprise');
    const { id } = await create(ent, { name: 'ERP' });
    expect((await admin.request({ method: 'DELETE', url: `/api/v1/auth/tokens/${id}` })).statusCode).toBe(200);
    const inbox = (await ent.request({ method: 'GET', url: '/api/v1/messages' })).json() as { items: Array<{ kind: string; title: string }> };
    expect(inbox.items.find((m) => m.kind === 'account.token.revoked')?.title).toContain('ERP');
  });
});

describe('expiry', () => {
  it('refuses an expired token at once, also while its lookup is cached', async () => {
    const { id, token } = await create(dept, { name: 'short-lived' });
    // Expires three seconds from now; the lookup below caches it for five.
    const expiresAt = new Date(Date.now() + 3000);
    await t.db.updateTable('api_tokens').set({ expires_at: expiresAt }).where('id', '=', id).execute();
    markChanged('users');
    expect((await me(token)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt.getTime() - Date.now() + 50)));
    expect((await me(token)).statusCode).toBe(401);
    const listed = (await dept.request({ method: 'GET', url: '/api/v1/auth/tokens?status=expired' })).json() as { items: Array<{ id: number; status: string }> };
    expect(listed.items.find((i) => i.id === id)?.status).toBe('expired');
  });
});

describe('passwords and tokens', () => {
  it('an admin reset (POST /users/{id}/password) revokes every token and ends every session of the user', async () => {
    expect((await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'reset-me', password: 'Start-pass-1', role: 'leader' } })).statusCode).toBe(201);
    const s = await t.login('reset-me', 'Start-pass-1');
    const a = await create(s, { name: 'one' });
    const b = await create(s, { name: 'two' });
    const id = ((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).json() as { user: { id: number } }).user.id;
    const weak = await admin.request({ method: 'POST', url: `/api/v1/users/${id}/password`, payload: { password: 'short' } });
    expect(weak.json()).toMatchObject({ code: 'WEAK_PASSWORD', field: 'password' });
    expect((await me(a.token)).statusCode).toBe(200);
    const res = await admin.request({ method: 'POST', url: `/api/v1/users/${id}/password`, payload: { password: 'Reset-pass-2' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: id, username: 'reset-me', revokedTokens: 2, endedSessions: 1 });
    expect((await me(a.token)).statusCode).toBe(401);
    expect((await me(b.token)).statusCode).toBe(401);
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect(await audits('token.revoke', `token:${a.id}`)).toHaveLength(1);
    expect(await audits('user.password.set', `user:${id}`)).toHaveLength(1);
    await t.login('reset-me', 'Reset-pass-2');
    expect((await admin.request({ method: 'POST', url: '/api/v1/users/99999999/password', payload: { password: 'Reset-pass-2' } })).statusCode).toBe(404);
    expect((await dept.request({ method: 'POST', url: `/api/v1/users/${id}/password`, payload: { password: 'Reset-pass-3' } })).statusCode).toBe(403);
  });

  it('an own password change keeps the tokens unless revokeTokens is true', async () => {
    expect((await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'own-change', password: 'Start-pass-1', role: 'leader' } })).statusCode).toBe(201);
    const s = await t.login('own-change', 'Start-pass-1');
    const a = await create(s, { name: 'kept' });
    const keep = await s.request({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'Start-pass-1', newPassword: 'Second-pass-2' } });
    expect(keep.statusCode).toBe(204);
    expect((await me(a.token)).statusCode).toBe(200);
    const drop = await s.request({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'Second-pass-2', newPassword: 'Third-pass-3', revokeTokens: true } });
    expect(drop.statusCode).toBe(204);
    expect(await t.db.selectFrom('api_tokens').select('revoked').where('id', '=', a.id).executeTakeFirstOrThrow()).toEqual({ revoked: true });
    expect((await me(a.token)).statusCode).toBe(401);
    // The session that changed the password stays.
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });
});
