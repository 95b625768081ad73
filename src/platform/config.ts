/** Runtime configuration, read once from the environment (documented in README). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Audit checkpoints (SPEC F-4, §11; src/platform/audit-anchor.ts): files outside the database. Unset paths default to the data directory. */
  auditKeyFile?: string;
  auditCheckpointLog?: string;
  /** SM2 public keys (04…, 130 hex) a verifier trusts instead of the key file. */
  auditPublicKeys?: string[];
  auditWitnessUrl?: string;
  /** Minutes between scheduled checkpoints; 0 turns the schedule off. */
  auditCheckpointMinutes: number;
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
    ...auditConfig(env),
    demo: env.QIFU_DEMO !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.QIFU_SECURE_COOKIES === '1',
    jobPollMs: env.QIFU_JOB_POLL_MS ? Number(env.QIFU_JOB_POLL_MS) : 1000,
  };
}

function auditConfig(env: NodeJS.ProcessEnv): Pick<Config, 'auditKeyFile' | 'auditCheckpointLog' | 'auditPublicKeys' | 'auditWitnessUrl' | 'auditCheckpointMinutes'> {
  const minutes = env.QIFU_AUDIT_CHECKPOINT_MINUTES ? Number(env.QIFU_AUDIT_CHECKPOINT_MINUTES) : 5;
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) throw new Error(`QIFU_AUDIT_CHECKPOINT_MINUTES must be a whole number of minutes from 0 to 1440, got ${env.QIFU_AUDIT_CHECKPOINT_MINUTES}`);
  const keys = (env.QIFU_AUDIT_PUBLIC_KEY ?? '').split(/[\s,]+/).filter(Boolean);
  for (const k of keys) if (!/^04[0-9a-fA-F]{128}$/.test(k)) throw new Error(`QIFU_AUDIT_PUBLIC_KEY must list SM2 public keys (04 followed by 128 hex digits, comma-separated), got "${k.slice(0, 20)}…"`);
  const witness = env.QIFU_AUDIT_WITNESS_URL || undefined;
  if (witness && !/^https?:\/\/[^/]/.test(witness)) throw new Error(`QIFU_AUDIT_WITNESS_URL must be an http(s) URL, got ${witness}`);
  return {
    auditKeyFile: env.QIFU_AUDIT_KEY_FILE || undefined,
    auditCheckpointLog: env.QIFU_AUDIT_CHECKPOINT_LOG || undefined,
    auditPublicKeys: keys.length ? keys.map((k) => k.toLowerCase()) : undefined,
    auditWitnessUrl: witness,
    auditCheckpointMinutes: minutes,
  };
}
