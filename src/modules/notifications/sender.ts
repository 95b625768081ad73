import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/schema.ts';
import { signWebhook } from './signature.ts';

export const MAX_ATTEMPTS = 8;
const LEASE_SEC = 60;

/**
 * Delivers webhook events outside any database transaction (a slow receiver
 * must not hold the single PGlite session): claim with a lease, send, record.
 * A crash between sending and recording resends after the lease — delivery is
 * at-least-once; receivers deduplicate by `x-qifu-delivery`.
 */
export class WebhookSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly log: Pick<FastifyBaseLogger, 'warn' | 'error'>,
    private readonly pollMs = 2000,
    private readonly timeoutMs = 10_000,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.deliverDue()
        .catch((err: unknown) => this.log.error({ err }, 'webhook sender failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Sends every due delivery once; returns how many were delivered. */
  async deliverDue(now: Date = new Date()): Promise<number> {
    const claimed = await this.db.transaction().execute(async (tx) => {
      const due = await tx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_subscribers as s', 's.id', 'd.subscriber_id')
        .select(['d.id', 'd.payload', 'd.attempts', 's.url', 's.secret'])
        .where('d.next_at', '<=', now)
        .where((eb) => eb.or([eb('d.status', '=', 'pending'), eb.and([eb('d.status', '=', 'sending'), eb('d.lease_until', '<', now)])]))
        .orderBy('d.id')
        .limit(20)
        .forUpdate('d')
        .skipLocked()
        .execute();
      if (due.length) {
        await tx
          .updateTable('webhook_deliveries')
          .set({ status: 'sending', attempts: sql<number>`attempts + 1`, lease_until: new Date(now.getTime() + LEASE_SEC * 1000) })
          .where('id', 'in', due.map((d) => d.id))
          .execute();
      }
      return due;
    });
    let delivered = 0;
    for (const d of claimed) {
      const body = JSON.stringify(d.payload);
      let error: string | null = null;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-qifu-signature': signWebhook(d.secret, Math.floor(Date.now() / 1000), body), 'x-qifu-delivery': String(d.id) },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const attempts = d.attempts + 1;
      if (error === null) {
        await this.db.updateTable('webhook_deliveries').set({ status: 'delivered', delivered_at: new Date(), lease_until: null, last_error: null }).where('id', '=', d.id).execute();
        delivered++;
      } else {
        const final = attempts >= MAX_ATTEMPTS;
        const backoffMs = Math.min(3600_000, 2 ** attempts * 5000);
        await this.db
          .updateTable('webhook_deliveries')
          .set({ status: final ? 'failed' : 'pending', lease_until: null, last_error: error.slice(0, 500), next_at: new Date(Date.now() + backoffMs) })
          .where('id', '=', d.id)
          .execute();
        this.log.warn({ delivery: d.id, attempts, final, error }, 'webhook delivery failed');
      }
    }
    return delivered;
  }
}
