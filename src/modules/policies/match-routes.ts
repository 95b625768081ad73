import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { evaluateBenefit, RuleError, validateFormula, type BenefitFormula } from '../../core/rules/index.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import type { AppContext } from '../../platform/module.ts';
import { assertCanSee, enterpriseMask, findEnterprise, personalAttributes, rowToFlat, rulesCatalog } from '../enterprises/index.ts';
import { eligiblePage, eligibleStats, eligibleXlsx, policyForMatchView } from './match-stats.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const MATCH_VIEWERS = ['admin', 'dept', 'leader'] as const;

/** The eligible-enterprise view of a policy (P-4, issue 5 item 7) and the benefit 试算 of the formula editor (P-1). */
export async function policyMatchRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;

  // One rule for every view of a policy's matches (policyForMatchView): its department, admin and leader.
  app.get(
    '/policies/:id/matches',
    {
      config: { access: [...MATCH_VIEWERS], scope: { param: 'id', owner: 'policy-internal' } },
      schema: {
        tags: ['policies'],
        summary: '政策匹配的企业（按版本；本部门政策）',
        params: IdParams,
        querystring: Type.Object({ status: Type.Union([Type.Literal('eligible'), Type.Literal('unknown'), Type.Literal('near')], { default: 'eligible' }), page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
      },
    },
    async (req) => {
      const p = await policyForMatchView(db, req.user!, (req.params as { id: number }).id);
      const q = req.query as { status: 'eligible' | 'unknown' | 'near'; page: number; pageSize: number };
      const run = await db.selectFrom('policy_match_runs').selectAll().where('policy_id', '=', p.id).where('version', '=', p.publishedVersion).orderBy('id', 'desc').limit(1).executeTakeFirst();
      const base = db.selectFrom('policy_matches').where('policy_id', '=', p.id).where('version', '=', p.publishedVersion).where('status', '=', q.status);
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      const rows = await base.select('uscc').orderBy('uscc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
      return {
        policyId: p.id,
        version: p.publishedVersion,
        counts: run ? { eligible: run.eligible, unknown: run.unknown, near: run.near, newlyEligible: run.newly_eligible.length, noLongerEligible: run.no_longer_eligible.length } : null,
        total: Number(total),
        items: rows.map((r) => r.uscc),
      };
    },
  );

  app.get(
    '/policies/:id/matches/stats',
    { config: { access: [...MATCH_VIEWERS], scope: { param: 'id', owner: 'policy-internal' } }, schema: { tags: ['policies'], summary: '可享企业统计：按街镇、按行业门类（本部门政策）', params: IdParams } },
    async (req) => eligibleStats(db, await policyForMatchView(db, req.user!, (req.params as { id: number }).id)),
  );

  app.get(
    '/policies/:id/matches/enterprises',
    {
      config: { access: [...MATCH_VIEWERS], scope: { param: 'id', owner: 'policy-internal' } },
      schema: { tags: ['policies'], summary: '可享企业名单（分页，含名称、街镇、行业）', params: IdParams, querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }) },
    },
    async (req) => {
      const p = await policyForMatchView(db, req.user!, (req.params as { id: number }).id);
      const { page, pageSize } = req.query as { page: number; pageSize: number };
      return eligiblePage(db, p, page, pageSize);
    },
  );

  app.get(
    '/policies/:id/matches/export.xlsx',
    { config: { access: [...MATCH_VIEWERS], scope: { param: 'id', owner: 'policy-internal' } }, schema: { tags: ['policies'], summary: '导出可享企业名单（Excel）', params: IdParams } },
    async (req, reply) => {
      const p = await policyForMatchView(db, req.user!, (req.params as { id: number }).id);
      const buf = await eligibleXlsx(db, p);
      reply.header('content-disposition', `attachment; filename="policy-${p.id}-eligible.xlsx"; filename*=UTF-8''${encodeURIComponent(`可享企业-${p.id}.xlsx`)}`);
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(buf);
    },
  );

  // 试算 of a benefit formula for one enterprise, before saving (the formula editor).
  app.post(
    '/policies/try-benefit',
    {
      config: { access: ['admin', 'dept'], scope: { param: 'uscc', in: 'body', owner: 'enterprise' } },
      schema: {
        tags: ['policies'],
        summary: '试算享受金额（分）',
        body: Type.Object(
          {
            benefit: Type.Object({ amount: Type.Unknown(), cap: Type.Optional(Type.Integer({ minimum: 0 })), rounding: Type.Optional(Type.Union([Type.Literal('half_up'), Type.Literal('down'), Type.Literal('half_even')])) }, { additionalProperties: false }),
            uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const body = req.body as { benefit: BenefitFormula; uscc: string };
      const catalog = await rulesCatalog(db);
      const issues = validateFormula(body.benefit, catalog);
      if (issues.length) throw new AppError('FORMULA_INVALID', 400, '享受金额公式有误', { field: 'benefit', detail: `${issues[0]!.message}（位置 ${issues[0]!.path}）`, extra: { issues } });
      const row = await findEnterprise(db, body.uscc.toUpperCase());
      if (!row) throw Errors.notFound('企业');
      await assertCanSee(db, req.user!, row);
      const values = rowToFlat(row);
      // Amounts read numbers only (validateFormula), but what leaves goes through the one masking rule all the same.
      const mask = enterpriseMask(req.user, row.uscc, values, personalAttributes(catalog));
      try {
        return mask.quoted(evaluateBenefit(body.benefit, values));
      } catch (err) {
        if (err instanceof RuleError) throw new AppError('FORMULA_EVALUATION', 400, '享受金额无法计算', { field: 'benefit', detail: mask.quoted(err.issues[0]?.message) });
        throw err;
      }
    },
  );
}
