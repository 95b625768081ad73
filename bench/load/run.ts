// `qifu bench load`: loading every enterprise from the database into the
// matching service's columns (SPEC §9: 3,300,000 in ≤ 20 s, ≤ 1 GB RSS),
// on a PGlite data directory (or a native database) filled with N synthetic
// enterprises. Printed beside it, in the same run and from the same database:
// reading the same rows into plain JS objects (what a row-at-a-time matcher
// such as json-logic-js works from) — the database read is the floor both share.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/platform/db/index.ts';
import { allEnterpriseRecords, insertRecords } from '../../src/modules/enterprises/index.ts';
import { generateEnterprises } from '../../src/modules/enterprises/domain/synthetic.ts';
import { MatchingService } from '../../src/modules/policies/matching.ts';
import { migrateAll, seedAll } from '../../src/server/bootstrap.ts';
import { loadConfig } from '../../src/platform/config.ts';

export interface LoadBenchRow {
  engine: string;
  seconds: number;
  rowsPerSec: number;
  heapMiB: number;
}

export async function runLoadBench(opts: { enterprises: number; seed: number; dataDir?: string; databaseUrl?: string; log: (l: string) => void }): Promise<{ enterprises: number; results: LoadBenchRow[]; rssMiB: number; machine: string; database: string }> {
  // A native PostgreSQL database (`databaseUrl`) is filled up to N and kept; a PGlite one lives in `dataDir` or a temporary directory.
  const tmp = opts.dataDir || opts.databaseUrl ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-bench-load-'));
  const dir = opts.dataDir ?? path.join(tmp ?? os.tmpdir(), 'db');
  const h = await openDatabase(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: dir });
  try {
    await migrateAll(h.db);
    await seedAll(h.db, { ...loadConfig({}), demo: false }, false, () => undefined);
    const have = Number((await h.db.selectFrom('enterprises').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (have < opts.enterprises) {
      await insertRecords(h.db, generateEnterprises({ count: opts.enterprises, seed: opts.seed, today: '2026-11-24' }), { chunk: 10_000, onProgress: (n) => n % 100_000 === 0 && opts.log(`${n} enterprises written`) });
    }
    const results: LoadBenchRow[] = [];
    const heap = (): number => process.memoryUsage().heapUsed / 2 ** 20;
    // The peer first: plain objects, one per enterprise.
    global.gc?.();
    let h0 = heap();
    let t0 = performance.now();
    const objects: unknown[] = [];
    for await (const { record } of allEnterpriseRecords(h.db)) objects.push(record);
    let s = (performance.now() - t0) / 1000;
    // What stays after a full collection (with --expose-gc): the objects, not the garbage of reading them.
    global.gc?.();
    results.push({ engine: 'rows → JS objects', seconds: s, rowsPerSec: objects.length / s, heapMiB: heap() - h0 });
    const n = objects.length;
    objects.length = 0;
    global.gc?.();
    h0 = heap();
    t0 = performance.now();
    const service = new MatchingService(h.db);
    await service.snapshot();
    s = (performance.now() - t0) / 1000;
    // Typed arrays live outside the JS heap: count the store's buffers.
    global.gc?.();
    results.push({ engine: 'qifu matching columns', seconds: s, rowsPerSec: service.size / s, heapMiB: heap() - h0 + service.bufferBytes() / 2 ** 20 });
    if (service.size !== n) throw new Error(`loaded ${service.size} of ${n}`);
    return { enterprises: n, results, rssMiB: process.memoryUsage().rss / 2 ** 20, database: h.kind, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}` };
  } finally {
    await h.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
