import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/schema.ts';
import { findEnterprise, rowToFlat } from '../enterprises/index.ts';
import { notifyNewlyEligible } from '../notifications/index.ts';
import { matchingService } from './matching.ts';

const CURSOR_KEY = 'policies.rematch_cursor';

type MatchStatus = 'eligible' | 'unknown' | 'near';

/**
 * Incremental 政策找企业 (P-4, P-6): enterprises changed since the durable
 * cursor (an `enterprise_changes` id kept in `settings`) are re-matched
 * against every active policy version that already has a batch run; their
 * stored statuses are updated and the newly eligible get their push — in ONE
 * transaction with the cursor's advance, so a crash repeats a step whole or
 * not at all (no lost change, no double push).
 */
export async function rematchChangedEnterprises(db: Db, limit = 500): Promise<{ enterprises: number; newlyEligible: number }> {
  // Nothing new since the cursor (the usual case for a worker polling every few seconds):
  // answered by one read, without taking the cursor's row lock.
  const idle = await sql<{ idle: boolean }>`
    select coalesce((select max(id) from enterprise_changes), 0) <= coalesce((select (value #>> '{}')::bigint from settings where key = ${CURSOR_KEY}), 0) as idle`.execute(db);
  if (idle.rows[0]!.idle) return { enterprises: 0, newlyEligible: 0 };
  // Compiled policies come from the matching service, read before the transaction
  // (on PGlite the transaction holds the only connection).
  const snap = await matchingService(db).snapshot();
  return db.transaction().execute(async (tx) => {
    await sql`insert into settings (key, value) values (${CURSOR_KEY}, '0'::jsonb) on conflict (key) do nothing`.execute(tx);
    const cur = await sql<{ v: string }>`select value #>> '{}' as v from settings where key = ${CURSOR_KEY} for update`.execute(tx);
    const cursor = Number(cur.rows[0]!.v);
    const changes = await tx.selectFrom('enterprise_changes').select(['id', 'uscc']).where('id', '>', cursor).orderBy('id').limit(limit).execute();
    if (changes.length === 0) return { enterprises: 0, newlyEligible: 0 };
    const next = Number(changes[changes.length - 1]!.id);
    const usccs = [...new Set(changes.map((c) => c.uscc))];
    // Only versions whose batch run is stored: a version still waiting for its run gets everything from it.
    const ran = await tx.selectFrom('policy_match_runs').select(['policy_id', 'version']).distinct().execute();
    const done = new Set(ran.map((r) => `${r.policy_id}:${r.version}`));
    const policies = snap.policies.filter((p) => done.has(`${p.id}:${p.version}`));
    const newly = new Map<number, string[]>();
    if (policies.length) {
      const prev = await tx
        .selectFrom('policy_matches')
        .select(['policy_id', 'version', 'uscc', 'status'])
        .where('uscc', 'in', usccs)
        .where((eb) => eb.or(policies.map((p) => eb.and([eb('policy_id', '=', p.id), eb('version', '=', p.version)]))))
        .execute();
      const before = new Map(prev.map((r) => [`${r.policy_id}:${r.uscc}`, r.status]));
      const wanted = new Set(policies.map((p) => String(p.id)));
      for (const uscc of usccs) {
        const row = await findEnterprise(tx, uscc);
        if (!row) continue;
        // Outcomes only (triage): no explanation is built for a stored match.
        const t = snap.explainer.triage(rowToFlat(row));
        for (let i = 0; i < t.status.length; i++) {
          const p = snap.policies[i]!;
          if (!wanted.has(String(p.id))) continue;
          const now: MatchStatus | null = t.status[i] === 2 ? 'eligible' : t.status[i] === 1 ? 'unknown' : t.changes[i]! > 0 ? 'near' : null;
          const was = before.get(`${p.id}:${uscc}`) ?? null;
          if (now === was) continue;
          if (now === null) await tx.deleteFrom('policy_matches').where('policy_id', '=', p.id).where('version', '=', p.version).where('uscc', '=', uscc).execute();
          else
            await tx
              .insertInto('policy_matches')
              .values({ policy_id: p.id, version: p.version, uscc, status: now })
              .onConflict((oc) => oc.columns(['policy_id', 'version', 'uscc']).doUpdateSet({ status: now }))
              .execute();
          if (now === 'eligible') newly.set(p.id, [...(newly.get(p.id) ?? []), uscc]);
        }
      }
      for (const [policyId, list] of newly) {
        const p = snap.byId.get(String(policyId))!;
        await notifyNewlyEligible(tx, { policyId, version: p.version, title: p.title, mode: p.content.mode }, list);
      }
    }
    await sql`update settings set value = to_jsonb(${next}::bigint) where key = ${CURSOR_KEY}`.execute(tx);
    return { enterprises: usccs.length, newlyEligible: [...newly.values()].reduce((n, l) => n + l.length, 0) };
  });
}

/** Background loop of the server: drains the change log every `pollMs`. */
export function rematchWorker(db: Db, log: Pick<FastifyBaseLogger, 'error'>, pollMs = 2000): { start(): void; stop(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  const drain = async (): Promise<void> => {
    while (!stopped && (await rematchChangedEnterprises(db)).enterprises > 0);
  };
  const loop = (): void => {
    if (stopped) return;
    running = drain()
      .catch((err: unknown) => log.error({ err }, 'incremental re-match failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
