/** Runtime configuration, read once from the environment (documented in README). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  demo: boolean;
  logLevel: string;
  /** Mark cookies Secure: set when served over HTTPS behind a proxy. */
  secureCookies: boolean;
  /** How often the durable job runner polls, in ms. */
  jobPollMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: env.QIFU_DATA_DIR ?? './data',
    databaseUrl: env.DATABASE_URL || undefined,
    demo: env.QIFU_DEMO !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.QIFU_SECURE_COOKIES === '1',
    jobPollMs: env.QIFU_JOB_POLL_MS ? Number(env.QIFU_JOB_POLL_MS) : 1000,
  };
}
