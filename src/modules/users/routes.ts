import { Type, type Static } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { ROLE_LABELS, ROLES, type AuthUser, type Role } from '../../platform/access.ts';
import { LoginThrottle } from '../../platform/auth/rate-limit.ts';
import { actorOf } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/module.ts';
import { AppError } from '../../platform/errors.ts';
import { SESSION_COOKIE } from '../../platform/http.ts';
import { enterpriseName } from '../enterprises/index.ts';
import { orgUnitName } from '../org/index.ts';
import { changeOwnPassword, checkCredentials, closeSession, createApiToken, createUser, openSession } from './commands.ts';
import { toPublicUser, USERNAME_PATTERN } from './domain.ts';
import { listUsers, type UserFilter } from './queries.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const PublicUserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  department: Type.Optional(Type.String()),
  street: Type.Optional(Type.String()),
  uscc: Type.Optional(Type.String()),
  scopeName: Type.Optional(Type.String()),
});
const SessionReply = Type.Object({ user: PublicUserSchema, csrfToken: Type.String() });
const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(RoleSchema),
});
const ListItem = Type.Composite([PublicUserSchema, Type.Object({ createdAt: Type.String(), disabled: Type.Boolean() })]);

async function publicUser(ctx: AppContext, u: AuthUser) {
  const scopeCode = u.department ?? u.street;
  if (scopeCode) return toPublicUser(u, await orgUnitName(ctx.db, scopeCode));
  return toPublicUser(u, u.uscc ? ((await enterpriseName(ctx.db, u.uscc)) ?? u.uscc) : null);
}

export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db, config } = ctx;
  const byUser = new LoginThrottle(5, 15 * 60 * 1000);
  const byAddress = new LoginThrottle(30, 15 * 60 * 1000);

  app.post(
    '/auth/login',
    {
      config: { access: 'public', scope: 'self' },
      schema: {
        tags: ['auth'],
        summary: '用户名密码登录，返回会话 Cookie 与 CSRF 令牌',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: SessionReply },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      const wait = Math.max(byUser.blockedFor([username]), byAddress.blockedFor([req.ip]));
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new AppError('TOO_MANY_ATTEMPTS', 429, '尝试次数过多，请稍后再试', { detail: `请在 ${wait} 秒后重试` });
      }
      const user = await checkCredentials(db, username, password);
      if (!user) {
        byUser.fail([username]);
        byAddress.fail([req.ip]);
        throw new AppError('INVALID_CREDENTIALS', 401, '用户名或密码错误');
      }
      byUser.succeed([username]);
      const s = await openSession(db, user);
      reply.setCookie(SESSION_COOKIE, s.sessionId, { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/', expires: s.expiresAt });
      return { user: await publicUser(ctx, user), csrfToken: s.csrfToken };
    },
  );

  app.get(
    '/auth/me',
    { config: { access: 'authenticated', scope: 'self' }, schema: { tags: ['auth'], summary: '当前用户', response: { 200: Type.Object({ user: PublicUserSchema, csrfToken: Type.Union([Type.Null(), Type.String()]) }) } } },
    async (req) => ({ user: await publicUser(ctx, req.user!), csrfToken: req.csrfToken }),
  );

  app.post('/auth/logout', { config: { access: 'authenticated', scope: 'self' }, schema: { tags: ['auth'], summary: '退出登录' } }, async (req, reply) => {
    if (req.sessionHash) await closeSession(db, req.user!, req.sessionHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.post(
    '/auth/password',
    {
      config: { access: 'authenticated', scope: 'self' },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码',
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const body = req.body as { currentPassword: string; newPassword: string };
      await changeOwnPassword(db, req.user!, req.sessionHash, body.currentPassword, body.newPassword);
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/tokens',
    {
      config: { access: 'authenticated', scope: 'self' },
      schema: {
        tags: ['auth'],
        summary: '为当前用户创建 API 令牌（仅显示一次）',
        body: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false })),
        response: { 201: Type.Object({ id: Type.Integer(), token: Type.String() }) },
      },
    },
    async (req, reply) => {
      const name = (req.body as { name?: string } | undefined)?.name ?? 'api';
      const t = await createApiToken(db, actorOf(req.user!), req.user!.id, name);
      return reply.status(201).send(t);
    },
  );

  app.get(
    '/users',
    { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['users'], summary: '用户列表', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(ListItem), total: Type.Integer() }) } } },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      return listUsers(db, q);
    },
  );

  app.get(
    '/users/export.xlsx',
    { config: { access: ['admin'], scope: 'global' }, schema: { tags: ['users'], summary: '导出用户列表（Excel）', querystring: Type.Omit(ListQuery, ['page', 'pageSize']) } },
    async (req, reply) => {
      const filter = req.query as UserFilter;
      const { items } = await listUsers(db, { ...filter, page: 1, pageSize: 100_000 });
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('用户');
      ws.columns = [
        { header: 'ID', key: 'id', width: 8 },
        { header: '用户名', key: 'username', width: 16 },
        { header: '姓名', key: 'displayName', width: 16 },
        { header: '角色', key: 'role', width: 16 },
        { header: '所属范围', key: 'scope', width: 24 },
        { header: '状态', key: 'status', width: 8 },
        { header: '创建时间', key: 'createdAt', width: 22 },
      ];
      for (const u of items) {
        ws.addRow({ id: u.id, username: u.username, displayName: u.displayName, role: ROLE_LABELS[u.role as Role], scope: u.scopeName ?? u.uscc ?? '', status: u.disabled ? '停用' : '启用', createdAt: u.createdAt });
      }
      ws.getRow(1).font = { bold: true };
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="users.xlsx"; filename*=UTF-8''${encodeURIComponent('用户列表.xlsx')}`)
        .send(buf);
    },
  );

  app.post(
    '/users',
    {
      config: { access: ['admin'], scope: 'global' },
      schema: {
        tags: ['users'],
        summary: '新建用户',
        body: Type.Object(
          {
            username: Type.String({ pattern: USERNAME_PATTERN }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
            displayName: Type.Optional(Type.String({ maxLength: 64 })),
            role: RoleSchema,
            department: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
            street: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
            uscc: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 32 })])),
          },
          { additionalProperties: false },
        ),
        response: { 201: PublicUserSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as Parameters<typeof createUser>[2];
      const user = await createUser(db, actorOf(req.user!), body);
      return reply.status(201).send(await publicUser(ctx, user));
    },
  );
}
