import { loadConfig, type Config } from '../platform/config.ts';
import { openDatabase } from '../platform/db/index.ts';
import { JobRunner, type JobHandler } from '../platform/jobs.ts';
import { buildApp } from './app.ts';
import { startMetricsListener, type MetricsListener } from './metrics.ts';
import { migrateAll, seedAll } from './bootstrap.ts';
import { MODULES } from './modules.ts';

export interface StartOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  demo?: boolean;
  quiet?: boolean;
  /** Overrides of any other configuration value. */
  config?: Partial<Config>;
}

export interface RunningServer {
  url: string;
  /** The metrics listener's base URL when QIFU_METRICS_ADDR is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export function jobHandlers(): Map<string, JobHandler> {
  const handlers = new Map<string, JobHandler>();
  for (const m of MODULES) for (const [name, h] of Object.entries(m.jobs ?? {})) handlers.set(name, h);
  return handlers;
}

/** Opens the database, migrates, seeds, serves HTTP and starts the durable job runner. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const base = loadConfig();
  const config: Config = {
    ...base,
    ...opts.config,
    port: opts.port ?? base.port,
    host: opts.host ?? base.host,
    dataDir: opts.dataDir ?? base.dataDir,
    databaseUrl: opts.databaseUrl ?? base.databaseUrl,
    demo: opts.demo ?? base.demo,
    logLevel: opts.quiet ? 'warn' : (opts.config?.logLevel ?? base.logLevel),
  };
  const say = (line: string): void => {
    if (!opts.quiet) process.stdout.write(`[qifu] ${line}\n`);
  };
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  say(`database: ${handle.kind} (${handle.location})`);
  try {
    const applied = await migrateAll(handle.db);
    if (applied.length) say(`migrations applied: ${applied.join(', ')}`);
    await seedAll(handle.db, config, config.demo, say);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const app = await buildApp({ db: handle.db, config });
  const runner = new JobRunner(handle.db, jobHandlers(), app.log, config.jobPollMs, config);
  await app.listen({ port: config.port, host: config.host });
  // QIFU_METRICS_ADDR: /metrics on its own listener (and not on the main one).
  let metrics: MetricsListener | null = null;
  if (config.metricsAddr) {
    try {
      metrics = await startMetricsListener(app.metricsRegistry, config, config.metricsAddr);
    } catch (err) {
      await app.close();
      await handle.close();
      throw err;
    }
  }
  if (metrics) say(`metrics: ${metrics.url}/metrics`);
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  runner.start();
  const ctx = { db: handle.db, config, log: app.log, contributions: { enterprisePage: [] } };
  const workers = MODULES.flatMap((m) => (m.workers ? [m.workers(ctx)] : []));
  for (const w of workers) w.start();
  say(`Qifu 企服 is running at ${url}  (API docs: ${url}/api/docs)`);
  return {
    url,
    metricsUrl: metrics?.url,
    async close() {
      await runner.stop();
      for (const w of workers) await w.stop();
      await metrics?.close();
      await app.close();
      await handle.close();
    },
  };
}
