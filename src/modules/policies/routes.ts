import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { compileMatchPlan, countResult, explainRule, matchColumns, readAttributes, validateRule, type Rule } from '../../core/rules/index.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { actorOf } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/module.ts';
import { assertCanSee, enterpriseMask, findEnterprise, personalAttributes, rowToFlat, rulesCatalog } from '../enterprises/index.ts';
import { DEFAULT_NEAR_MISS_LIMIT, policyCheckup, policyCheckupBytes } from './checkup.ts';
import { matchingService, type MatchingSnapshot } from './matching.ts';
import { policyMatchRoutes } from './match-routes.ts';
import { createPolicy, transition, updateDraft } from './commands.ts';
import { CATEGORIES, MAX_TEXT, type PolicyContent } from './domain/content.ts';
import type { PolicyAction } from './domain/lifecycle.ts';
import type { PolicyStatus } from './migrations.ts';
import { canSeePolicy, cleanupList, listPolicies, toSummary } from './queries.ts';
import { todayInShanghai } from '../../platform/clock.ts';

const DateStr = Type.Union([Type.Null(), Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })]);
const Content = Type.Object(
  {
    code: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$' })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    department: Type.String({ maxLength: 32 }),
    docNumber: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 100 })])),
    category: Type.Union(CATEGORIES.map((c) => Type.Literal(c))),
    mode: Type.Union([Type.Literal('apply'), Type.Literal('auto')]),
    keyPoints: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20, default: [] }),
    text: Type.String({ maxLength: MAX_TEXT, default: '' }),
    validFrom: Type.Optional(DateStr),
    validTo: Type.Optional(DateStr),
    applyFrom: Type.Optional(DateStr),
    applyTo: Type.Optional(DateStr),
    eligibility: Type.Unknown(),
    benefit: Type.Optional(Type.Union([Type.Null(), Type.Object({ amount: Type.Unknown(), cap: Type.Optional(Type.Integer({ minimum: 0 })), rounding: Type.Optional(Type.Union([Type.Literal('half_up'), Type.Literal('down'), Type.Literal('half_even')])) }, { additionalProperties: false })])),
    materials: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50, default: [] }),
    reviewRules: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 5000 })])),
    budget: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0 })])),
    contact: Type.Optional(Type.Union([Type.Null(), Type.Object({ owner: Type.Optional(Type.String({ maxLength: 100 })), phone: Type.Optional(Type.String({ maxLength: 50 })), qaOwner: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false })])),
    tags: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 30, default: [] }),
  },
  { additionalProperties: false },
);
type ContentBody = Static<typeof Content>;

const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  department: Type.Optional(Type.String({ maxLength: 32 })),
  category: Type.Optional(Type.String({ maxLength: 20 })),
  mode: Type.Optional(Type.Union([Type.Literal('apply'), Type.Literal('auto')])),
  status: Type.Optional(Type.Union(['draft', 'review', 'published', 'expired', 'withdrawn'].map((s) => Type.Literal(s)))),
  tag: Type.Optional(Type.String({ maxLength: 40 })),
  openNow: Type.Optional(Type.Boolean()),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

function toContent(b: ContentBody): PolicyContent {
  return {
    title: b.title.trim(),
    department: b.department,
    docNumber: b.docNumber ?? null,
    category: b.category,
    mode: b.mode,
    keyPoints: b.keyPoints,
    text: b.text,
    validFrom: b.validFrom ?? null,
    validTo: b.validTo ?? null,
    applyFrom: b.applyFrom ?? null,
    applyTo: b.applyTo ?? null,
    eligibility: (b.eligibility ?? true) as Rule,
    benefit: b.benefit ? { amount: b.benefit.amount as Rule, ...(b.benefit.cap !== undefined ? { cap: b.benefit.cap } : {}), ...(b.benefit.rounding ? { rounding: b.benefit.rounding } : {}) } : null,
    materials: b.materials,
    reviewRules: b.reviewRules ?? null,
    budget: b.budget ?? null,
    contact: b.contact ?? null,
    tags: b.tags,
  };
}

