import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import client from 'prom-client';
import type { Config } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { sendProblem } from '../platform/http.ts';

// Prometheus metrics (SPEC F-6), not open to the world (issue 12 item 8):
// - QIFU_METRICS_ADDR: served only by a second small listener on that
//   address (a private interface, or loopback for a local agent);
// - QIFU_METRICS_TOKEN: every scrape sends `Authorization: Bearer <token>`;
// - neither: only from this machine (a loopback peer that is not forwarding
//   someone else's request).
// docs/operations.md "Metrics".

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (served by /metrics or the metrics listener). */
    metricsRegistry: client.Registry;
  }
}

/** One registry per app, so tests can build several. */
export function createMetrics(app: FastifyInstance): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'qifu_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  return registry;
}

/** Equal-length digests compared in constant time: neither the token nor its length leaks through timing. */
export function tokenMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerOf(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  const m = v ? /^bearer\s+(.+)$/i.exec(v.trim()) : null;
  return m?.[1]?.trim();
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/i;
const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Why a scrape is refused, or null. `peer` is the socket's address, never a forwarded one. */
export function metricsRefusal(config: Pick<Config, 'metricsToken'>, peer: string | undefined, headers: http.IncomingHttpHeaders): AppError | null {
  if (config.metricsToken) {
    return tokenMatches(bearerOf(headers.authorization), config.metricsToken) ? null : new AppError('UNAUTHENTICATED', 401, '未登录或登录已过期', { detail: '/metrics 需要 Authorization: Bearer <QIFU_METRICS_TOKEN>' });
  }
  // A reverse proxy on this machine connects from loopback too: a request it forwards is not local.
  const local = peer !== undefined && LOOPBACK.test(peer) && !FORWARDED.some((h) => headers[h] !== undefined);
  return local ? null : new AppError('FORBIDDEN', 403, '无权访问', { detail: '/metrics 只对本机开放；设置 QIFU_METRICS_TOKEN 或 QIFU_METRICS_ADDR 以供远程采集' });
}

/** GET /metrics on the main listener, unless a separate metrics listener is configured. */
export function registerMetricsRoute(app: FastifyInstance, registry: client.Registry, config: Config): void {
  if (config.metricsAddr) {
    // Answered here, or the web UI's page fallback would.
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => sendProblem(reply, new AppError('ROUTE_NOT_FOUND', 404, '接口不存在', { detail: `${req.method} /metrics` })));
    return;
  }
  app.get('/metrics', { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const refusal = metricsRefusal(config, req.socket.remoteAddress, req.headers);
    if (refusal) {
      if (refusal.status === 401) reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, refusal);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * The second listener (QIFU_METRICS_ADDR): GET /metrics and nothing else.
 * It is reachable only where its address is, so loopback is not required
 * there; the token still is when configured.
 */
export async function startMetricsListener(registry: client.Registry, config: Pick<Config, 'metricsToken'>, addr: { host: string; port: number }): Promise<MetricsListener> {
  const problem = (res: http.ServerResponse, status: number, code: string, title: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/problem+json; charset=utf-8', ...extra });
    res.end(JSON.stringify({ type: `https://qifu.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title, status, code }));
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return problem(res, 404, 'ROUTE_NOT_FOUND', '接口不存在');
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'METHOD_NOT_ALLOWED', '不支持的请求方法', { allow: 'GET, HEAD' });
    if (config.metricsToken && !tokenMatches(bearerOf(req.headers.authorization), config.metricsToken)) {
      return problem(res, 401, 'UNAUTHENTICATED', '未登录或登录已过期', { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => problem(res, 500, 'INTERNAL', '服务器内部错误'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : addr.port;
  const host = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
