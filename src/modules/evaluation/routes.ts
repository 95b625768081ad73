import { Type } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../../platform/errors.ts';
import type { AppContext } from '../../platform/module.ts';
import { evaluateDepartments, evaluatePolicies, scopeDepartment, type DepartmentEvaluation, type PolicyEvaluation } from './queries.ts';

const EVALUATORS = ['admin', 'leader', 'dept'] as const;
const tags = ['evaluation'];
const DeptQuery = Type.Object({ department: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) });
const MODE_LABELS: Record<string, string> = { apply: '申报', auto: '免申即享' };
const yuan = (fen: number) => fen / 100;

function addSheet(wb: ExcelJS.Workbook, name: string, header: string[], rows: unknown[][], widths: number[], moneyCols: number[]): void {
  const ws = wb.addWorksheet(name);
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  for (const [i, w] of widths.entries()) ws.getColumn(i + 1).width = w;
  for (const c of moneyCols) ws.getColumn(c).numFmt = '#,##0.00';
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

export async function evaluationWorkbook(policies: PolicyEvaluation[], departments: DepartmentEvaluation[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  addSheet(
    wb,
    '按部门',
    ['部门', '政策数', '符合条件', '已推送', '已申报', '已核准', '已兑付（户）', '兑付金额（元）', '兑付用时中位数（天）'],
    departments.map((d) => [d.departmentName, d.policies, d.eligible, d.notified, d.applied, d.approved, d.paidCount, yuan(d.paidFen), d.medianDaysToPayment ?? '']),
    [20, 10, 12, 12, 12, 12, 14, 18, 22],
    [8],
  );
  addSheet(
    wb,
    '按政策',
    ['政策编号', '政策名称', '部门', '方式', '状态', '符合条件', '已推送', '已申报', '已核准', '已兑付（户）', '兑付金额（元）', '兑付用时中位数（天）'],
    policies.map((p) => [p.policyId, p.title, p.departmentName, MODE_LABELS[p.mode] ?? p.mode, p.status, p.eligible, p.notified, p.applied ?? '', p.approved, p.paidCount, yuan(p.paidFen), p.medianDaysToPayment ?? '']),
    [10, 40, 20, 10, 10, 12, 12, 12, 12, 14, 18, 22],
    [11],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function evaluationRoutes(app: FastifyInstance, { db }: AppContext): Promise<void> {
  app.get('/evaluation/policies', { config: { access: EVALUATORS, scope: { param: 'department', in: 'query', owner: 'department' } }, schema: { tags, summary: '政策评估：按政策（部门人员只见本部门）', querystring: DeptQuery } }, async (req) => {
    return { items: await evaluatePolicies(db, req.user!, (req.query as { department?: string }).department) };
  });

  app.get('/evaluation/departments', { config: { access: EVALUATORS, scope: 'filtered' }, schema: { tags, summary: '政策评估：按部门汇总（领导与管理员并列查看全部部门）' } }, async (req) => {
    return { items: await evaluateDepartments(db, req.user!) };
  });

  app.get('/evaluation/export.xlsx', { config: { access: EVALUATORS, scope: { param: 'department', in: 'query', owner: 'department' } }, schema: { tags, summary: '导出政策评估（Excel：按部门、按政策两张表）', querystring: DeptQuery } }, async (req, reply) => {
    const department = (req.query as { department?: string }).department;
    const policies = await evaluatePolicies(db, req.user!, department);
    const scope = scopeDepartment(req.user!, department);
    const departments = (await evaluateDepartments(db, req.user!)).filter((d) => !scope || d.department === scope);
    reply.header('content-disposition', `attachment; filename="evaluation.xlsx"; filename*=UTF-8''${encodeURIComponent('政策评估.xlsx')}`);
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await evaluationWorkbook(policies, departments));
  });

  // 部门提醒: reminders to a department's staff (审核即将到期 …). Admin sees every department's.
  app.get(
    '/staff-messages',
    { config: { access: ['dept', 'admin'], scope: 'filtered' }, schema: { tags, summary: '部门提醒（本部门的审核到期提醒等）', querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }) } },
    async (req) => {
      const user = req.user!;
      const { page, pageSize } = req.query as { page: number; pageSize: number };
      let base = db.selectFrom('staff_messages');
      if (user.role !== 'admin') base = base.where('department', '=', user.department ?? '');
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      const { unread } = await base.where('read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('unread')).executeTakeFirstOrThrow();
      const rows = await base.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
      return {
        total: Number(total),
        unread: Number(unread),
        items: rows.map((m) => ({ id: Number(m.id), department: m.department, kind: m.kind, title: m.title, body: m.body, link: m.link, createdAt: new Date(m.created_at).toISOString(), read: m.read_at !== null })),
      };
    },
  );

  app.post('/staff-messages/:id/read', { config: { access: ['dept', 'admin'], scope: { param: 'id', owner: 'staff-message' } }, schema: { tags, summary: '部门提醒标记已读', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, async (req, reply) => {
    const user = req.user!;
    let q = db.updateTable('staff_messages').set({ read_at: sql<Date>`coalesce(read_at, now())` }).where('id', '=', (req.params as { id: number }).id);
    if (user.role !== 'admin') q = q.where('department', '=', user.department ?? '');
    const res = await q.executeTakeFirst();
    // Another department's reminder does not exist for this caller.
    if (Number(res.numUpdatedRows) === 0) throw Errors.notFound('提醒');
    return reply.status(204).send();
  });
}
