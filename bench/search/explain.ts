// Where the time of one policy search goes (docs/search.md "Performance"):
// loads the bench's synthetic policies (or reuses a loaded database), runs
// each distinct query of the bench mix through listPolicies — the code behind
// GET /api/v1/policies?q=… — captures the SQL it sends, and prints EXPLAIN
// ANALYZE for the slowest, plus time per stage.
//   npx tsx bench/search/explain.ts [--database-url URL | --data-dir DIR] [--policies N] [--seed S] [--top K]
// Point it at a scratch database: it migrates it and replaces the policies
// coded bench-*. With --data-dir the loaded PGlite directory is reused on the
// next run (loading is skipped when it already holds N bench policies).
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import os from 'node:os';
import { sql } from 'kysely';
import { highlight, parseSearchQuery } from '../../src/platform/search/index.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import type { Db } from '../../src/platform/db/schema.ts';
import { listPolicies } from '../../src/modules/policies/queries.ts';
import { migrateAll } from '../../src/server/bootstrap.ts';
import { generatePolicies, generateQueries } from './generate.ts';
import { loadPolicies } from './run.ts';

/** Records the statements sent, in order (subqueries pass through plugins too, but only statements get a result). */
class Capture implements KyselyPlugin {
  nodes: RootOperationNode[] = [];
  #seen = new Map<unknown, RootOperationNode>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.#seen.set(args.queryId, args.node);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const node = this.#seen.get(args.queryId);
    if (node) this.nodes.push(node);
    return args.result;
  }
}

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const policies = Number(arg('policies', '10000'));
const seed = Number(arg('seed', '1'));
const top = Number(arg('top', '4'));
const h = await openDatabase(arg('database-url') ? { databaseUrl: arg('database-url') as string } : { dataDir: arg('data-dir', 'memory://') as string });
const db: Db = h.db;
await migrateAll(db);
const have = Number((await sql<{ n: number }>`select count(*)::int as n from policies where code like 'bench-%'`.execute(db)).rows[0]?.n ?? 0);
if (have !== policies) {
  await sql`delete from policies where code like 'bench-%'`.execute(db);
  const t0 = Date.now();
  await loadPolicies(db, generatePolicies(policies, seed));
  console.log(`loaded ${policies} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const qs = [...new Set(generateQueries(500, seed).map((x) => x.q))];
interface Timed {
  q: string;
  ms: number;
  parseMs: number;
  sqlMs: number[];
  highlightMs: number;
  sqls: CompiledQuery[];
  mode?: string;
  total: number;
}
const timed: Timed[] = [];
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
for (let round = 0; round < 3; round++) {
  timed.length = 0;
  for (const q of qs) {
    const cap = new Capture();
    let t0 = process.hrtime.bigint();
    const r = await listPolicies(db.withPlugin(cap), null, { q, page: 1, pageSize: 20 });
    const total = ms(t0);
    const sqls = cap.nodes.map((n) => db.getExecutor().compileQuery(n, { queryId: 'x' } as never));
    // Stages on their own: segmentation (parseSearchQuery), each statement, highlights.
    t0 = process.hrtime.bigint();
    const pq = parseSearchQuery(q);
    const parseMs = ms(t0);
    const sqlMs: number[] = [];
    for (const c of sqls) {
      t0 = process.hrtime.bigint();
      await db.executeQuery(c);
      sqlMs.push(ms(t0));
    }
    t0 = process.hrtime.bigint();
    for (const it of r.items) highlight(it.title, pq.tokens, 200);
    timed.push({ q, ms: total, parseMs, sqlMs, highlightMs: ms(t0), sqls, ...(r.searchMode ? { mode: r.searchMode } : {}), total: r.total });
  }
}
timed.sort((a, b) => b.ms - a.ms);
for (const t of timed) console.log(`${t.ms.toFixed(1).padStart(7)} ms  parse ${t.parseMs.toFixed(2)}  sql ${t.sqlMs.map((x) => x.toFixed(1)).join(' + ')}  highlight ${t.highlightMs.toFixed(2)}  ${t.q}  mode=${t.mode} total=${t.total}`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const t of timed.slice(0, top)) {
  console.log(`\n===== ${t.q} (${t.ms.toFixed(1)} ms)`);
  for (const c of t.sqls) {
    console.log(`--- ${c.sql}\n    params ${JSON.stringify(c.parameters)}`);
    const r = await db.executeQuery(CompiledQuery.raw(`explain (analyze, buffers) ${c.sql}`, [...c.parameters]));
    for (const row of r.rows as { 'QUERY PLAN': string }[]) console.log(`    ${row['QUERY PLAN']}`);
  }
}
await h.close();
