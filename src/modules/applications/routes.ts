import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuthUser } from '../../platform/access.ts';
import { actorOf, appendAudit } from '../../platform/audit.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { checkUploadType, FileStore, KNOWN_UPLOAD_TYPES, readUpload } from '../../platform/files.ts';
import { idempotentReply } from '../../platform/idempotency.ts';
import type { AppContext } from '../../platform/module.ts';
import { todayInShanghai } from '../../platform/clock.ts';
import { act, addFile, createApplication, loadApplyPolicy, loadVisible, removeFile, updateForm } from './commands.ts';
import type { ApplicationAction, ApplicationStatus } from './domain/state.ts';
import { applicationDetail, listApplications } from './queries.ts';
import { DEFAULT_ALLOWED_TYPES, MAX_FILE_BYTES_CEILING, settingsFor } from './settings.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const FileParams = Type.Object({ id: Type.Integer({ minimum: 1 }), fileId: Type.Integer({ minimum: 1 }) });
const STATUSES = ['draft', 'submitted', 'returned', 'approved', 'rejected'] as const;
const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
  policyId: Type.Optional(Type.Integer({ minimum: 1 })),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
const FormPatch = Type.Object(
  {
    contactName: Type.Optional(Type.String({ maxLength: 50 })),
    contactPhone: Type.Optional(Type.String({ maxLength: 30 })),
    // Null first: with type coercion a null would otherwise become 0.
    requestedAmountFen: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1e13 })])),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const Approve = Type.Object({ amountFen: Type.Integer({ minimum: 1, maximum: 1e13 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
const Settings = Type.Object(
  {
    reviewDays: Type.Integer({ minimum: 1, maximum: 60 }),
    supplementDays: Type.Integer({ minimum: 1, maximum: 60 }),
    allowedTypes: Type.Array(Type.Union(Object.keys(KNOWN_UPLOAD_TYPES).map((k) => Type.Literal(k))), { minItems: 1, uniqueItems: true }),
    maxFileBytes: Type.Integer({ minimum: 1024, maximum: MAX_FILE_BYTES_CEILING }),
  },
  { additionalProperties: false },
);
const REVIEWERS = ['admin', 'dept'] as const;
const READERS = ['admin', 'dept', 'leader', 'enterprise'] as const;

export async function applicationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx;
  const store = new FileStore(ctx.config.dataDir);
  const tags = ['applications'];

  app.post('/policies/:id/applications', { config: { access: ['enterprise'], scope: { param: 'id', owner: 'policy' } }, schema: { tags, summary: '发起申报（草稿，按企业信息预填）', params: IdParams } }, async (req, reply) => {
    const r = await createApplication(db, req.user!, (req.params as { id: number }).id, todayInShanghai());
    const a = await loadVisible(db, req.user!, r.id);
    return reply.status(201).send(await applicationDetail(db, req.user!, a, todayInShanghai()));
  });

  app.get('/applications', { config: { access: READERS, scope: 'filtered' }, schema: { tags, summary: '申报列表（按数据范围）', querystring: ListQuery } }, async (req) => {
    return listApplications(db, req.user!, req.query as Static<typeof ListQuery> & { status?: ApplicationStatus }, todayInShanghai());
  });

  app.get('/applications/:id', { config: { access: READERS, scope: { param: 'id', owner: 'application' } }, schema: { tags, summary: '申报详情与办理进度', params: IdParams } }, async (req) => {
    const a = await loadVisible(db, req.user!, (req.params as { id: number }).id);
    return applicationDetail(db, req.user!, a, todayInShanghai());
  });

  app.patch('/applications/:id', { config: { access: ['enterprise'], scope: { param: 'id', owner: 'application' } }, schema: { tags, summary: '修改申报表（填报中或退回补正时）', params: IdParams, body: FormPatch } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await updateForm(db, req.user!, id, req.body as Static<typeof FormPatch>);
    return applicationDetail(db, req.user!, await loadVisible(db, req.user!, id), todayInShanghai());
  });

  app.post(
    '/applications/:id/files',
    { config: { access: ['enterprise'], scope: { param: 'id', owner: 'application' } }, schema: { tags, summary: '上传申报材料（multipart，按文件内容识别类型）', params: IdParams, querystring: Type.Object({ material: Type.Optional(Type.String({ maxLength: 200 })) }), consumes: ['multipart/form-data'] } },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      const a = await loadVisible(db, req.user!, id);
      const material = (req.query as { material?: string }).material?.trim() || null;
      const policy = await loadApplyPolicy(db, Number(a.policy_id), a.policy_version);
      if (material && policy && !policy.materials.includes(material)) throw Errors.validation('material', `“${material}”不是该政策要求的材料；可选：${policy.materials.join('、') || '无'}`);
      if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '请以 multipart/form-data 上传文件', { field: 'file' });
      const settings = await settingsFor(db, Number(a.policy_id));
      const tooLarge = () => new AppError('FILE_TOO_LARGE', 413, '文件过大', { field: 'file', detail: `单个文件上限 ${(settings.maxFileBytes / 1024 / 1024).toFixed(settings.maxFileBytes % (1024 * 1024) ? 1 : 0)} MiB`, extra: { maxFileBytes: settings.maxFileBytes } });
      // Truncated or malformed bodies and unstorable file names are 4xx (SPEC §10).
      const upload = await readUpload(req, { fileSize: settings.maxFileBytes, tooLarge });
      const buf = upload.buf;
      const filename = [...upload.filename].slice(0, 200).join('') || 'file';
      // Type by magic bytes and allow-list before anything is written; then content-addressed storage.
      const checked = await checkUploadType(buf, filename, settings.allowedTypes);
      // The enterprise must still hold the application (checked again with the row locked when recording).
      if (!(a.status === 'draft' || a.status === 'returned')) throw new AppError('APPLICATION_NOT_EDITABLE', 409, '当前状态不能修改申报');
      const stored = await store.put(buf);
      const fileId = await addFile(db, req.user!, id, { filename, material, checked, stored });
      return reply.status(201).send({ id: fileId, material, filename, ext: checked.ext, mime: checked.mime, size: stored.size, sha256: stored.hash });
    },
  );

  app.get('/applications/:id/files/:fileId', { config: { access: READERS, scope: { param: 'id', owner: 'application' } }, schema: { tags, summary: '下载申报材料（申报企业与审核部门）', params: FileParams } }, async (req, reply) => {
    const { id, fileId } = req.params as { id: number; fileId: number };
    await loadVisible(db, req.user!, id);
    const f = await db.selectFrom('application_files').selectAll().where('id', '=', fileId).where('application_id', '=', id).executeTakeFirst();
    if (!f) throw Errors.notFound('材料');
    const buf = await store.read(f.hash);
    reply.header('content-disposition', `attachment; filename="file-${fileId}.${f.ext}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
    reply.header('x-content-type-options', 'nosniff');
    return reply.type(f.mime).send(buf);
  });

  app.delete('/applications/:id/files/:fileId', { config: { access: ['enterprise'], scope: { param: 'id', owner: 'application' } }, schema: { tags, summary: '删除申报材料（填报中或退回补正时）', params: FileParams } }, async (req, reply) => {
    const { id, fileId } = req.params as { id: number; fileId: number };
    await removeFile(db, req.user!, id, fileId);
    return reply.status(204).send();
  });

  const actions: Array<{ action: ApplicationAction; access: readonly ('enterprise' | 'admin' | 'dept')[]; summary: string; body?: typeof Reason | typeof Approve }> = [
    { action: 'submit', access: ['enterprise'], summary: '提交申报（支持 Idempotency-Key）' },
    { action: 'approve', access: REVIEWERS, summary: '审核通过并核定金额（分）（支持 Idempotency-Key）', body: Approve },
    { action: 'reject', access: REVIEWERS, summary: '审核不通过（须填理由）（支持 Idempotency-Key）', body: Reason },
    { action: 'return', access: REVIEWERS, summary: '退回补正（须填补正内容）（支持 Idempotency-Key）', body: Reason },
  ];
  for (const { action, access, summary, body } of actions) {
    app.post(
      `/applications/:id/${action}`,
      { config: { access, scope: { param: 'id', owner: 'application' } }, schema: { tags, summary, params: IdParams, ...(body ? { body } : { body: Type.Optional(Type.Object({}, { additionalProperties: false })) }) } },
      async (req, reply) => {
        const id = (req.params as { id: number }).id;
        const input = (req.body ?? {}) as { amountFen?: number; reason?: string };
        return idempotentReply(db, req, reply, async (tx) => ({ status: 200, body: await act(tx, req.user!, id, action, input, todayInShanghai()) }));
      },
    );
  }

  // Per-policy settings: deadlines in working days, allowed upload types, size limit (defaults in docs/applications.md).
  async function policyForSettings(id: number, user: AuthUser, write: boolean) {
    const p = await db.selectFrom('policies').select(['id', 'department', 'status']).where('id', '=', id).executeTakeFirst();
    if (!p) throw Errors.notFound('政策');
    const staff = user.role === 'admin' || user.role === 'leader' || (user.role === 'dept' && user.department === p.department);
    // Others see the settings of published policies only (what they may upload); drafts do not exist for them.
    if (!staff && p.status !== 'published') throw Errors.notFound('政策');
    if (write && !staff) throw Errors.forbidden('只能设置本部门政策的申报规则');
    return p;
  }
  app.get('/policies/:id/application-settings', { config: { access: 'authenticated', scope: { param: 'id', owner: 'policy' } }, schema: { tags, summary: '政策的申报设置（期限、材料类型、大小上限）', params: IdParams } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await policyForSettings(id, req.user!, false);
    const s = await settingsFor(db, id);
    return { policyId: id, ...s, defaults: { allowedTypes: DEFAULT_ALLOWED_TYPES } };
  });
  app.put('/policies/:id/application-settings', { config: { access: REVIEWERS, scope: { param: 'id', owner: 'policy-internal' } }, schema: { tags, summary: '修改政策的申报设置', params: IdParams, body: Settings } }, async (req) => {
    const id = (req.params as { id: number }).id;
    await policyForSettings(id, req.user!, true);
    const b = req.body as Static<typeof Settings>;
    await db.transaction().execute(async (tx) => {
      const values = { review_days: b.reviewDays, supplement_days: b.supplementDays, allowed_types: b.allowedTypes, max_file_bytes: b.maxFileBytes, updated_by: req.user!.username, updated_at: new Date() };
      await tx.insertInto('application_settings').values({ policy_id: id, ...values }).onConflict((oc) => oc.column('policy_id').doUpdateSet(values)).execute();
      await appendAudit(tx, actorOf(req.user!), { action: 'application.settings', target: `policy:${id}`, change: b });
    });
    return { policyId: id, ...(await settingsFor(db, id)) };
  });
}
