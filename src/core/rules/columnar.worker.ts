// Worker-thread entry of the columnar matcher: evaluates one row range of a batch into the
// shared result bitsets. Started by parallel.ts with tsx registered (workers do not inherit it).
import { parentPort } from 'node:worker_threads';
import { runRange, type StoreView } from './columnar.ts';
import type { PlanPolicy, PreparedAtom } from './plan.ts';

export interface WorkerJob {
  view: StoreView;
  atoms: PreparedAtom[];
  policies: PlanPolicy[];
  matched: Int32Array[];
  unknown: Int32Array[];
  w0: number;
  w1: number;
}

export type WorkerReply = { ok: true } | { ok: false; message: string };

parentPort?.on('message', (job: WorkerJob) => {
  try {
    runRange(job.view, job.atoms, job.policies, job.matched, job.unknown, job.w0, job.w1);
    parentPort?.postMessage({ ok: true } satisfies WorkerReply);
  } catch (e) {
    parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
});
