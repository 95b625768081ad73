import { Type, type Static } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { AuthUser } from '../../platform/access.ts';
import { Errors } from '../../platform/errors.ts';
import { actorOf } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/module.ts';
import { assertCanSee, findEnterprise } from '../enterprises/index.ts';
import { approveBatch, canManage, computeBatch, payBatch } from './commands.ts';
import { PERIOD_RE, type BatchStatus, type ItemState } from './domain/batch.ts';
import { batchItems, getBatch, ledgerForEnterprise, listBatches } from './queries.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Period = Type.String({ pattern: PERIOD_RE.source, description: '2026、2026-H1、2026-Q3 或 2026-07' });
const BatchStatusT = Type.Union(['draft', 'approved', 'paying', 'paid'].map((s) => Type.Literal(s)));
const ItemStateT = Type.Union(['pending', 'waiting_budget', 'held', 'paid'].map((s) => Type.Literal(s)));
const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  status: Type.Optional(BatchStatusT),
  policyId: Type.Optional(Type.Integer({ minimum: 1 })),
});
const ItemsQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  state: Type.Optional(ItemStateT),
});
const STAFF = ['admin', 'dept', 'leader'] as const;
const WRITERS = ['admin', 'dept'] as const;

/** A batch the caller may see: admin and leader every batch, dept only those of its department's policies (403 otherwise). */
function visibleBatch(ctx: AppContext, user: AuthUser, id: number) {
  return getBatch(ctx.db, user, id);
}

export async function benefitRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;

  app.get('/benefits/batches', { config: { access: STAFF, scope: 'filtered' }, schema: { tags: ['benefits'], summary: '兑付批次列表（部门只见本部门政策）', querystring: ListQuery } }, async (req) => {
    const q = req.query as Static<typeof ListQuery>;
    return listBatches(db, req.user!, { ...q, status: q.status as BatchStatus | undefined });
  });

  app.post(
    '/benefits/batches',
    { config: { access: WRITERS, scope: { param: 'policyId', in: 'body', owner: 'policy-internal' } }, schema: { tags: ['benefits'], summary: '计算兑付批次（同一政策同一期间始终为同一批次；草稿重新计算）', body: Type.Object({ policyId: Type.Integer({ minimum: 1 }), period: Period }, { additionalProperties: false }) } },
    async (req) => {
      const body = req.body as { policyId: number; period: string };
      const r = await computeBatch(db, actorOf(req.user!), req.user!, body);
      return { ...(await getBatch(db, null, r.id)), recomputed: r.recomputed };
    },
  );

  app.get('/benefits/batches/:id', { config: { access: STAFF, scope: { param: 'id', owner: 'batch' } }, schema: { tags: ['benefits'], summary: '兑付批次详情及明细（分页）', params: IdParams, querystring: ItemsQuery } }, async (req) => {
    const b = await visibleBatch(ctx, req.user!, (req.params as { id: number }).id);
    const q = req.query as Static<typeof ItemsQuery>;
    const items = await batchItems(db, b.id, { ...q, state: q.state as ItemState | undefined });
    return { ...b, canManage: canManage(req.user!, b.department), items: items.items, itemsTotal: items.total, page: q.page, pageSize: q.pageSize };
  });

  app.get('/benefits/batches/:id/items.xlsx', { config: { access: STAFF, scope: { param: 'id', owner: 'batch' } }, schema: { tags: ['benefits'], summary: '导出兑付明细（Excel）', params: IdParams } }, async (req, reply) => {
    const b = await visibleBatch(ctx, req.user!, (req.params as { id: number }).id);
    const { items } = await batchItems(db, b.id, { page: 1, pageSize: 1_000_000 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('兑付明细');
    ws.addRow(['序号', '统一社会信用代码', '企业名称', '金额（元）', '状态', '说明', '支付参考号', '发放时间']).font = { bold: true };
    for (const it of items) ws.addRow([it.seq, it.uscc, it.name, it.amountFen / 100, it.stateLabel, it.reason ?? '', it.paymentRef, it.paidAt ?? '']);
    for (const [i, w] of [8, 22, 36, 14, 16, 36, 66, 26].entries()) ws.getColumn(i + 1).width = w;
    ws.getColumn(4).numFmt = '#,##0.00';
    reply.header('content-disposition', `attachment; filename="benefit-batch-${b.id}.xlsx"; filename*=UTF-8''${encodeURIComponent(`兑付明细-${b.policyTitle}-${b.period}.xlsx`)}`);
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(Buffer.from(await wb.xlsx.writeBuffer()));
  });

  app.post('/benefits/batches/:id/approve', { config: { access: WRITERS, scope: { param: 'id', owner: 'batch' } }, schema: { tags: ['benefits'], summary: '审核通过（仅草稿；重复审核返回 409）', params: IdParams } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await visibleBatch(ctx, req.user!, id);
    await approveBatch(db, req.user!, id);
    return getBatch(db, null, id);
  });

  app.post('/benefits/batches/:id/pay', { config: { access: WRITERS, scope: { param: 'id', owner: 'batch' } }, schema: { tags: ['benefits'], summary: '发放：支付未支付的明细（可重复调用，不会重复支付）', params: IdParams } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await visibleBatch(ctx, req.user!, id);
    const r = await payBatch(db, actorOf(req.user!), req.user!, id);
    return { ...(await getBatch(db, null, id)), paidNow: r.paidNow };
  });

  // 已享受 (E-3): an enterprise sees only its own; staff per their data scope.
  app.get('/enterprises/:uscc/benefits', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['benefits'], summary: '企业已享受的政策兑付', params: Type.Object({ uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$' }) }) } }, async (req) => {
    const row = await findEnterprise(db, (req.params as { uscc: string }).uscc.toUpperCase());
    if (!row) throw Errors.notFound('企业');
    await assertCanSee(db, req.user!, row);
    return (await ledgerForEnterprise(db, row.uscc)).map(({ policyId, title, version, period, amountFen, paidAt }) => ({ policyId, title, version, period, amountFen, paidAt }));
  });
}
