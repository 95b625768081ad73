import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Db, Executor, Tx } from './db/schema.ts';

/**
 * Durable jobs and timers (SPEC F-8): every deadline, reminder and scheduled
 * job is a row in `jobs`; nothing waits in an in-memory timer. A job's
 * handler runs inside the same transaction that marks it done, so its
 * database effects happen exactly once even if the process dies mid-way
 * (the transaction rolls back and the job is picked up again).
 */
/**
 * `tx` is the transaction that also marks the job done: do all database work
 * through it (writes are then exactly-once). Never open another connection
 * from a handler: PGlite has a single session, held by `tx`, so it would wait forever.
 */
export type JobHandler = (payload: unknown, tx: Tx, job: JobInfo) => Promise<void>;

export interface JobInfo {
  id: number;
  name: string;
  attempts: number;
  /** The server's configuration, when the runner was given one (jobs that touch files outside the database need it). */
  config?: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>;
}

/** A job log for jobs run outside the runner (CLI, tests): warnings and errors to stderr. */
export const STDERR_JOB_LOG: JobInfo['log'] = {
  info: () => undefined,
  warn: (obj: unknown, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj: unknown, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
} as JobInfo['log'];

export interface ScheduleOptions {
  name: string;
  payload?: unknown;
  runAt?: Date;
  /** With a key, scheduling the same (name, key) twice keeps the first: makes schedulers idempotent. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export async function scheduleJob(db: Executor, opts: ScheduleOptions): Promise<number | null> {
  const row = await db
    .insertInto('jobs')
    .values({
      name: opts.name,
      payload: JSON.stringify(opts.payload ?? {}),
      run_at: opts.runAt ?? new Date(),
      dedupe_key: opts.dedupeKey ?? null,
      max_attempts: opts.maxAttempts ?? 5,
    })
    .onConflict((oc) => oc.columns(['name', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly handlers: Map<string, JobHandler>,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>,
    private readonly pollMs = 1000,
    private readonly config?: Config,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, 'job runner tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every job that is due now; returns how many ran successfully. */
  async drain(limit = 100): Promise<number> {
    let done = 0;
    for (let i = 0; i < limit; i++) {
      const outcome = await this.runOne();
      if (outcome === 'none') break;
      if (outcome === 'done') done++;
    }
    return done;
  }

  /** Claims one due job and runs it; 'none' when nothing is due. */
  async runOne(now: Date = new Date()): Promise<'none' | 'done' | 'failed'> {
    let claimed: { id: number; name: string; attempts: number; max_attempts: number } | null = null;
    try {
      const result = await this.db.transaction().execute(async (tx) => {
        const job = await tx
          .selectFrom('jobs')
          .select(['id', 'name', 'payload', 'attempts', 'max_attempts'])
          .where('status', '=', 'pending')
          .where('run_at', '<=', now)
          .orderBy('run_at')
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!job) return 'none' as const;
        claimed = { id: Number(job.id), name: job.name, attempts: job.attempts, max_attempts: job.max_attempts };
        const handler = this.handlers.get(job.name);
        if (!handler) throw new Error(`no handler registered for job "${job.name}"`);
        await handler(job.payload, tx, { id: claimed.id, name: job.name, attempts: job.attempts, config: this.config, log: this.log });
        await tx
          .updateTable('jobs')
          .set({ status: 'done', done_at: new Date(), attempts: job.attempts + 1 })
          .where('id', '=', claimed.id)
          .execute();
        return 'done' as const;
      });
      return result;
    } catch (err) {
      const job = claimed as { id: number; name: string; attempts: number; max_attempts: number } | null;
      if (!job) throw err;
      // The handler's writes were rolled back; record the failure and retry later with backoff.
      const attempts = job.attempts + 1;
      const final = attempts >= job.max_attempts;
      const backoffSec = Math.min(3600, 2 ** attempts * 5);
      await this.db
        .updateTable('jobs')
        .set({
          attempts,
          last_error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
          status: final ? 'failed' : 'pending',
          run_at: sql<Date>`now() + make_interval(secs => ${backoffSec})`,
        })
        .where('id', '=', job.id)
        .execute();
      this.log.warn({ job: job.name, id: job.id, attempts, final, err }, 'job failed');
      return 'failed';
    }
  }
}
