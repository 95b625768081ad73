// Issue 12 items 4–6 (SPEC F-3, §11): the login throttle holds under parallel
// guessing, cannot be used to lock a user out from another address, follows
// QIFU_TRUST_PROXY, and also guards the current password of POST /auth/password.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE_RULES } from '../../platform/auth/rate-limit.ts';
import { buildApp } from '../../server/app.ts';
import { testApp, type TestApp } from '../../server/testing.ts';

let t: TestApp;
let behindProxy: FastifyInstance;

beforeAll(async () => {
  t = await testApp();
  // The same database behind a reverse proxy at 127.0.0.1 (inject's default peer address).
  behindProxy = await buildApp({ db: t.db, config: { ...t.config, trustProxy: ['127.0.0.1'] }, serveWeb: false });
  await behindProxy.ready();
  const admin = await t.login('admin');
  for (const username of ['victim', 'victim2', 'victim3', 'victim4', 'pwchanger']) {
    const res = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username, password: 'Right-pass-1', role: 'leader' } });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await behindProxy?.close();
  await t?.close();
});

function attempt(app: FastifyInstance, username: string, password: string, from: { remoteAddress?: string; xff?: string } = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: from.remoteAddress,
    headers: from.xff ? { 'x-forwarded-for': from.xff } : {},
    payload: { username, password },
  });
}

const burst = THROTTLE_RULES.accountAtAddress.burst;

describe('item 4: check and count are one step', () => {
  it('20 parallel wrong passwords: at most the burst get 401, the rest 429 with Retry-After', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => attempt(t.app, 'victim', 'wrong', { remoteAddress: '203.0.113.10' })));
    const codes = replies.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(burst);
    expect(codes.filter((c) => c === 401).length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 429).length).toBe(20 - codes.filter((c) => c === 401).length);
    const blocked = replies.find((r) => r.statusCode === 429)!;
    expect(String(blocked.headers['content-type'])).toContain('application/problem+json');
    expect(blocked.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', status: 429 });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits now, from that address.
    expect((await attempt(t.app, 'victim', 'Right-pass-1', { remoteAddress: '203.0.113.10' })).statusCode).toBe(429);
  });
});

