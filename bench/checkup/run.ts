// `qifu bench checkup`: 政策体检 under concurrent load (SPEC §9: p99 ≤ 25 ms with
// 100 clients). Starts the real server as a child process on a PGlite database
// filled with N synthetic enterprises and M published policies (the demo
// catalogue, repeated with shifted thresholds), then runs C concurrent
// keep-alive clients (autocannon) over loopback for D seconds. The peer printed beside it,
// measured in the same run against the same server, is GET /healthz: the
// floor set by Node's HTTP stack and the load generator themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { canonicalJson, sm3 } from '../../src/core/crypto/sm.ts';
import { createRng } from '../../src/core/random.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { insertRecords } from '../../src/modules/enterprises/index.ts';
import { generateEnterprises } from '../../src/modules/enterprises/domain/synthetic.ts';
import { DEMO_POLICIES } from '../../src/modules/policies/domain/demo-policies.ts';
import { migrateAll, seedAll } from '../../src/server/bootstrap.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createApiToken } from '../../src/modules/users/index.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { todayInShanghai } from '../../src/platform/clock.ts';

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

function shift(rule: unknown, k: number): unknown {
  // Scale numeric thresholds a little per copy so the copies are distinct rules.
  if (typeof rule === 'number') return Number.isInteger(rule) ? Math.round(rule * (1 + k * 0.05)) : rule;
  if (Array.isArray(rule)) return rule.map((r) => shift(r, k));
  if (rule && typeof rule === 'object') return Object.fromEntries(Object.entries(rule).map(([key, v]) => [key, key === 'var' ? v : shift(v, k)]));
  return rule;
}

export async function prepare(dir: string, enterprises: number, policies: number, seed: number, log: (l: string) => void): Promise<void> {
  const h = await openDatabase({ dataDir: dir });
  await migrateAll(h.db);
  await seedAll(h.db, { ...loadConfig({}), demo: false }, false, () => undefined);
  const today = todayInShanghai();
  await insertRecords(h.db, generateEnterprises({ count: enterprises, seed, today }), { chunk: 10_000 });
  log(`${enterprises} enterprises loaded`);
  const active = DEMO_POLICIES.filter((p) => p.validTo >= today);
  for (let i = 0; i < policies; i++) {
    const d = active[i % active.length]!;
    const k = Math.floor(i / active.length);
    const content = { ...d, reviewRules: null, eligibility: shift(d.eligibility, k), title: k ? `${d.title}（${k + 1}）` : d.title };
    // Written directly as published versions: the bench measures 体检, not publishing (no match jobs queued).
    const row = await h.db
      .insertInto('policies')
      .values({ code: `${d.code}-${k}`, department: d.department, status: 'published', content: JSON.stringify(content), title: content.title, category: d.category, mode: d.mode, valid_to: d.validTo, apply_to: d.applyTo, tags: [...d.tags], published_version: 1, search_text: content.title, created_by: 'bench' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db.insertInto('policy_versions').values({ policy_id: Number(row.id), version: 1, content: JSON.stringify(content), content_hash: sm3(canonicalJson(content)), published_by: 'bench' }).execute();
  }
  await h.close();
}

/** A fresh API token for the admin and every enterprise's USCC, from a prepared database. */
async function access(dir: string): Promise<{ token: string; usccs: string[] }> {
  const h = await openDatabase({ dataDir: dir });
  const admin = await h.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  const { token } = await createApiToken(h.db, SYSTEM_ACTOR, Number(admin.id), 'bench');
  const sample = await sql<{ uscc: string }>`select uscc from enterprises order by uscc`.execute(h.db);
  await h.close();
  return { token, usccs: sample.rows.map((r) => r.uscc) };
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}


/**
 * Closed-loop load with autocannon (keep-alive connections, each sends its next request when
 * the previous answer arrives): `clients` connections for `seconds`, `next()` picks each path.
 */
async function load(name: string, url: string, clients: number, seconds: number, headers: Record<string, string>, next: () => string): Promise<LoadResult> {
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({
    url,
    connections: clients,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: next() }) }],
  });
  const requests = r.requests.total;
  return { name, requests, errors: r.errors + r.non2xx + r.timeouts, rps: requests / seconds, p50: r.latency.p50, p95: percentileOf(r.latency, 95), p99: r.latency.p99 };
}

