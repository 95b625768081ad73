// Per-request cost of 政策体检 without HTTP: builds the same synthetic database as
// `qifu bench checkup` (smaller by default), then runs policyCheckup for every enterprise
// in-process and prints CPU per call, response size and list lengths.
//   npx tsx bench/checkup/profile.ts [enterprises=5000] [policies=200] [detail]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/platform/db/index.ts';
import { matchingService } from '../../src/modules/policies/matching.ts';
import { policyCheckup, policyCheckupBytes, policyCheckupJson } from '../../src/modules/policies/checkup.ts';
import { rowRecord } from '../../src/core/rules/index.ts';
import { prepare } from './run.ts';

const n = Number(process.argv[2] ?? 5000);
const m = Number(process.argv[3] ?? 200);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-checkup-profile-'));
try {
  await prepare(path.join(dir, 'db'), n, m, 1, () => undefined);
  const h = await openDatabase({ dataDir: path.join(dir, 'db') });
  const snap = await matchingService(h.db).snapshot();
  const rows = snap.store.rows;
  const stats = { bytes: [] as number[], eligible: 0, near: 0, unknown: 0 };
  const run = (collect: boolean): number => {
    const t = performance.now();
    for (let r = 0; r < rows; r++) {
      const body = JSON.stringify(policyCheckup(snap, rowRecord(snap.store, r)));
      if (collect) stats.bytes.push(Buffer.byteLength(body));
    }
    return performance.now() - t;
  };
  run(false);
  const ms = run(false);
  const part = (label: string, f: (r: number) => unknown): void => {
    for (let r = 0; r < rows; r++) f(r);
    const t = performance.now();
    for (let r = 0; r < rows; r++) f(r);
    console.log(`  ${label}: ${(((performance.now() - t) * 1000) / rows).toFixed(0)} µs`);
  };
  const recs = Array.from({ length: rows }, (_v, r) => rowRecord(snap.store, r));
  part('rowRecord', (r) => rowRecord(snap.store, r));
  part('triage', (r) => snap.explainer.triage(recs[r]!));
  const built = recs.map((rec) => policyCheckup(snap, rec));
  part('policyCheckup', (r) => policyCheckup(snap, recs[r]!));
  part('JSON.stringify', (r) => JSON.stringify(built[r]));
  part('policyCheckup+stringify+Buffer.from (object form)', (r) => Buffer.from(JSON.stringify(policyCheckup(snap, recs[r]!))));
  part('policyCheckupBytes (what the route sends)', (r) => policyCheckupBytes(snap, recs[r]!));
  for (let r = 0; r < rows; r++) if (policyCheckupJson(snap, recs[r]!) !== JSON.stringify(policyCheckup(snap, recs[r]!))) throw new Error(`row ${r}: JSON differs`);
  run(true);
  for (let r = 0; r < Math.min(rows, 500); r++) {
    const c = policyCheckup(snap, rowRecord(snap.store, r));
    stats.eligible += c.eligible.length;
    stats.near += c.nearMiss.length;
    stats.unknown += c.unknown.length;
  }
  const k = Math.min(rows, 500);
  stats.bytes.sort((a, b) => a - b);
  console.log(`${rows} enterprises × ${snap.policies.length} policies: ${((ms * 1000) / rows).toFixed(0)} µs per 政策体检 incl. JSON.stringify`);
  console.log(`size p50 ${(stats.bytes[Math.floor(rows / 2)]! / 1024).toFixed(1)} KiB, p99 ${(stats.bytes[Math.floor(rows * 0.99)]! / 1024).toFixed(1)} KiB`);
  console.log(`mean lengths: eligible ${(stats.eligible / k).toFixed(1)}, nearMiss ${(stats.near / k).toFixed(1)}, unknown ${(stats.unknown / k).toFixed(1)}`);
  if (process.argv[4] === 'show') console.log(JSON.stringify({ ...policyCheckup(snap, rowRecord(snap.store, 0)), eligible: undefined }, null, 1).slice(0, 5000));
  await h.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