const today = todayInShanghai;

export async function policyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  await policyMatchRoutes(app, ctx);

  async function loadVisible(id: number, req: { user: Parameters<typeof canSeePolicy>[0] }) {
    const p = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
    // Drafts of other departments do not exist for the caller: 404, not 403.
    if (!p || !canSeePolicy(req.user, p)) throw Errors.notFound('政策');
    return p;
  }

  app.get('/policies', { config: { access: 'public', scope: 'filtered' }, schema: { tags: ['policies'], summary: '政策列表（公众只见已发布）', querystring: ListQuery } }, async (req) => {
    return listPolicies(db, req.user, req.query as Static<typeof ListQuery> & { status?: PolicyStatus });
  });

  app.get('/policies/cleanup', { config: { access: ['admin', 'dept', 'leader'], scope: 'none' }, schema: { tags: ['policies'], summary: '已过期及 30 天内到期的政策（清理）' } }, async () => ({ items: await cleanupList(db, today()) }));

  app.get('/policies/:id', { config: { access: 'public', scope: { param: 'id', owner: 'policy' } }, schema: { tags: ['policies'], summary: '政策详情', params: IdParams } }, async (req) => {
    const p = await loadVisible((req.params as { id: number }).id, req);
    const versions = await db.selectFrom('policy_versions').select(['version', 'published_at', 'content_hash', 'published_by']).where('policy_id', '=', p.id).orderBy('version').execute();
    const published = p.published_version > 0 ? await db.selectFrom('policy_versions').select('content').where('policy_id', '=', p.id).where('version', '=', p.published_version).executeTakeFirst() : undefined;
    // The public sees the published version's content; staff who may edit see the working copy.
    const publicView = !req.user || !['admin', 'leader', 'dept'].includes(req.user.role);
    return {
      ...toSummary(p),
      content: publicView && published ? published.content : p.content,
      reviewNote: publicView ? null : p.review_note,
      versions: versions.map((v) => ({ version: v.version, publishedAt: new Date(v.published_at).toISOString(), contentHash: v.content_hash, publishedBy: v.published_by })),
    };
  });

  app.post('/policies', { config: { access: ['admin', 'dept'], scope: { param: 'department', in: 'body', owner: 'department' } }, schema: { tags: ['policies'], summary: '新建政策（草稿）', body: Content } }, async (req, reply) => {
    const b = req.body as ContentBody;
    const code = b.code ?? `p-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const id = await createPolicy(db, req.user!, code, toContent(b));
    return reply.status(201).send({ id, code, status: 'draft' });
  });

  app.patch('/policies/:id', { config: { access: ['admin', 'dept'], scope: { param: 'id', owner: 'policy-internal' } }, schema: { tags: ['policies'], summary: '修改草稿', params: IdParams, body: Content } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await loadVisible(id, req);
    await updateDraft(db, req.user!, id, toContent(req.body as ContentBody));
    return { id, status: 'draft' };
  });

  for (const action of ['submit', 'return', 'publish', 'withdraw'] as const satisfies readonly PolicyAction[]) {
    app.post(
      `/policies/:id/${action}`,
      { config: { access: ['admin', 'dept'], scope: { param: 'id', owner: 'policy-internal' } }, schema: { tags: ['policies'], summary: { submit: '提交审核', return: '退回修改', publish: '审核通过并发布（生成不可变版本）', withdraw: '撤回' }[action], params: IdParams, body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })) } },
      async (req) => {
        const id = (req.params as { id: number }).id;
        await loadVisible(id, req);
        const note = (req.body as { note?: string } | undefined)?.note;
        return { id, ...(await transition(db, actorOf(req.user!), req.user!, id, action, note)) };
      },
    );
  }

  // 政策体检 (P-4) — contract of issue 5.
  // Served from the matching service's memory: no database work per request beyond authentication.
  const matching = matchingService(db);
  matching.reportTo(app.log);
  // Personal attributes (法定代表人 …) the active policies read, per snapshot: when there are none —
  // the usual case — no explanation can quote one and the hot path below is untouched.
  const personalReadsOf = new WeakMap<MatchingSnapshot, string[]>();
  const personalReads = (snap: MatchingSnapshot): string[] => {
    let r = personalReadsOf.get(snap);
    if (!r) {
      const personal = personalAttributes(snap.catalog);
      r = snap.reads.filter((a) => personal.has(a));
      personalReadsOf.set(snap, r);
    }
    return r;
  };
  app.get(
    '/enterprises/:uscc/policy-checkup',
    {
      config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } },
      schema: {
        tags: ['policies'],
        summary: '政策体检：可享、差一点、待确认',
        params: Type.Object({ uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$' }) }),
        querystring: Type.Object(
          {
            detail: Type.Optional(Type.Literal('full', { description: '附完整解释树' })),
            nearMissLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: `差一点政策最多列出几项（最接近的在前；默认 ${DEFAULT_NEAR_MISS_LIMIT}，总数见 totals）` })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const uscc = (req.params as { uscc: string }).uscc.toUpperCase();
      const q = req.query as { detail?: 'full'; nearMissLimit?: number };
      // Only what the policies read (and the street, for the scope check), unless the full trees are asked for.
      const found = await matching.record(uscc, q.detail !== 'full' ? (s) => s.readsAndStreet : undefined);
      if (!found) throw Errors.notFound('企业');
      await assertCanSee(db, req.user!, { uscc, street: typeof found.record.street === 'string' ? found.record.street : null });
      // SPEC §11: outcomes come from the true values; what the explanations quote of personal
      // attributes is masked for viewers other than admin and the enterprise itself.
      const personal = personalReads(found.snap);
      if (personal.length > 0) {
        const mask = enterpriseMask(req.user, uscc, found.record, personal);
        if (mask.active) return mask.quoted(policyCheckup(found.snap, found.record, q));
      }
      if (q.detail === 'full') return policyCheckup(found.snap, found.record, q);
      // The hot path: bytes put together from pieces encoded once (same answer as the object form, tested).
      return reply.type('application/json; charset=utf-8').send(policyCheckupBytes(found.snap, found.record, q));
    },
  );

  // 试算: test a draft rule against one enterprise and count today's matches, before publishing.
  app.post(
    '/policies/try',
    { config: { access: ['admin', 'dept'], scope: { param: 'uscc', in: 'body', owner: 'enterprise' } }, schema: { tags: ['policies'], summary: '试算申报条件', body: Type.Object({ eligibility: Type.Unknown(), uscc: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{18}$' })) }, { additionalProperties: false }) } },
    async (req) => {
      const body = req.body as { eligibility: unknown; uscc?: string };
      const catalog = await rulesCatalog(db);
      const v = validateRule(body.eligibility, { catalog });
      if (!v.ok) throw new AppError('RULE_INVALID', 400, '申报条件有误', { field: 'eligibility', detail: `${v.issues[0]!.message}（位置 ${v.issues[0]!.path}）`, extra: { issues: v.issues } });
      // Counted by the columnar matcher over the matching service's columns: no table scan per 试算
      // (a draft reading a per-enterprise text such as the address has it loaded first).
      const snap = await matching.withAttributes(readAttributes(body.eligibility as Rule) ?? Object.keys(catalog));
      const counts = countResult(matchColumns(snap.store, compileMatchPlan([{ id: 'try', rule: body.eligibility as Rule }], { catalog: snap.catalog, today: snap.today })))[0]!;
      const matched = counts.eligible;
      const unknown = counts.unknown;
      let explanation = null;
      if (body.uscc) {
        const row = await findEnterprise(db, body.uscc.toUpperCase());
        if (!row) throw Errors.notFound('企业');
        await assertCanSee(db, req.user!, row);
        const values = rowToFlat(row);
        // The outcome from the true values; the personal ones it quotes masked (SPEC §11).
        explanation = enterpriseMask(req.user, row.uscc, values, personalAttributes(catalog)).quoted(explainRule(body.eligibility as Rule, values, { catalog, today: today() }));
      }
      return { valid: true, matched, unknown, explanation };
    },
  );
}

export type { PolicyStatus };
