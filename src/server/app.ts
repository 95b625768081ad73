import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import { installHttpPlatform, sendProblem, toProblem } from '../platform/http.ts';
import type { AppContext, ModuleManifest } from '../platform/module.ts';
import { createMetrics, registerMetricsRoute } from './metrics.ts';
import { partSchemaController } from '../platform/validation.ts';
import { MODULES } from './modules.ts';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
export const BODY_LIMIT = 1024 * 1024;

export interface BuildOptions {
  db: Db;
  config: Config;
  /** Serve the built web UI from web/dist when present (default true). */
  serveWeb?: boolean;
  /** The modules to mount (default: all of MODULES). */
  modules?: readonly ModuleManifest[];
}

/** The composition root: platform plugins first, then every module's routes under /api/v1. */
export async function buildApp({ db, config, serveWeb = true, modules = MODULES }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: BODY_LIMIT,
    // QIFU_TRUST_PROXY: whose X-Forwarded-For names the client (req.ip, used by the login throttle); none by default.
    trustProxy: config.trustProxy,
    // JSON bodies are validated without type coercion; query strings and path parameters parse numbers (SPEC §10).
    schemaController: partSchemaController(),
    // A URL the router cannot decode (/x/%) is a 400 problem too, not Fastify's own JSON.
    frameworkErrors: (err, _req, reply) => sendProblem(reply, toProblem(err)),
  });

  // Prometheus metrics (SPEC F-6); who may read them: src/server/metrics.ts.
  const registry = createMetrics(app);
  app.decorate('metricsRegistry', registry);

  await app.register(cookie);
  installHttpPlatform(app, db);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Qifu (企服) API', version: '1', description: '企业服务平台 API。错误一律为 RFC 9457 problem+json。' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'qifu_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await db.selectFrom('audit_head').select('id').limit(1).execute();
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
  registerMetricsRoute(app, registry, config);

  const ctx: AppContext = { db, config, log: app.log, contributions: { enterprisePage: modules.flatMap((m) => (m.enterprisePage ? [m.enterprisePage] : [])) } };
  await app.register(
    async (api) => {
      for (const m of modules) if (m.routes) await m.routes(api, ctx);
    },
    { prefix: '/api/v1' },
  );

  const hasWeb = serveWeb && fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.url === '/api' || req.method !== 'GET' || !hasWeb) {
      return sendProblem(reply, new AppError('ROUTE_NOT_FOUND', 404, '接口不存在', { detail: `${req.method} ${req.url.split('?')[0]}` }));
    }
    // Client-side routes of the single-page app.
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });

  return app;
}
