import { Type, type Static } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import type { Db } from '../../platform/db/schema.ts';
import { verifyAudit } from '../../platform/audit.ts';
import { anchorSettings, anchorWorker, checkpointJob, CHECKPOINT_JOB } from '../../platform/audit-anchor.ts';
import type { ModuleManifest } from '../../platform/module.ts';

const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
});

const Item = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  role: Type.String(),
  action: Type.String(),
  target: Type.String(),
  digest: Type.String(),
  hash: Type.String(),
});

const Range = Type.Union([Type.Object({ from: Type.Integer(), to: Type.Integer() }), Type.Null()]);

/** The verification result; `anchor` tells how the chain stands against the signed checkpoints outside the database. */
const VerifyResult = Type.Object({
  ok: Type.Boolean(),
  count: Type.Integer(),
  firstBad: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String(), message: Type.String() })),
  anchor: Type.Optional(
    Type.Object({
      status: Type.Union([Type.Literal('anchored'), Type.Literal('unanchored'), Type.Literal('broken')]),
      missing: Type.Optional(Type.Union([Type.Literal('KEY'), Type.Literal('LOG'), Type.Literal('CHECKPOINT')])),
      message: Type.String(),
      keySource: Type.Union([Type.Literal('config'), Type.Literal('file'), Type.Null()]),
      keyFile: Type.Union([Type.String(), Type.Null()]),
      log: Type.Union([Type.String(), Type.Null()]),
      kids: Type.Array(Type.String()),
      checkpoints: Type.Integer(),
      latest: Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String(), at: Type.String(), kid: Type.String() }), Type.Null()]),
      protected: Range,
      unprotected: Range,
      problem: Type.Optional(Type.Object({ line: Type.Union([Type.Integer(), Type.Null()]), seq: Type.Union([Type.Integer(), Type.Null()]), reason: Type.String(), message: Type.String() })),
      warnings: Type.Array(Type.String()),
    }),
  ),
});

type Filter = { actor?: string; action?: string };

function filtered(db: Db, q: Filter) {
  let base = db.selectFrom('audit_log');
  if (q.actor) base = base.where('actor', 'like', `${q.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (q.action) base = base.where('action', 'like', `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return base;
}

/**
 * 审计日志: read and verify the hash-chained audit log (SPEC F-4), and anchor
 * it with signed checkpoints outside the database (§11): a recurring durable
 * job, plus one at server start and stop. Admin only.
 */
export const auditModule: ModuleManifest = {
  name: 'audit',
  jobs: { [CHECKPOINT_JOB]: checkpointJob },
  workers: (ctx) => anchorWorker(ctx.db, ctx.config, ctx.log),
  async routes(app, { db, config }) {
    app.get(
      '/audit',
      { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['audit'], summary: '审计日志', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(Item), total: Type.Integer() }) } } },
      async (req) => {
        const q = req.query as Static<typeof ListQuery>;
        const base = filtered(db, q);
        const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
        const rows = await base
          .select(['seq', 'at', 'actor', 'role', 'action', 'target', 'digest', 'hash'])
          .orderBy('seq', 'desc')
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize)
          .execute();
        return { total: Number(total), items: rows.map((r) => ({ ...r, seq: Number(r.seq), at: new Date(r.at).toISOString() })) };
      },
    );
    app.get(
      '/audit/export.xlsx',
      { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['audit'], summary: '导出审计日志（Excel）', querystring: Type.Omit(ListQuery, ['page', 'pageSize']) } },
      async (req, reply) => {
        const rows = await filtered(db, req.query as Filter).select(['seq', 'at', 'actor', 'role', 'action', 'target', 'digest', 'hash']).orderBy('seq').limit(1_000_000).execute();
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('审计日志');
        ws.addRow(['序号', '时间', '操作人', '角色', '操作', '对象', '变更摘要(SM3)', '记录哈希(SM3)']).font = { bold: true };
        for (const r of rows) ws.addRow([Number(r.seq), new Date(r.at).toISOString(), r.actor, r.role, r.action, r.target, r.digest, r.hash]);
        ws.columns.forEach((c, i) => (c.width = i >= 6 ? 66 : 18));
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="audit.xlsx"; filename*=UTF-8''${encodeURIComponent('审计日志.xlsx')}`)
          .send(Buffer.from(await wb.xlsx.writeBuffer()));
      },
    );
    app.get(
      '/audit/verify',
      {
        config: { access: ['admin'], scope: 'global' },
        schema: {
          tags: ['audit'],
          summary: '校验审计哈希链（含链外签名检查点）',
          response: { 200: VerifyResult },
        },
      },
      async () => verifyAudit(db, { anchor: anchorSettings(config) }),
    );
  },
};
