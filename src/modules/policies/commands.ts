import { canonicalJson, sm3 } from '../../core/crypto/sm.ts';
import { preparePolicySet, readAttributes } from '../../core/rules/index.ts';
import type { AuthUser } from '../../platform/access.ts';
import { actorOf, appendAudit, type Actor } from '../../platform/audit.ts';
import type { Db, Executor, Tx } from '../../platform/db/schema.ts';
import { markChanged } from '../../platform/changes.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { scheduleJob } from '../../platform/jobs.ts';
import { searchColumnValues } from '../../platform/search/index.ts';
import { rulesCatalog, scanEnterpriseRecords } from '../enterprises/index.ts';
import { notifyNewlyEligible } from '../notifications/index.ts';
import { orgUnitExists } from '../org/index.ts';
import { checkContent, type PolicyContent } from './domain/content.ts';
import { nextStatus, STATUS_LABELS, type PolicyAction } from './domain/lifecycle.ts';
import { plainText, sanitizePolicyHtml } from './domain/sanitize.ts';
import type { PolicyStatus } from './migrations.ts';
import { todayInShanghai } from '../../platform/clock.ts';

export const EXPIRE_JOB = 'policy.expire';
export const MATCH_JOB = 'policy.match';


/** Only admin and staff of the owning department write a policy (谁制订、谁发布). */
export function assertCanManage(user: AuthUser, department: string): void {
  if (user.role === 'admin') return;
  if (user.role === 'dept' && user.department === department) return;
  throw Errors.forbidden('只能管理本部门的政策');
}

function searchTextOf(c: PolicyContent): string {
  return [c.title, c.docNumber ?? '', ...c.keyPoints, ...c.tags, plainText(c.text)].join(' ');
}

async function validated(db: Executor, input: PolicyContent): Promise<PolicyContent> {
  const content: PolicyContent = { ...input, text: sanitizePolicyHtml(input.text), keyPoints: input.keyPoints.map((k) => k.trim()).filter(Boolean), tags: [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))] };
  if (!(await orgUnitExists(db, content.department, 'department'))) throw Errors.validation('department', `部门 ${content.department} 不存在`);
  const problems = checkContent(content, await rulesCatalog(db));
  if (problems.length) {
    const p = problems[0]!;
    throw new AppError(p.issues ? 'RULE_INVALID' : 'POLICY_INVALID', 400, p.issues ? '政策条件或公式有误' : '政策内容有误', { field: p.field, detail: p.message, extra: { problems } });
  }
  return content;
}

function columns(c: PolicyContent) {
  return {
    content: JSON.stringify(c),
    title: c.title,
    category: c.category,
    mode: c.mode,
    valid_to: c.validTo,
    apply_to: c.applyTo,
    tags: c.tags,
    department: c.department,
    search_text: searchTextOf(c),
    ...searchColumnValues({ title: c.title, keyPoints: [...c.keyPoints, ...c.tags], text: c.text }),
  };
}

export async function createPolicy(db: Db, user: AuthUser, code: string, input: PolicyContent): Promise<number> {
  assertCanManage(user, input.department);
  const content = await validated(db, input);
  return db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('policies').select('id').where('code', '=', code).executeTakeFirst();
    if (exists) throw Errors.conflict('POLICY_CODE_TAKEN', '政策编码已存在', 'code');
    const row = await tx.insertInto('policies').values({ code, ...columns(content), created_by: user.username }).returning('id').executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendAudit(tx, actorOf(user), { action: 'policy.create', target: `policy:${id}`, change: content });
    return id;
  });
}

async function lockPolicy(tx: Tx, id: number) {
  const p = await tx.selectFrom('policies').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!p) throw Errors.notFound('政策');
  return p;
}

export async function updateDraft(db: Db, user: AuthUser, id: number, input: PolicyContent): Promise<void> {
  const content = await validated(db, input);
  await db.transaction().execute(async (tx) => {
    const p = await lockPolicy(tx, id);
    assertCanManage(user, p.department);
    assertCanManage(user, content.department);
    if (p.status !== 'draft') throw new AppError('POLICY_NOT_EDITABLE', 409, '只有草稿可以修改', { detail: `当前状态：${STATUS_LABELS[p.status]}` });
    await tx.updateTable('policies').set({ ...columns(content), updated_at: new Date() }).where('id', '=', id).execute();
    await appendAudit(tx, actorOf(user), { action: 'policy.update', target: `policy:${id}`, change: content });
  });
}

/** End of the validity period in Asia/Shanghai: the policy expires at the start of the next day. */
export function expiryInstant(validTo: string): Date {
  return new Date(new Date(`${validTo}T00:00:00+08:00`).getTime() + 24 * 3600 * 1000);
}

/**
 * A lifecycle step (P-2). Publishing freezes the content as a new immutable
 * version, schedules the durable expiry job and queues a re-match.
 */
