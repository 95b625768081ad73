// `qifu bench search` (SPEC §9: policy search over 10,000 policies, p95 ≤ 30 ms):
// synthetic policies loaded into the real `policies` table (every module's
// migrations, the same search columns and indexes), on PGlite and on native
// PostgreSQL, queried one at a time through listPolicies — the code behind
// GET /api/v1/policies?q=… (segmentation, count, ranked page of 20, fallbacks,
// highlights) — and by the naive peer in the same run: `ILIKE '%term%'` over
// the policy's plain text, one condition per whitespace-separated term, first
// 20 by id.
import fs from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../../src/platform/db/index.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { searchColumnValues } from '../../src/platform/search/index.ts';
import { listPolicies } from '../../src/modules/policies/queries.ts';
import { migrateAll } from '../../src/server/bootstrap.ts';
import { generatePolicies, generateQueries, type BenchQuery, type SyntheticPolicy } from './generate.ts';

export interface SearchBenchRow {
  backend: 'pglite' | 'postgresql';
  engine: 'qifu-search' | 'ilike-scan';
  queries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Queries that returned at least one row. */
  found: number;
  /** Typo queries that returned at least one row. */
  typoFound: number;
  typoQueries: number;
  /** qifu-search only: queries answered by the fallback. */
  fallbacks: number;
  /**
   * CPU time per query (ms), which the machine's load inflates far less than
   * wall time: Node plus the database — PGlite runs in this process, so
   * per-query percentiles; native PostgreSQL's backends are read from /proc
   * (10 ms ticks), so only their mean over the run, and only when the server
   * is on this machine (null otherwise).
   */
  cpu: { p50Ms: number | null; p95Ms: number | null; meanMs: number | null };
}

export interface SearchBenchReport {
  policies: number;
  seed: number;
  queries: number;
  loadSeconds: Record<string, number>;
  results: SearchBenchRow[];
  machine: string;
}

const LIMIT = 20;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Loads the synthetic policies into the real `policies` table (all module
 * migrations applied), published, with the search columns written exactly as
 * src/modules/policies/commands.ts writes them — so the bench queries the
 * same table, indexes and code (listPolicies) that GET /api/v1/policies uses.
 */
export async function loadPolicies(db: Db, docs: readonly SyntheticPolicy[]): Promise<void> {
  const BATCH = 200;
  for (let i = 0; i < docs.length; i += BATCH) {
    const rows = docs.slice(i, i + BATCH).map((d, k) => {
      const keyPoints = d.keyPoints.split('；').filter(Boolean);
      const content = { title: d.title, department: d.department, docNumber: null, category: d.category, mode: 'apply', keyPoints, text: `<p>${d.text}</p>`, validFrom: null, validTo: null, applyFrom: null, applyTo: null, eligibility: true, benefit: null, materials: [], reviewRules: null, budget: null, contact: null, tags: [] };
      return {
        code: `bench-${i + k + 1}`,
        department: d.department,
        status: 'published' as const,
        content: JSON.stringify(content),
        title: d.title,
        category: d.category,
        mode: 'apply' as const,
        tags: [],
        published_version: 1,
        search_text: [d.title, ...keyPoints, d.text].join(' '),
        created_by: 'bench',
        ...searchColumnValues({ title: d.title, keyPoints, text: content.text }),
      };
    });
    await db.insertInto('policies').values(rows).execute();
  }
  await sql`analyze policies`.execute(db);
}

/** Ours: exactly what GET /api/v1/policies?q=… runs for an anonymous visitor (count, page of 20, highlights). */
async function ours(db: Db, q: string): Promise<{ n: number; fallback: boolean }> {
  const r = await listPolicies(db, null, { q, page: 1, pageSize: LIMIT });
  return { n: r.items.length, fallback: r.searchMode !== undefined && r.searchMode !== 'all' && r.searchMode !== 'list' };
}

/** The peer: ILIKE over the plain text of every visible policy, one condition per whitespace-separated term, first 20 by id. */
async function naive(db: Db, q: string): Promise<number> {
  const terms = q.split(/\s+/).filter(Boolean);
  const conds = terms.map((t) => sql<boolean>`search_text ilike ${`%${escapeLike(t)}%`}`);
  const r = await sql<{ id: number }>`select id, title from policies where status in ('published', 'expired') and ${sql.join(conds, sql` and `)} order by id limit ${LIMIT}`.execute(db);
  return r.rows.length;
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** utime + stime (ms) of the native server processes serving `db`'s database; null when not readable (remote server). */
async function backendCpuMs(db: Db): Promise<number | null> {
  const r = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  let total = 0;
  for (const { pid } of r.rows) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) * 10; // fields 14, 15 (utime, stime) in 100 Hz ticks
    } catch {
      return null;
    }
  }
  return total;
}