describe('item 5: no lockout of the real user from elsewhere', () => {
  it('(a) an attacker at address A failing user X does not stop X at address B', async () => {
    for (let i = 0; i < 30; i++) await attempt(t.app, 'victim2', `guess-${i}`, { remoteAddress: '203.0.113.20' });
    expect((await attempt(t.app, 'victim2', 'Right-pass-1', { remoteAddress: '203.0.113.20' })).statusCode).toBe(429);
    expect((await attempt(t.app, 'victim2', 'Right-pass-1', { remoteAddress: '198.51.100.20' })).statusCode).toBe(200);
  });

  it('(b) failures on many usernames from one address lock out no real user, there or elsewhere', async () => {
    const spray = async (names: string[], remoteAddress: string) => {
      // Ten at a time: real argon2 verifications, as an attacker would cause them.
      for (let i = 0; i < names.length; i += 10) {
        const codes = (await Promise.all(names.slice(i, i + 10).map((n) => attempt(t.app, n, 'Spray-2024', { remoteAddress })))).map((r) => r.statusCode);
        expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
      }
    };
    // An office behind one address: 40 mistyped or guessed logins do not shut its other users out.
    await spray(Array.from({ length: 40 }, (_, i) => `office-${i}`), '203.0.113.31');
    expect((await attempt(t.app, 'leader', 'demo', { remoteAddress: '203.0.113.31' })).statusCode).toBe(200);

    // A sprayer aiming at victim3 among many names: the address's cap stops it there…
    const cap = THROTTLE_RULES.address.burst;
    await spray(Array.from({ length: cap + 20 }, (_, i) => (i % 10 === 0 ? 'victim3' : `nobody-${i}`)), '203.0.113.30');
    expect((await attempt(t.app, 'nobody-else', 'x', { remoteAddress: '203.0.113.30' })).statusCode).toBe(429);
    // …and the real user, elsewhere, logs in.
    expect((await attempt(t.app, 'victim3', 'Right-pass-1', { remoteAddress: '198.51.100.30' })).statusCode).toBe(200);
  });

  it('with QIFU_TRUST_PROXY, two clients behind one proxy are throttled apart', async () => {
    for (let i = 0; i < burst; i++) expect((await attempt(behindProxy, 'victim4', 'wrong', { xff: '192.0.2.1' })).statusCode).toBe(401);
    expect((await attempt(behindProxy, 'victim4', 'Right-pass-1', { xff: '192.0.2.1' })).statusCode).toBe(429);
    expect((await attempt(behindProxy, 'victim4', 'Right-pass-1', { xff: '192.0.2.2' })).statusCode).toBe(200);
  });

  it('without it, X-Forwarded-For is ignored and cannot be forged to escape the throttle', async () => {
    for (let i = 0; i < burst; i++) expect((await attempt(t.app, 'specialist', 'wrong', { xff: `192.0.2.${10 + i}` })).statusCode).toBe(401);
    expect((await attempt(t.app, 'specialist', 'demo', { xff: '192.0.2.99' })).statusCode).toBe(429);
    const row = await t.db.selectFrom('auth_throttle').select('key').where('key', 'like', 'login|%|specialist').execute();
    expect(row.map((r) => r.key)).toEqual(['login|127.0.0.1|specialist']);
  });

  it('waits, then lets the user in: the delay ends, no lock remains', async () => {
    for (let i = 0; i < burst; i++) await attempt(t.app, 'street2', 'wrong', { remoteAddress: '203.0.113.40' });
    expect((await attempt(t.app, 'street2', 'demo', { remoteAddress: '203.0.113.40' })).statusCode).toBe(429);
    // The 30 s have passed (moved back in the shared table instead of sleeping).
    await t.db
      .updateTable('auth_throttle')
      .set({ blocked_until: new Date(Date.now() - 1000) })
      .where('key', '=', 'login|203.0.113.40|street2')
      .execute();
    expect((await attempt(t.app, 'street2', 'demo', { remoteAddress: '203.0.113.40' })).statusCode).toBe(200);
    // The success cleared that account's count at that address.
    expect(await t.db.selectFrom('auth_throttle').select('key').where('key', '=', 'login|203.0.113.40|street2').executeTakeFirst()).toBeUndefined();
  });

  it('keeps the table small: refused attempts leave no rows, day-old keys are swept on a success', async () => {
    // An address waiting out its cap: an attempt on a new username from it is refused, and leaves no row behind.
    await t.db.insertInto('auth_throttle').values({ key: 'addr|203.0.113.60', level: 100, leak_from: new Date(), blocked_until: new Date(Date.now() + 60_000), updated_at: new Date() }).execute();
    expect((await attempt(t.app, 'someone-new', 'x', { remoteAddress: '203.0.113.60' })).statusCode).toBe(429);
    expect(await t.db.selectFrom('auth_throttle').select('key').where('key', '=', 'login|203.0.113.60|someone-new').executeTakeFirst()).toBeUndefined();
    const old = new Date(Date.now() - 2 * 86_400_000);
    await t.db.insertInto('auth_throttle').values({ key: 'login|192.0.2.200|stale', level: 3, leak_from: old, blocked_until: old, updated_at: old }).execute();
    expect((await attempt(t.app, 'inspector', 'demo', { remoteAddress: '198.51.100.60' })).statusCode).toBe(200);
    expect(await t.db.selectFrom('auth_throttle').select('key').where('key', '=', 'login|192.0.2.200|stale').executeTakeFirst()).toBeUndefined();
  });
});

describe('item 6: POST /auth/password checks the current password under the throttle', () => {
  it('wrong current passwords get 400 up to the burst, then 429 even for the right one; another address is not affected', async () => {
    const s = await t.login('pwchanger', 'Right-pass-1');
    const change = (current: string, remoteAddress: string) =>
      s.request({ method: 'POST', url: '/api/v1/auth/password', remoteAddress, payload: { currentPassword: current, newPassword: 'Next-pass-22' } });
    const codes = (await Promise.all(Array.from({ length: 12 }, () => change('not-mine', '203.0.113.50')))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 400).length).toBeLessThanOrEqual(burst);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(12 - burst);
    const blocked = await change('Right-pass-1', '203.0.113.50');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // A weak new password is refused before any attempt is spent.
    const weak = await s.request({ method: 'POST', url: '/api/v1/auth/password', remoteAddress: '203.0.113.50', payload: { currentPassword: 'x', newPassword: 'short' } });
    expect(weak.json()).toMatchObject({ code: 'WEAK_PASSWORD', field: 'newPassword' });
    expect((await change('Right-pass-1', '198.51.100.50')).statusCode).toBe(204);
  });
});
