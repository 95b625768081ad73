import type { AuthUser } from '../../platform/access.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/schema.ts';
import { createPolicy, EXPIRE_JOB, MATCH_JOB, recomputeMatches, transition } from './commands.ts';
import type { PolicyContent } from './domain/content.ts';
import { DEMO_POLICIES } from './domain/demo-policies.ts';
import { todayInShanghai } from '../../platform/clock.ts';

const SEEDER: AuthUser = { id: 0, username: 'system', displayName: '系统', role: 'admin', department: null, street: null, uscc: null };

/** Demo catalogue (issue 5 item 2): created, reviewed and published like any policy; past ones expired. Idempotent. */
export async function seedDemoPolicies(db: Db, log: (line: string) => void, today = todayInShanghai()): Promise<void> {
  let created = 0;
  for (const d of DEMO_POLICIES) {
    const exists = await db.selectFrom('policies').select('id').where('code', '=', d.code).executeTakeFirst();
    if (exists) continue;
    const content: PolicyContent = {
      title: d.title,
      department: d.department,
      docNumber: d.docNumber ?? null,
      category: d.category,
      mode: d.mode,
      keyPoints: [...d.keyPoints],
      text: d.text,
      validFrom: d.validFrom ?? null,
      validTo: d.validTo ?? null,
      applyFrom: d.applyFrom ?? null,
      applyTo: d.applyTo ?? null,
      eligibility: d.eligibility,
      benefit: d.benefit ?? null,
      materials: [...(d.materials ?? [])],
      reviewRules: null,
      budget: d.budget ?? null,
      contact: d.contact ?? null,
      tags: [...(d.tags ?? [])],
    };
    const id = await createPolicy(db, SEEDER, d.code, content);
    await transition(db, SYSTEM_ACTOR, null, id, 'submit');
    const { version } = await transition(db, SYSTEM_ACTOR, null, id, 'publish');
    if (content.validTo && content.validTo < today) {
      await transition(db, SYSTEM_ACTOR, null, id, 'expire');
      await db.updateTable('jobs').set({ status: 'done', done_at: new Date() }).where('name', '=', EXPIRE_JOB).where('dedupe_key', '=', `policy:${id}:v${version}`).execute();
    } else await db.transaction().execute((tx) => recomputeMatches(tx, id, version, today));
    // Seed data is ready at first start: the match job queued by publishing has been done here.
    await db.updateTable('jobs').set({ status: 'done', done_at: new Date() }).where('name', '=', MATCH_JOB).where('dedupe_key', '=', `policy:${id}:v${version}`).execute();
    created++;
  }
  if (created) log(`demo policies created: ${created}`);
}
