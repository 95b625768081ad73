import { isIP } from 'node:net';

/**
 * Which reverse proxies to believe about the client address (Fastify
 * `trustProxy`): false (default: X-Forwarded-For is ignored), the proxies'
 * addresses / CIDRs (recommended: X-Forwarded-For is read from the right,
 * through those proxies only), or true — every hop, which is only safe when
 * the app is reachable through the proxy alone and the proxy replaces
 * X-Forwarded-For instead of appending to it.
 */
export type TrustProxy = boolean | string[];

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
  /** QIFU_TRUST_PROXY: whose X-Forwarded-For gives the client address (login throttle, logs). */
  trustProxy: TrustProxy;
  /** QIFU_METRICS_TOKEN: bearer token /metrics requires when set. */
  metricsToken?: string;
  /** QIFU_METRICS_ADDR: a second listener serving only /metrics; the main one then has none. */
  metricsAddr?: { host: string; port: number };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === '0' || v.toLowerCase() === 'false') return false;
  if (v === '1' || v.toLowerCase() === 'true') return true;
  // Fastify refuses hop counts (they cannot tell a proxy from a client that sends the header itself).
  if (/^[0-9]+$/.test(v)) throw new Error(`QIFU_TRUST_PROXY: hop counts are not supported; list the proxies' addresses (e.g. 127.0.0.1,10.0.0.0/8), or 1/true to trust every hop`);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of list) {
    if (PROXY_NAMES.has(item)) continue;
    const [addr = '', bits, extra] = item.split('/');
    const family = isIP(addr);
    const max = family === 4 ? 32 : 128;
    const badBits = bits !== undefined && (!/^[0-9]+$/.test(bits) || Number(bits) > max);
    if (!family || badBits || extra !== undefined) {
      throw new Error(`QIFU_TRUST_PROXY: "${item}" is not an address, CIDR or one of ${[...PROXY_NAMES].join(', ')} (or 1/true, 0/false)`);
    }
  }
  return list;
}

export function parseListenAddr(name: string, value: string | undefined): { host: string; port: number } | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+)):([0-9]{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`${name} must be host:port (e.g. 127.0.0.1:9464 or [::1]:9464), got ${v}`);
  return { host: (m[1] ?? m[2])!, port };
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
    trustProxy: parseTrustProxy(env.QIFU_TRUST_PROXY),
    metricsToken: metricsToken(env.QIFU_METRICS_TOKEN),
    metricsAddr: parseListenAddr('QIFU_METRICS_ADDR', env.QIFU_METRICS_ADDR),
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

function metricsToken(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < 16) throw new Error('QIFU_METRICS_TOKEN must be at least 16 characters (e.g. openssl rand -hex 24)');
  return value;
}
