import type { Command } from 'commander';
import type { MatchBenchReport } from '../../../bench/match/run.ts';
import { CliUsageError } from '../program.ts';

function intOpt(v: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new CliUsageError(`${flag} must be an integer from ${min} to ${max}, got "${v}"`);
  return Number(v);
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

export function renderMatchTable(r: MatchBenchReport): string {
  const lines = [
    `match: ${r.enterprises.toLocaleString('en')} enterprises × ${r.policies} policies, seed ${r.seed}, ${r.atoms} distinct atoms, ${r.threads} thread(s)`,
    `identical answers: ${r.identical ? 'yes' : 'NO'}`,
    '',
    `${'engine'.padEnd(20)}${'evals/s'.padStart(12)}${'seconds'.padStart(12)}${'peak RSS'.padStart(12)}  note`,
  ];
  const cols = r.engines.find((e) => e.name === 'qifu-columnar');
  for (const e of r.engines) {
    const note = [e.extrapolated ? `extrapolated from ${e.sampleRows.toLocaleString('en')} rows` : 'measured on all rows', cols && e !== cols ? `qifu-columnar is ${(cols.evalsPerSec / e.evalsPerSec).toFixed(0)}× faster` : ''].filter(Boolean).join('; ');
    lines.push(`${e.name.padEnd(20)}${fmt(e.evalsPerSec).padStart(12)}${e.seconds.toFixed(2).padStart(12)}${`${(e.rssBytes / 2 ** 20).toFixed(0)} MiB`.padStart(12)}  ${note}`);
  }
  lines.push('', `re-match one enterprise × ${r.policies} policies with explanation: ${r.rematchExplainMs.toFixed(3)} ms; incremental bit update: ${r.incrementalMs.toFixed(3)} ms`);
  lines.push(`data generated in ${r.loadSeconds.toFixed(1)} s (not timed); machine: ${r.machine}`);
  for (const m of r.mismatches) lines.push(`MISMATCH ${m}`);
  return `${lines.join('\n')}\n`;
}

/** `qifu bench …`: benchmarks printed beside well-known peers in the same run. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks against peers, printed side by side (SPEC §9)');
  bench
    .command('match')
    .description('batch-match synthetic enterprises × policies in every engine; check identical answers; print evals/s, time, peak RSS')
    .option('--enterprises <n>', 'number of enterprises', '100000')
    .option('--policies <m>', 'number of policies', '200')
    .option('--seed <s>', 'random seed', '1')
    .option('--threads <t>', 'worker threads for qifu-columnar (default: available cores)')
    .option('--slow-sample <rows>', 'rows json-logic-js evaluates before extrapolating', '20000')
    .option('--fast-sample <rows>', 'rows qifu-closure and json-logic-engine evaluate before extrapolating', '200000')
    .option('--json', 'print the report as one JSON line (the last line of output)')
    .action(async (o: { enterprises: string; policies: string; seed: string; threads?: string; slowSample: string; fastSample: string; json?: boolean }) => {
      // Loaded on use: the peers (json-logic-js, json-logic-engine) should not slow every `qifu` start.
      const { runMatchBench } = await import('../../../bench/match/run.ts');
      const report = await runMatchBench({
        enterprises: intOpt(o.enterprises, '--enterprises', 1, 50_000_000),
        policies: intOpt(o.policies, '--policies', 1, 100_000),
        seed: intOpt(o.seed, '--seed', 0, 2 ** 31 - 1),
        ...(o.threads === undefined ? {} : { threads: intOpt(o.threads, '--threads', 1, 256) }),
        slowSample: intOpt(o.slowSample, '--slow-sample', 1, 50_000_000),
        fastSample: intOpt(o.fastSample, '--fast-sample', 1, 50_000_000),
        log: (l) => process.stderr.write(`${l}\n`),
      });
      if (o.json) {
        const { enterprises, policies, identical, engines, ...rest } = report;
        const line = {
          enterprises,
          policies,
          identical,
          engines: engines.map((e) => ({ name: e.name, evalsPerSec: Math.round(e.evalsPerSec), seconds: Number(e.seconds.toFixed(4)), rssBytes: e.rssBytes, extrapolated: e.extrapolated, sampleRows: e.sampleRows })),
          ...rest,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      } else process.stdout.write(renderMatchTable(report));
    });

  bench
    .command('import')
    .description('import a synthetic CSV (E-2 path: validate, upsert, history, audit) on PGlite and native PostgreSQL, beside psql \\copy')
    .option('--rows <n>', 'rows in the CSV', '100000')
    .option('--seed <s>', 'random seed', '1')
    .option('--database-url <url>', 'native PostgreSQL admin URL (default: DATABASE_URL); a temporary database is created there')
    .option('--json', 'print the report as one JSON line (the last line of output)')
    .action(async (o: { rows: string; seed: string; databaseUrl?: string; json?: boolean }) => {
      const { runImportBench } = await import('../../../bench/import/run.ts');
      const r = await runImportBench({
        rows: intOpt(o.rows, '--rows', 1, 5_000_000),
        seed: intOpt(o.seed, '--seed', 0, 2 ** 31 - 1),
        databaseUrl: o.databaseUrl ?? (process.env.DATABASE_URL || undefined),
        log: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(`import: ${r.rows.toLocaleString('en')} rows, seed ${r.seed}, ${(r.csvBytes / 2 ** 20).toFixed(1)} MiB CSV; machine: ${r.machine}\n\n`);
      process.stdout.write(`${'backend'.padEnd(12)}${'engine'.padEnd(16)}${'seconds'.padStart(10)}${'rows/s'.padStart(12)}  note\n`);
      for (const x of r.results) process.stdout.write(`${x.backend.padEnd(12)}${x.engine.padEnd(16)}${x.seconds.toFixed(2).padStart(10)}${fmt(x.rowsPerSec).padStart(12)}  ${x.note}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    });

  bench
    .command('load')
    .description('load every enterprise from the database into the matching columns (SPEC §9), beside reading them into plain objects')
    .option('--enterprises <n>', 'synthetic enterprises', '3300000')
    .option('--seed <s>', 'random seed', '1')
    .option('--data-dir <dir>', 'reuse (and fill up to --enterprises) this PGlite data directory instead of a temporary one')
    .option('--database-url <url>', 'use (and fill up to --enterprises) this native PostgreSQL database instead of PGlite')
    .option('--json', 'print the report as one JSON line (the last line of output)')
    .action(async (o: { enterprises: string; seed: string; dataDir?: string; databaseUrl?: string; json?: boolean }) => {
      const { runLoadBench } = await import('../../../bench/load/run.ts');
      const r = await runLoadBench({ enterprises: intOpt(o.enterprises, '--enterprises', 1, 5_000_000), seed: intOpt(o.seed, '--seed', 0, 2 ** 31 - 1), dataDir: o.dataDir, databaseUrl: o.databaseUrl, log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(`load: ${r.enterprises.toLocaleString('en')} enterprises (${r.database}); machine: ${r.machine}; RSS at the end ${r.rssMiB.toFixed(0)} MiB\n\n`);
      process.stdout.write(`${'engine'.padEnd(26)}${'seconds'.padStart(10)}${'rows/s'.padStart(12)}${'MiB'.padStart(8)}\n`);
      for (const x of r.results) process.stdout.write(`${x.engine.padEnd(26)}${x.seconds.toFixed(2).padStart(10)}${fmt(x.rowsPerSec).padStart(12)}${x.heapMiB.toFixed(0).padStart(8)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    });

  bench
    .command('search')
    .description('Chinese policy search (P-3) over synthetic policies on PGlite and native PostgreSQL, beside a plain ILIKE scan; p50/p95/p99 per query')
    .option('--policies <n>', 'number of synthetic policies', '10000')
    .option('--queries <q>', 'number of queries, run one at a time', '500')
    .option('--seed <s>', 'random seed', '1')
    .option('--database-url <url>', 'native PostgreSQL admin URL (default: DATABASE_URL); a temporary database is created there')
    .option('--json', 'print the report as one JSON line (the last line of output)')
    .action(async (o: { policies: string; queries: string; seed: string; databaseUrl?: string; json?: boolean }) => {
      const { runSearchBench } = await import('../../../bench/search/run.ts');
      const r = await runSearchBench({
        policies: intOpt(o.policies, '--policies', 1, 1_000_000),
        queries: intOpt(o.queries, '--queries', 1, 100_000),
        seed: intOpt(o.seed, '--seed', 0, 2 ** 31 - 1),
        databaseUrl: o.databaseUrl ?? (process.env.DATABASE_URL || undefined),
        log: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(`search: ${r.policies.toLocaleString('en')} policies, ${r.queries} queries one at a time, seed ${r.seed}; machine: ${r.machine}\n\n`);
      process.stdout.write(`${'backend'.padEnd(12)}${'engine'.padEnd(14)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}  found\n`);
      for (const x of r.results) {
        const note = `${x.found}/${x.queries} queries, typos ${x.typoFound}/${x.typoQueries}${x.engine === 'qifu-search' ? `, fallback used ${x.fallbacks}×` : ''}`;
        process.stdout.write(`${x.backend.padEnd(12)}${x.engine.padEnd(14)}${[x.p50Ms, x.p95Ms, x.p99Ms, x.maxMs].map((v) => v.toFixed(2).padStart(9)).join('')}  ${note}\n`);
      }
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    });

  bench
    .command('checkup')
    .description('政策体检 under concurrent load against the real server (PGlite), beside GET /healthz as the floor')
    .option('--enterprises <n>', 'synthetic enterprises', '300000')
    .option('--policies <m>', 'published policies', '200')
    .option('--clients <c>', 'concurrent keep-alive clients', '100')
    .option('--seconds <s>', 'measuring time', '20')
    .option('--seed <s>', 'random seed', '1')
    .option('--keep <dir>', 'prepare the database in DIR once and reuse it on later runs with the same parameters')
    .option('--json', 'print the report as one JSON line (the last line of output)')
    .action(async (o: { enterprises: string; policies: string; clients: string; seconds: string; seed: string; keep?: string; json?: boolean }) => {
      const { runCheckupBench } = await import('../../../bench/checkup/run.ts');
      const r = await runCheckupBench({
        enterprises: intOpt(o.enterprises, '--enterprises', 1, 5_000_000),
        policies: intOpt(o.policies, '--policies', 1, 10_000),
        clients: intOpt(o.clients, '--clients', 1, 1000),
        seconds: intOpt(o.seconds, '--seconds', 1, 600),
        seed: intOpt(o.seed, '--seed', 0, 2 ** 31 - 1),
        keep: o.keep,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      process.stdout.write(`checkup: ${o.enterprises} enterprises × ${o.policies} policies, ${o.clients} clients, ${o.seconds} s; machine: ${r.machine}\n\n`);
      process.stdout.write(`${'endpoint'.padEnd(24)}${'requests'.padStart(10)}${'errors'.padStart(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}\n`);
      for (const x of r.results) process.stdout.write(`${x.name.padEnd(24)}${String(x.requests).padStart(10)}${String(x.errors).padStart(8)}${x.rps.toFixed(0).padStart(9)}${x.p50.toFixed(1).padStart(9)}${x.p95.toFixed(1).padStart(9)}${x.p99.toFixed(1).padStart(9)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    });
}

