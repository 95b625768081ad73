import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ColumnStore, Column } from './columns.ts';
import { allocateResult, type MatchResult, type StoreView } from './columnar.ts';
import type { WorkerJob, WorkerReply } from './columnar.worker.ts';
import { prepareAtoms, type MatchPlan } from './plan.ts';

/**
 * Worker threads for the columnar matcher, split by row ranges. Columns and results live in
 * SharedArrayBuffers, so a job message carries only the plan and the range. This is the one
 * part of src/core/rules that starts threads; it does no I/O and reads no clock.
 */
export interface MatchPool {
  readonly threads: number;
  match(store: ColumnStore, plan: MatchPlan): Promise<MatchResult>;
  close(): Promise<void>;
}

/**
 * Workers do not inherit the tsx loader registered in the main thread, and on Node 20 an
 * `--import` in execArgv races the entry module; so a tiny eval'd bootstrap registers tsx
 * in the worker first and then imports the TypeScript entry.
 */
function bootstrap(entry: URL): string {
  const req = createRequire(import.meta.url);
  // The ESM build of tsx/esm/api (require.resolve would pick the CommonJS one).
  const api = pathToFileURL(path.join(path.dirname(req.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); }).catch((e) => { require('node:worker_threads').parentPort.postMessage({ ok: false, message: String(e && e.stack || e) }); });`;
}

function viewOf(store: ColumnStore, withDicts: ReadonlySet<string>): StoreView {
  const columns = new Map<string, Column>();
  for (const [name, c] of store.columns) {
    // Indexes stay behind; dictionaries travel only where a row-by-row atom needs them.
    if (c.kind === 'dict' || c.kind === 'tags') columns.set(name, { ...c, index: new Map(), dict: withDicts.has(name) ? c.dict : [] } as Column);
    else columns.set(name, c);
  }
  return { rows: store.rows, words: store.words, columns };
}

export async function createMatchPool(threads: number): Promise<MatchPool> {
  const code = bootstrap(new URL('./columnar.worker.ts', import.meta.url));
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(code, { eval: true }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('online', () => resolve());
    w.once('error', reject);
  })));
  const run = (w: Worker, job: WorkerJob): Promise<void> =>
    new Promise((resolve, reject) => {
      const onMsg = (r: WorkerReply): void => {
        w.off('error', onErr);
        if (r.ok) resolve();
        else reject(new Error(r.message));
      };
      const onErr = (e: Error): void => {
        w.off('message', onMsg);
        reject(e);
      };
      w.once('message', onMsg);
      w.once('error', onErr);
      w.postMessage(job);
    });
  return {
    threads: workers.length,
    async match(store, plan) {
      const result = allocateResult(store, plan);
      const atoms = prepareAtoms(store, plan);
      const generic = new Set<string>();
      for (const a of atoms) if (a.kind === 'generic') a.reads.forEach((r) => generic.add(r));
      const view = viewOf(store, generic);
      const words = Math.ceil(store.rows / 32);
      const per = Math.ceil(words / workers.length);
      await Promise.all(
        workers.map((w, i) => {
          const w0 = Math.min(words, i * per);
          const w1 = Math.min(words, w0 + per);
          return w0 < w1 ? run(w, { view, atoms, policies: plan.policies, matched: result.matched, unknown: result.unknown, w0, w1 }) : Promise.resolve();
        }),
      );
      return result;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