// autocannon reports p90, p97.5 and p99; p95 is read between p90 and p97.5 (linear).
function percentileOf(l: { p90: number; p97_5: number }, p: 95): number {
  return l.p90 + ((l.p97_5 - l.p90) * (p - 90)) / 7.5;
}

export async function runCheckupBench(opts: { enterprises: number; policies: number; clients: number; seconds: number; seed: number; keep?: string; log: (l: string) => void }): Promise<{ results: LoadResult[]; firstMs: number; machine: string }> {
  // --keep DIR: prepare the database there once and reuse it while the parameters are the same.
  const dir = opts.keep ? path.resolve(opts.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-bench-checkup-'));
  const stamp = JSON.stringify({ enterprises: opts.enterprises, policies: opts.policies, seed: opts.seed });
  const stampFile = path.join(dir, 'prepared.json');
  let child: ChildProcess | null = null;
  try {
    if (!opts.keep || !fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf8') !== stamp) {
      fs.rmSync(path.join(dir, 'db'), { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      await prepare(path.join(dir, 'db'), opts.enterprises, opts.policies, opts.seed, opts.log);
      if (opts.keep) fs.writeFileSync(stampFile, stamp);
    } else opts.log(`reusing the database prepared in ${dir}`);
    const { token, usccs } = await access(path.join(dir, 'db'));
    const port = 30000 + Math.floor(Math.random() * 20000);
    const root = path.resolve(import.meta.dirname, '../..');
    // QIFU_BENCH_SERVER_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
    const extra = (process.env.QIFU_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
    // QIFU_BENCH_SERVER_LOG=FILE: the server's stdout and stderr go there (e.g. with --trace-gc).
    const logFile = process.env.QIFU_BENCH_SERVER_LOG;
    const out = logFile ? fs.openSync(logFile, 'w') : 'ignore';
    child = spawn(process.execPath, [...extra, '--import', 'tsx', 'src/server/main.ts'], { cwd: root, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', QIFU_DATA_DIR: path.join(dir, 'db'), QIFU_DEMO: '0', DATABASE_URL: '', LOG_LEVEL: 'warn' }, stdio: ['ignore', out, out] });
    const url = `http://127.0.0.1:${port}`;
    await waitForServer(url, child);
    const auth = { authorization: `Bearer ${token}` };
    // Every request asks for an enterprise drawn uniformly from all of them (seeded): no cache can serve a hot few.
    const rng = createRng(opts.seed);
    const checkup = () => `/api/v1/enterprises/${rng.pick(usccs)}/policy-checkup`;
    // The first 政策体检 loads every enterprise into the matching columns: timed on its own.
    const t0 = performance.now();
    const first = await fetch(`${url}${checkup()}`, { headers: auth, signal: AbortSignal.timeout(600_000) });
    if (!first.ok) throw new Error(`first checkup failed: ${first.status} ${await first.text()}`);
    const firstBytes = (await first.arrayBuffer()).byteLength;
    opts.log(`response size of one 政策体检: ${(firstBytes / 1024).toFixed(0)} KiB`);
    const firstMs = performance.now() - t0;
    opts.log(`first 政策体检 (loads ${opts.enterprises} enterprises into columns): ${(firstMs / 1000).toFixed(1)} s`);
    await load('warm-up', url, 4, 3, auth, checkup);
    const ours = await load('qifu 政策体检', url, opts.clients, opts.seconds, auth, checkup);
    const floor = await load('GET /healthz (floor)', url, opts.clients, Math.min(opts.seconds, 10), {}, () => '/healthz');
    return { results: [ours, floor], firstMs, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}` };
  } finally {
    child?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
