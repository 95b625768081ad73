// `qifu bench import`: the E-2 import path (parse, validate every row, upsert by
// USCC, history, audit) on a 100,000-row CSV, on PGlite and on native
// PostgreSQL, beside PostgreSQL's own `\copy` of the same file into a bare
// text table (the floor any importer is measured against).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import pg from 'pg';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { openDatabase, type DbHandle } from '../../src/platform/db/index.ts';
import { importEnterprises } from '../../src/modules/enterprises/index.ts';
import { generateEnterprises } from '../../src/modules/enterprises/domain/synthetic.ts';
import { migrateAll } from '../../src/server/bootstrap.ts';

export interface ImportBenchRow {
  backend: 'pglite' | 'postgresql';
  engine: 'qifu-import' | 'qifu-reimport' | 'psql-copy';
  rows: number;
  seconds: number;
  rowsPerSec: number;
  note: string;
}

export interface ImportBenchReport {
  rows: number;
  seed: number;
  csvBytes: number;
  results: ImportBenchRow[];
  machine: string;
}

const HEADERS = ['统一社会信用代码', '企业名称', '法定代表人', '市场主体类型', '行业代码', '注册资本（元）', '成立日期', '登记状态', '所属区', '所属街镇', '所属园区', '地址', '从业人数', '参保人数', '上年营业收入（元）', '上年纳税额（元）', '上年研发投入（元）', '企业标签', '信用等级', '风险等级'];

export function writeCsv(file: string, rows: number, seed: number): number {
  const yuan = (f: number | null): string => (f === null ? '' : (f / 100).toFixed(2));
  const out: string[][] = [HEADERS];
  for (const r of generateEnterprises({ count: rows, seed, today: '2026-11-24' })) {
    out.push([r.uscc, r.name, r.legalRep ?? '', r.entityType ?? '', r.industry ?? '', yuan(r.registeredCapital), r.established ?? '', r.status, r.district, r.street ?? '', r.park ?? '', r.address ?? '', r.employees?.toString() ?? '', r.insuredEmployees?.toString() ?? '', yuan(r.revenue), yuan(r.taxPaid), yuan(r.rdSpending), r.tags.join('、'), r.creditGrade ?? '', r.riskGrade ?? '']);
  }
  fs.writeFileSync(file, '\uFEFF' + stringify(out));
  return fs.statSync(file).size;
}

async function timeImport(h: DbHandle, file: string, backend: ImportBenchRow['backend'], rows: number): Promise<ImportBenchRow[]> {
  const buf = fs.readFileSync(file);
  const out: ImportBenchRow[] = [];
  for (const engine of ['qifu-import', 'qifu-reimport'] as const) {
    const t0 = process.hrtime.bigint();
    const r = await importEnterprises(h.db, SYSTEM_ACTOR, path.basename(file), buf, '310112');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const note = engine === 'qifu-import' ? `inserted ${r.inserted}, failed ${r.failed}` : `unchanged ${r.unchanged} (idempotent re-run)`;
    out.push({ backend, engine, rows, seconds, rowsPerSec: rows / seconds, note });
  }
  return out;
}

export async function runImportBench(opts: { rows: number; seed: number; databaseUrl?: string; log: (l: string) => void }): Promise<ImportBenchReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-bench-import-'));
  const file = path.join(dir, `enterprises-${opts.rows}.csv`);
  const results: ImportBenchRow[] = [];
  try {
    const csvBytes = writeCsv(file, opts.rows, opts.seed);
    opts.log(`csv: ${opts.rows} rows, ${(csvBytes / 2 ** 20).toFixed(1)} MiB`);

    const lite = await openDatabase({ dataDir: path.join(dir, 'pglite') });
    await migrateAll(lite.db);
    results.push(...(await timeImport(lite, file, 'pglite', opts.rows)));
    await lite.close();
    opts.log('pglite done');

    if (opts.databaseUrl) {
      const name = `qifu_bench_${process.pid}`;
      const admin = new pg.Client({ connectionString: opts.databaseUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      const u = new URL(opts.databaseUrl);
      u.pathname = `/${name}`;
      try {
        const native = await openDatabase({ databaseUrl: u.toString() });
        await migrateAll(native.db);
        results.push(...(await timeImport(native, file, 'postgresql', opts.rows)));
        await native.close();
        // The peer: psql's \copy of the same file into a bare table of text columns.
        const c = new pg.Client({ connectionString: u.toString() });
        await c.connect();
        await c.query(`create table copy_peer (${HEADERS.map((_, i) => `c${i} text`).join(', ')})`);
        await c.end();
        const t0 = process.hrtime.bigint();
        execFileSync('psql', [u.toString(), '-q', '-c', `\\copy copy_peer from '${file}' with (format csv, header true)`], { stdio: 'pipe' });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        results.push({ backend: 'postgresql', engine: 'psql-copy', rows: opts.rows, seconds, rowsPerSec: opts.rows / seconds, note: 'bare text table: no validation, no upsert, no history' });
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    } else {
      opts.log('native PostgreSQL skipped: pass --database-url or set DATABASE_URL');
    }
    return { rows: opts.rows, seed: opts.seed, csvBytes, results, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
