// Issue 12 item 8 (SPEC F-6): /metrics is not open to anyone. Each mode:
// default (this machine only), QIFU_METRICS_TOKEN, QIFU_METRICS_ADDR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.ts';
import { buildApp } from './app.ts';
import { startMetricsListener, tokenMatches, type MetricsListener } from './metrics.ts';
import { startServer } from './start.ts';
import { testApp, type TestApp } from './testing.ts';

const TOKEN = 'scrape-0123456789abcdef';
let t: TestApp;

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

async function appWith(config: Partial<TestApp['config']>) {
  const app = await buildApp({ db: t.db, config: { ...t.config, ...config }, serveWeb: false });
  await app.ready();
  return app;
}

describe('default: only from this machine', () => {
  it('answers a loopback peer, refuses any other address and anything a proxy forwards', async () => {
    const local = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('qifu_http_request_duration_seconds');
    const v6 = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' });
    expect(v6.statusCode).toBe(200);
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(remote.body).not.toContain('qifu_http');
    // A reverse proxy on this machine connects from loopback: what it forwards is not local.
    const proxied = await t.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { forwarded: 'for=203.0.113.9' } })).statusCode).toBe(403);
  });

  it('is not fooled by a trusted proxy header either', async () => {
    const app = await appWith({ trustProxy: true });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('QIFU_METRICS_TOKEN', () => {
  it('needs the bearer token from every address, loopback included', async () => {
    const app = await appWith({ metricsToken: TOKEN });
    try {
      const none = await app.inject({ method: 'GET', url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer short' } })).statusCode).toBe(401);
      const ok = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('process_cpu_user_seconds_total');
    } finally {
      await app.close();
    }
  });

  it('compares whole values whatever their lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(tokenMatches(`${TOKEN}0`, TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
  });
});

describe('QIFU_METRICS_ADDR', () => {
  let listener: MetricsListener | null = null;
  afterAll(async () => listener?.close());

  it('serves /metrics on its own listener and nowhere on the main one', async () => {
    const app = await appWith({ metricsAddr: { host: '127.0.0.1', port: 0 } });
    try {
      const main = await app.inject({ method: 'GET', url: '/metrics' });
      expect(main.statusCode).toBe(404);
      expect(main.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
      listener = await startMetricsListener(app.metricsRegistry, { metricsToken: undefined }, { host: '127.0.0.1', port: 0 });
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await fetch(`${listener.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/qifu_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
      const other = await fetch(`${listener.url}/api/v1/auth/me`);
      expect(other.status).toBe(404);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
      expect((await fetch(`${listener.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await app.close();
    }
  });

  it('still asks for the token there when both are set', async () => {
    const app = await appWith({ metricsAddr: { host: '127.0.0.1', port: 0 }, metricsToken: TOKEN });
    const l = await startMetricsListener(app.metricsRegistry, { metricsToken: TOKEN }, { host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`${l.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${l.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await l.close();
      await app.close();
    }
  });
});

describe('startServer with QIFU_METRICS_ADDR', () => {
  it('opens the metrics listener beside the app and closes it with the server', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: 'memory://', databaseUrl: '', demo: false, quiet: true, config: { metricsAddr: { host: '127.0.0.1', port: 0 } } });
    const metricsUrl = server.metricsUrl!;
    try {
      // Not even the web UI's page: a 404 problem.
      const main = await fetch(`${server.url}/metrics`);
      expect(main.status).toBe(404);
      expect(main.headers.get('content-type')).toContain('application/problem+json');
      expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});

describe('configuration', () => {
  it('reads QIFU_TRUST_PROXY, QIFU_METRICS_TOKEN and QIFU_METRICS_ADDR, and refuses bad values at start', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ QIFU_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ QIFU_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(loadConfig({ QIFU_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ QIFU_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,fd00::/8,loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'loopback']);
    expect(() => loadConfig({ QIFU_TRUST_PROXY: '2' })).toThrow(/hop counts/);
    expect(() => loadConfig({ QIFU_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/QIFU_TRUST_PROXY/);
    expect(() => loadConfig({ QIFU_TRUST_PROXY: 'proxy.local' })).toThrow(/QIFU_TRUST_PROXY/);
    expect(loadConfig({ QIFU_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(() => loadConfig({ QIFU_METRICS_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(loadConfig({ QIFU_METRICS_ADDR: '127.0.0.1:9464' }).metricsAddr).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ QIFU_METRICS_ADDR: '[::1]:9464' }).metricsAddr).toEqual({ host: '::1', port: 9464 });
    expect(() => loadConfig({ QIFU_METRICS_ADDR: '9464' })).toThrow(/host:port/);
    expect(() => loadConfig({ QIFU_METRICS_ADDR: 'localhost:99999' })).toThrow(/host:port/);
  });
});
