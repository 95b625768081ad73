import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { findIndustry } from '../../core/codes/industry.ts';
import { findDistrict, findTownship } from '../../core/codes/divisions.ts';
import type { AuthUser } from '../../platform/access.ts';
import { actorOf, appendAudit } from '../../platform/audit.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { readUpload } from '../../platform/files.ts';
import { signingKey } from '../../platform/keys.ts';
import type { AppContext, EnterprisePageSection } from '../../platform/module.ts';
import { addAttribute, loadCatalog } from './catalog.ts';
import { importEnterprises, saveEnterprise } from './commands.ts';
import { signEnterpriseCode, verifyEnterpriseCode } from './domain/enterprise-code.ts';
import { enterpriseHistory, listEnterprises, toView, type EnterpriseFilter } from './queries.ts';
import { enterpriseMask, personalAttributes } from './masking.ts';
import { assertCanSee } from './scope.ts';
import { errorReportXlsx, MAX_IMPORT_BYTES, toCsv, toXlsx } from './spreadsheet.ts';
import { findEnterprise, rowToFlat } from './store.ts';

const USCC_PARAM = Type.Object({ uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$' }) });
const Filter = {
  q: Type.Optional(Type.String({ maxLength: 100 })),
  street: Type.Optional(Type.String({ maxLength: 12 })),
  industry: Type.Optional(Type.String({ maxLength: 8 })),
  status: Type.Optional(Type.String({ maxLength: 8 })),
  tag: Type.Optional(Type.String({ maxLength: 40 })),
};
const ListQuery = Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }), ...Filter });
const ExportQuery = Type.Object(Filter);
const AttributeBody = Type.Object(
  {
    key: Type.String({ maxLength: 41 }),
    label: Type.String({ minLength: 1, maxLength: 40 }),
    type: Type.Union(['number', 'money', 'date', 'enum', 'tags', 'text', 'boolean'].map((t) => Type.Literal(t))),
    unit: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 10 })])),
    options: Type.Optional(Type.Union([Type.Null(), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 200 })])),
    description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 500 })])),
    personal: Type.Optional(Type.Boolean({ description: '个人信息（如姓名、身份证号）：除管理员和企业本身外脱敏显示；须为文本类型' })),
  },
  { additionalProperties: false },
);
// Enterprise bodies are checked against the attribute catalog (which changes at runtime), not a fixed schema.
const EnterpriseBody = Type.Record(Type.String({ maxLength: 41 }), Type.Unknown(), { maxProperties: 200 });

const CODE_TTL_SEC = 365 * 24 * 3600;
const EXPORT_LIMIT = 1_000_000;


function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

async function loadVisible(ctx: AppContext, user: AuthUser, uscc: string) {
  const row = await findEnterprise(ctx.db, uscc.toUpperCase());
  if (!row) throw Errors.notFound('企业');
  await assertCanSee(ctx.db, user, row);
  return row;
}

