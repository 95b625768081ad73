import type { Executor } from '../../platform/db/schema.ts';
import { EVENT_POLICY_ELIGIBLE } from './commands.ts';

/** 已推送 (P-8): distinct enterprises that received the 'policy.eligible' push of each policy (message link /policies/{id}). */
export async function notifiedCounts(db: Executor, policyIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (policyIds.length === 0) return out;
  const rows = await db
    .selectFrom('messages')
    .select(['link'])
    .select((eb) => eb.fn.count<number>('uscc').distinct().as('n'))
    .where('kind', '=', EVENT_POLICY_ELIGIBLE)
    .where('link', 'in', policyIds.map((id) => `/policies/${id}`))
    .groupBy('link')
    .execute();
  for (const r of rows) out.set(Number(String(r.link).slice('/policies/'.length)), Number(r.n));
  return out;
}

/** Sends one in-app message to each enterprise, in the caller's transaction. */
export async function sendEnterpriseMessages(tx: Executor, messages: ReadonlyArray<{ uscc: string; kind: string; title: string; body: string; link: string | null }>): Promise<void> {
  for (let i = 0; i < messages.length; i += 1000) await tx.insertInto('messages').values(messages.slice(i, i + 1000)).execute();
}