async function timeEngine(db: Db, backend: SearchBenchRow['backend'], engine: SearchBenchRow['engine'], queries: readonly BenchQuery[]): Promise<SearchBenchRow> {
  // Warm-up (not timed): caches, plans, jieba's dictionary.
  for (const x of queries.slice(0, 20)) await (engine === 'qifu-search' ? ours(db, x.q) : naive(db, x.q));
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let found = 0;
  let typoFound = 0;
  let fallbacks = 0;
  const serverBefore = backend === 'postgresql' ? await backendCpuMs(db) : null;
  const cpuBefore = processCpuMs();
  for (const x of queries) {
    const c0 = processCpuMs();
    const t0 = process.hrtime.bigint();
    let n: number;
    if (engine === 'qifu-search') {
      const r = await ours(db, x.q);
      n = r.n;
      if (r.fallback) fallbacks++;
    } else n = await naive(db, x.q);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpuTimes.push(processCpuMs() - c0);
    if (n > 0) found++;
    if (n > 0 && x.kind === 'typo') typoFound++;
  }
  const cpuSpent = processCpuMs() - cpuBefore;
  const serverAfter = backend === 'postgresql' ? await backendCpuMs(db) : null;
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const cpu =
    backend === 'pglite'
      ? { p50Ms: pct(cpuTimes, 50), p95Ms: pct(cpuTimes, 95), meanMs: cpuSpent / queries.length }
      : { p50Ms: null, p95Ms: null, meanMs: serverBefore === null || serverAfter === null ? null : (cpuSpent + serverAfter - serverBefore) / queries.length };
  return { backend, engine, queries: queries.length, p50Ms: pct(times, 50), p95Ms: pct(times, 95), p99Ms: pct(times, 99), maxMs: times[times.length - 1] ?? 0, found, typoFound, typoQueries: queries.filter((x) => x.kind === 'typo').length, fallbacks, cpu };
}

async function benchOn(h: DbHandle, backend: SearchBenchRow['backend'], docs: readonly SyntheticPolicy[], queries: readonly BenchQuery[], log: (l: string) => void): Promise<{ rows: SearchBenchRow[]; loadSeconds: number }> {
  const db = h.db;
  await migrateAll(db);
  const t0 = process.hrtime.bigint();
  await loadPolicies(db, docs);
  const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`${backend}: loaded ${docs.length} policies in ${loadSeconds.toFixed(1)} s (segmenting included)`);
  const rows = [await timeEngine(db, backend, 'qifu-search', queries), await timeEngine(db, backend, 'ilike-scan', queries)];
  return { rows, loadSeconds };
}

export async function runSearchBench(opts: { policies: number; seed: number; queries: number; databaseUrl?: string; log: (l: string) => void }): Promise<SearchBenchReport> {
  const loadAtStart = os.loadavg()[0] ?? 0;
  const docs = generatePolicies(opts.policies, opts.seed);
  const queries = generateQueries(opts.queries, opts.seed);
  const results: SearchBenchRow[] = [];
  const loadSeconds: Record<string, number> = {};

  const lite = await openDatabase({ dataDir: 'memory://' });
  try {
    const r = await benchOn(lite, 'pglite', docs, queries, opts.log);
    results.push(...r.rows);
    loadSeconds.pglite = r.loadSeconds;
  } finally {
    await lite.close();
  }

  if (opts.databaseUrl) {
    const name = `qifu_bench_search_${process.pid}`;
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      const u = new URL(opts.databaseUrl);
      u.pathname = `/${name}`;
      const native = await openDatabase({ databaseUrl: u.toString() });
      try {
        const r = await benchOn(native, 'postgresql', docs, queries, opts.log);
        results.push(...r.rows);
        loadSeconds.postgresql = r.loadSeconds;
      } finally {
        await native.close();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  } else {
    opts.log('native PostgreSQL skipped: pass --database-url or set DATABASE_URL');
  }
  return {
    policies: opts.policies,
    seed: opts.seed,
    queries: opts.queries,
    loadSeconds,
    results,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average (1 min) ${loadAtStart.toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end`,
  };
}