export async function enterpriseRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  const district = '310112';
  const personal = async () => personalAttributes(await loadCatalog(db));
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5 } });

  app.get('/enterprises', { config: { access: 'authenticated', scope: 'filtered' }, schema: { tags: ['enterprises'], summary: '企业名录（按数据范围）', querystring: ListQuery } }, async (req) => {
    const q = req.query as Static<typeof ListQuery>;
    return listEnterprises(db, req.user!, q);
  });

  for (const format of ['xlsx', 'csv'] as const) {
    app.get(`/enterprises/export.${format}`, { config: { access: 'authenticated', scope: 'filtered' }, schema: { tags: ['enterprises'], summary: `导出企业名录（${format}）`, querystring: ExportQuery } }, async (req, reply) => {
      const f = req.query as EnterpriseFilter;
      const [{ items }, catalog] = await Promise.all([listEnterprises(db, req.user!, { ...f, page: 1, pageSize: EXPORT_LIMIT }), loadCatalog(db)]);
      const name = encodeURIComponent(`企业名录.${format}`);
      reply.header('content-disposition', `attachment; filename="enterprises.${format}"; filename*=UTF-8''${name}`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(items, catalog));
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(items, catalog));
    });
  }

  app.get('/enterprises/:uscc', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '企业详情', params: USCC_PARAM } }, async (req) => {
    const row = await loadVisible(ctx, req.user!, (req.params as { uscc: string }).uscc);
    return toView(row, req.user!, await personal());
  });

  app.get('/enterprises/:uscc/history', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '企业信息变更记录', params: USCC_PARAM } }, async (req) => {
    const row = await loadVisible(ctx, req.user!, (req.params as { uscc: string }).uscc);
    return { items: maskHistory(await enterpriseHistory(db, row.uscc), req.user!, row.uscc, await personal()) };
  });

  // 一企一页 (E-3): profile, attributes, sections other modules register, history.
  app.get('/enterprises/:uscc/page', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '一企一页', params: USCC_PARAM } }, async (req) => {
    const user = req.user!;
    const row = await loadVisible(ctx, user, (req.params as { uscc: string }).uscc);
    const catalog = await loadCatalog(db);
    const view = toView(row, user, personalAttributes(catalog));
    const attributes = [...catalog.values()].map((a) => ({
      key: a.key,
      label: a.label,
      type: a.type,
      unit: a.unit ?? null,
      builtin: a.builtin,
      value: a.builtin ? ((view as unknown as Record<string, unknown>)[a.key] ?? null) : (view.attrs[a.key] ?? null),
    }));
    const filled = (await Promise.all(ctx.contributions.enterprisePage.map((s) => s(ctx, row.uscc, user)))).filter((s): s is EnterprisePageSection => s !== null && s.items.length > 0);
    // Sections come from other modules: whatever they quote of this enterprise is masked by the same rule.
    const sections = enterpriseMask(user, row.uscc, rowToFlat(row), personalAttributes(catalog)).quoted(filled);
    return { enterprise: view, attributes, sections, history: maskHistory(await enterpriseHistory(db, row.uscc, 50), user, row.uscc, personalAttributes(catalog)) };
  });

  app.post('/enterprises', { config: { access: ['admin', 'dept'], scope: 'global' }, schema: { tags: ['enterprises'], summary: '新增企业', body: EnterpriseBody } }, async (req, reply) => {
    const uscc = await saveEnterprise(db, req.user!, actorOf(req.user!), req.body as Record<string, unknown>, 'create', district);
    return reply.status(201).send(toView((await findEnterprise(db, uscc))!, req.user!, await personal()));
  });

  app.patch('/enterprises/:uscc', { config: { access: ['admin', 'dept', 'enterprise'], scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '更新企业信息（企业本身只能更新自报信息）', params: USCC_PARAM, body: EnterpriseBody } }, async (req) => {
    const user = req.user!;
    const row = await loadVisible(ctx, user, (req.params as { uscc: string }).uscc);
    const body = req.body as Record<string, unknown>;
    if (body.uscc !== undefined && (typeof body.uscc !== 'string' || body.uscc.toUpperCase() !== row.uscc)) throw Errors.validation('uscc', '统一社会信用代码不可修改');
    await saveEnterprise(db, user, actorOf(user), { ...body, uscc: row.uscc }, 'update', district);
    return toView((await findEnterprise(db, row.uscc))!, user, await personal());
  });

  app.post('/enterprises/import', { config: { access: ['admin', 'dept'], scope: 'global' }, schema: { tags: ['enterprises'], summary: '导入企业（CSV / Excel，按统一社会信用代码更新或新增）', consumes: ['multipart/form-data'] } }, async (req) => {
    // Truncated or malformed bodies and unstorable file names are 4xx (SPEC §10).
    const { filename, buf } = await readUpload(req, { fileSize: MAX_IMPORT_BYTES, tooLarge: () => new AppError('PAYLOAD_TOO_LARGE', 413, '文件过大', { field: 'file', detail: `上限 ${MAX_IMPORT_BYTES / 1024 / 1024} MiB` }) });
    return importEnterprises(db, actorOf(req.user!), filename, buf, district);
  });

  const ImportParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
  // An import belongs to its uploader's department: admin sees all, department staff their own department's (another's does not exist for them).
  async function loadImport(user: AuthUser, id: number) {
    const imp = await db.selectFrom('enterprise_imports as i').leftJoin('users as u', 'u.username', 'i.actor').selectAll('i').select('u.department as uploaderDepartment').where('i.id', '=', id).executeTakeFirst();
    if (!imp || (user.role !== 'admin' && (!imp.uploaderDepartment || imp.uploaderDepartment !== user.department))) throw Errors.notFound('导入记录');
    const { uploaderDepartment: _d, ...row } = imp;
    return row;
  }
  app.get('/enterprises/imports/:id', { config: { access: ['admin', 'dept'], scope: { param: 'id', owner: 'import' } }, schema: { tags: ['enterprises'], summary: '导入结果（本部门的导入）', params: ImportParams } }, async (req) => {
    const imp = await loadImport(req.user!, (req.params as { id: number }).id);
    return { ...imp, id: Number(imp.id), at: new Date(imp.at).toISOString() };
  });
  app.get('/enterprises/imports/:id/errors.xlsx', { config: { access: ['admin', 'dept'], scope: { param: 'id', owner: 'import' } }, schema: { tags: ['enterprises'], summary: '导入错误明细（Excel）', params: ImportParams } }, async (req, reply) => {
    const id = (req.params as { id: number }).id;
    const imp = await loadImport(req.user!, id);
    reply.header('content-disposition', `attachment; filename="import-${id}-errors.xlsx"; filename*=UTF-8''${encodeURIComponent(`导入错误明细-${id}.xlsx`)}`);
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await errorReportXlsx(imp.errors, await loadCatalog(db)));
  });

  app.get('/enterprise-attributes', { config: { access: 'authenticated', scope: 'none' }, schema: { tags: ['enterprises'], summary: '企业属性目录' } }, async () => ({ items: [...(await loadCatalog(db)).values()].map(({ key, label, type, unit, options, description, builtin, personal }) => ({ key, label, type, unit: unit ?? null, options: options ?? null, description: description ?? null, builtin, personal: personal === true })) }));
  app.post('/enterprise-attributes', { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['enterprises'], summary: '新增企业属性（政策规则可立即使用）', body: AttributeBody } }, async (req, reply) => {
    const def = await addAttribute(db, actorOf(req.user!), req.body as Parameters<typeof addAttribute>[2]);
    return reply.status(201).send(def);
  });

  app.post('/enterprises/:uscc/assignments', { config: { access: ['admin'], scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '指派企业服务专员', params: USCC_PARAM, body: Type.Object({ userId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } }, async (req, reply) => {
    const row = await loadVisible(ctx, req.user!, (req.params as { uscc: string }).uscc);
    const userId = (req.body as { userId: number }).userId;
    const target = await db.selectFrom('users').select(['id', 'role']).where('id', '=', userId).executeTakeFirst();
    if (!target || target.role !== 'specialist') throw Errors.validation('userId', '只能指派企业服务专员');
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('enterprise_assignments').values({ uscc: row.uscc, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
      await appendAudit(tx, actorOf(req.user!), { action: 'enterprise.assign', target: `enterprise:${row.uscc}`, change: { userId } });
    });
    return reply.status(204).send();
  });

  // 企业码 (E-4)
  app.get('/enterprises/:uscc/code', { config: { access: 'authenticated', scope: { param: 'uscc', owner: 'enterprise' } }, schema: { tags: ['enterprises'], summary: '企业码（SM2 签名，二维码）', params: USCC_PARAM } }, async (req) => {
    const row = await loadVisible(ctx, req.user!, (req.params as { uscc: string }).uscc);
    const key = await signingKey(db, 'enterprise-code');
    const now = Math.floor(Date.now() / 1000);
    const token = signEnterpriseCode(row.uscc, key, now, CODE_TTL_SEC);
    const url = `${originOf(req)}/ec/${token}`;
    return { uscc: row.uscc, token, url, expiresAt: new Date((now + CODE_TTL_SEC) * 1000).toISOString(), qr: await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 320 }) };
  });

  app.get('/public/enterprise-codes/public-key', { config: { access: 'public', scope: 'none' }, schema: { tags: ['public'], summary: '企业码验签公钥（SM2）' } }, async () => {
    const key = await signingKey(db, 'enterprise-code');
    return { algorithm: 'SM2', hash: 'SM3', kid: key.kid, publicKey: key.publicKey, format: 'EC1.<base64url(payload)>.<hex r||s over "EC1.<payload>">' };
  });

  app.get('/public/enterprise-codes/verify', { config: { access: 'public', scope: 'none' }, schema: { tags: ['public'], summary: '核验企业码', querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 2000 }) }) } }, async (req) => {
    const key = await signingKey(db, 'enterprise-code');
    const check = verifyEnterpriseCode((req.query as { token: string }).token, new Map([[key.kid, key.publicKey]]), Math.floor(Date.now() / 1000));
    if (!check.ok) throw new AppError(check.code, 400, check.reason);
    const row = await findEnterprise(db, check.payload.u);
    if (!row) throw new AppError('ENTERPRISE_CODE_UNKNOWN_ENTERPRISE', 400, '企业码对应的企业不存在');
    // The public, scope-limited view: registration facts only, nothing personal or financial.
    return {
      valid: true,
      expiresAt: new Date(check.payload.exp * 1000).toISOString(),
      enterprise: {
        uscc: row.uscc,
        name: row.name,
        status: row.status,
        entityType: row.entity_type,
        industry: row.industry,
        industryName: row.industry ? (findIndustry(row.industry)?.name ?? null) : null,
        established: row.established,
        districtName: findDistrict(row.district)?.name ?? null,
        streetName: row.street ? (findTownship(row.street)?.name ?? null) : null,
        tags: row.tags,
      },
    };
  });
}

/** Change history with personal attributes' before and after masked by the one rule. */
function maskHistory<T extends { changes: Array<{ field: string; before: unknown; after: unknown }> }>(items: T[], viewer: AuthUser, uscc: string, personal: ReadonlySet<string>): T[] {
  return items.map((h) => ({
    ...h,
    changes: h.changes.map((c) => {
      if (!personal.has(c.field)) return c;
      const m = (v: unknown): unknown => enterpriseMask(viewer, uscc, { [c.field]: v }, personal).values[c.field];
      return { field: c.field, before: m(c.before), after: m(c.after) };
    }),
  }));
}