export async function transition(db: Db, actor: Actor, user: AuthUser | null, id: number, action: PolicyAction, note?: string): Promise<{ status: PolicyStatus; version: number }> {
  const result = await db.transaction().execute(async (tx) => {
    const p = await lockPolicy(tx, id);
    if (user) assertCanManage(user, p.department);
    const to = nextStatus(p.status, action);
    if (!to) throw new AppError('POLICY_BAD_TRANSITION', 409, '当前状态不允许此操作', { detail: `${STATUS_LABELS[p.status]} 不能执行 ${action}` });
    if (action === 'return' && !note?.trim()) throw Errors.validation('note', '退回须说明原因');
    let version = p.published_version;
    if (action === 'publish') {
      version = p.published_version + 1;
      await tx.insertInto('policy_versions').values({ policy_id: id, version, content: JSON.stringify(p.content), content_hash: sm3(canonicalJson(p.content)), published_by: actor.username }).execute();
      if (p.valid_to) await scheduleJob(tx, { name: EXPIRE_JOB, payload: { id, version }, runAt: expiryInstant(p.valid_to), dedupeKey: `policy:${id}:v${version}` });
      // The batch match runs as a durable job: committed with the publish, done even after a crash.
      await scheduleJob(tx, { name: MATCH_JOB, payload: { id, version }, dedupeKey: `policy:${id}:v${version}` });
    }
    await tx
      .updateTable('policies')
      .set({ status: to, published_version: version, review_note: action === 'return' ? (note ?? null) : p.review_note, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await appendAudit(tx, actor, { action: `policy.${action}`, target: `policy:${id}`, change: { from: p.status, to, version, note: note ?? null } });
    return { status: to, version };
  });
  markChanged('policies');
  return result;
}

/**
 * P-4 batch for one policy version: every enterprise as eligible / unknown /
 * near miss, stored per version, with the difference from the previous run
 * kept (it drives pushes, P-6).
 */
export async function recomputeMatches(tx: Executor, policyId: number, version: number, today = todayInShanghai()): Promise<{ eligible: number; unknown: number; near: number; newlyEligible: string[] }> {
  // Runs inside the caller's transaction (the durable job's, or the seed's): one session on PGlite.
  const v = await tx.selectFrom('policy_versions').select('content').where('policy_id', '=', policyId).where('version', '=', version).executeTakeFirstOrThrow();
  const content = v.content as unknown as PolicyContent;
  const explainer = preparePolicySet([{ id: String(policyId), rule: content.eligibility }], { catalog: await rulesCatalog(tx), today });
  const rows: Array<{ uscc: string; status: 'eligible' | 'unknown' | 'near' }> = [];
  // One transaction, so the physical-order scan (COPY on PGlite) is a consistent snapshot;
  // of just the attributes the rule reads (the same answer, property-tested), when known.
  const reads = readAttributes(content.eligibility);
  for await (const { uscc, record } of scanEnterpriseRecords(tx, undefined, reads ? new Set(reads) : undefined)) {
    const e = explainer.explainAll(record)[0]!;
    if (e.status === 'true') rows.push({ uscc, status: 'eligible' });
    else if (e.status === 'unknown') rows.push({ uscc, status: 'unknown' });
    else if (e.nearMisses.length > 0) rows.push({ uscc, status: 'near' });
  }
  const prevRun = await tx.selectFrom('policy_match_runs').select('version').where('policy_id', '=', policyId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const before = prevRun ? new Set((await tx.selectFrom('policy_matches').select('uscc').where('policy_id', '=', policyId).where('version', '=', prevRun.version).where('status', '=', 'eligible').execute()).map((r) => r.uscc)) : new Set<string>();
  await tx.deleteFrom('policy_matches').where('policy_id', '=', policyId).where('version', '=', version).execute();
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000).map((r) => ({ policy_id: policyId, version, ...r }));
    if (chunk.length) await tx.insertInto('policy_matches').values(chunk).execute();
  }
  const now = new Set(rows.filter((r) => r.status === 'eligible').map((r) => r.uscc));
  const newlyEligible = [...now].filter((u) => !before.has(u));
  const noLonger = [...before].filter((u) => !now.has(u));
  const counts = { eligible: now.size, unknown: rows.filter((r) => r.status === 'unknown').length, near: rows.filter((r) => r.status === 'near').length };
  await tx.insertInto('policy_match_runs').values({ policy_id: policyId, version, ...counts, newly_eligible: JSON.stringify(newlyEligible), no_longer_eligible: JSON.stringify(noLonger) }).execute();
  // P-6: the difference drives the pushes, in the same transaction as the run.
  await notifyNewlyEligible(tx, { policyId, version, title: content.title, mode: content.mode }, newlyEligible);
  return { ...counts, newlyEligible };
}
