import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit, type Actor } from '../../platform/audit.ts';
import type { Db, Executor } from '../../platform/db/schema.ts';
import { Errors } from '../../platform/errors.ts';

export const EVENT_POLICY_ELIGIBLE = 'policy.eligible';
export const WEBHOOK_EVENTS = [EVENT_POLICY_ELIGIBLE] as const;
const BATCH = 1000;

/**
 * 精准推送 (P-6): enterprises newly eligible for a policy get an in-app
 * message, and every active subscriber of the event gets a webhook delivery.
 * Runs in the caller's transaction (the match run), so pushes exist exactly
 * when the run that found them commits.
 */
export async function notifyNewlyEligible(tx: Executor, p: { policyId: number; version: number; title: string; mode: string }, usccs: readonly string[]): Promise<void> {
  if (usccs.length === 0) return;
  const body = p.mode === 'auto' ? '贵企业符合该政策条件，属于免申即享，无需申报，资金将按规定兑付。' : '贵企业符合该政策的申报条件，请在申报期内提交申请。';
  for (let i = 0; i < usccs.length; i += BATCH) {
    const chunk = usccs.slice(i, i + BATCH);
    await tx
      .insertInto('messages')
      .values(chunk.map((uscc) => ({ uscc, kind: EVENT_POLICY_ELIGIBLE, title: `政策推送：${p.title}`, body, link: `/policies/${p.policyId}` })))
      .execute();
    const subscribers = await tx.selectFrom('webhook_subscribers').select('id').where('active', '=', true).where((eb) => eb(eb.val(EVENT_POLICY_ELIGIBLE), '=', eb.fn.any('events'))).execute();
    const payload = JSON.stringify({ event: EVENT_POLICY_ELIGIBLE, policy: { id: p.policyId, version: p.version, title: p.title, mode: p.mode }, usccs: chunk });
    if (subscribers.length) await tx.insertInto('webhook_deliveries').values(subscribers.map((s) => ({ subscriber_id: Number(s.id), event: EVENT_POLICY_ELIGIBLE, payload }))).execute();
  }
}

export async function addSubscriber(db: Db, actor: Actor, input: { name: string; url: string; events: string[] }): Promise<{ id: number; secret: string }> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw Errors.validation('url', '地址不是合法的 URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw Errors.validation('url', '只支持 http(s) 地址');
  const unknown = input.events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length || input.events.length === 0) throw Errors.validation('events', `事件须为：${WEBHOOK_EVENTS.join(', ')}`);
  const secret = randomBytes(24).toString('base64url');
  return db.transaction().execute(async (tx) => {
    const row = await tx.insertInto('webhook_subscribers').values({ name: input.name, url: url.toString(), secret, events: input.events }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(tx, actor, { action: 'webhook.create', target: `webhook:${row.id}`, change: { name: input.name, url: url.toString(), events: input.events } });
    return { id: Number(row.id), secret };
  });
}

export async function markRead(db: Db, uscc: string, id: number): Promise<void> {
  const res = await db.updateTable('messages').set({ read_at: sql<Date>`coalesce(read_at, now())` }).where('id', '=', id).where('uscc', '=', uscc).executeTakeFirst();
  // Another enterprise's message does not exist for this caller.
  if (Number(res.numUpdatedRows) === 0) throw Errors.notFound('消息');
}
