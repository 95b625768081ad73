import { Type, type Static } from '@sinclair/typebox';
import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ROLE_LABELS, ROLES, type AuthUser, type Role } from '../../platform/access.ts';
import { actorOf } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { AppContext } from '../../platform/module.ts';
import { SESSION_COOKIE } from '../../platform/http.ts';
import { enterpriseName } from '../enterprises/index.ts';
import { orgUnitName } from '../org/index.ts';
import { changeOwnPassword, closeSession, createUser, login, openSession, setPassword } from './commands.ts';
import { TOKEN_MAX_DAYS, TOKEN_STATUSES, toPublicUser, USERNAME_PATTERN, type TokenStatus } from './domain.ts';
import { listUsers, type UserFilter } from './queries.ts';
import { createApiToken, listTokens, revokeToken } from './tokens.ts';

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
const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  userId: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.Null(), Type.String()]),
  expiresAt: Type.Union([Type.Null(), Type.String()]),
  revokedAt: Type.Union([Type.Null(), Type.String()]),
  status: Type.Union(TOKEN_STATUSES.map((s) => Type.Literal(s))),
});
const TokenPage = Type.Object({ items: Type.Array(TokenSchema), total: Type.Integer() });
const TokenListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.Union(TOKEN_STATUSES.map((s) => Type.Literal(s)))),
});
const ListItem = Type.Composite([PublicUserSchema, Type.Object({ createdAt: Type.String(), disabled: Type.Boolean() })]);

async function publicUser(ctx: AppContext, u: AuthUser) {
  const scopeCode = u.department ?? u.street;
  if (scopeCode) return toPublicUser(u, await orgUnitName(ctx.db, scopeCode));
  return toPublicUser(u, u.uscc ? ((await enterpriseName(ctx.db, u.uscc)) ?? u.uscc) : null);
}

/** A 429 from the throttle carries Retry-After (seconds), as RFC 9110 §10.2.3 asks. */
async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError && err.status === 429) reply.header('retry-after', String(err.extra?.retryAfter ?? 60));
    throw err;
  }
}

export async function userRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db, config } = ctx;

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
      // Throttled per username at this address and per address (docs/operations.md "Login throttle").
      const user = await withRetryAfter(reply, () => login(db, username, password, req.ip));
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
        summary: '修改本人密码（当前密码的核对与登录一样限速；可同时吊销本人全部 API 令牌）',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
            newPassword: Type.String({ minLength: 1, maxLength: 256 }),
            revokeTokens: Type.Optional(Type.Boolean({ description: '同时吊销本人的全部 API 令牌' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const body = req.body as { currentPassword: string; newPassword: string; revokeTokens?: boolean };
      await withRetryAfter(reply, () => changeOwnPassword(db, req.user!, { sessionHash: req.sessionHash, ip: req.ip, ...body }));
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/tokens',
    {
      config: { access: 'authenticated', scope: 'self' },
      schema: { tags: ['auth'], summary: '本人的 API 令牌（不含密钥）', querystring: TokenListQuery, response: { 200: TokenPage } },
    },
    async (req) => {
      const q = req.query as Static<typeof TokenListQuery>;
      return listTokens(db, { ...q, status: q.status as TokenStatus | undefined, userId: req.user!.id });
    },
  );

  app.post(
    '/auth/tokens',
    {
      config: { access: 'authenticated', scope: 'self' },
      schema: {
        tags: ['auth'],
        summary: '为当前用户创建 API 令牌（密钥仅显示这一次）',
        body: Type.Optional(
          Type.Object(
            {
              name: Type.Optional(Type.String({ maxLength: 100, description: '用途，如 12345 热线对接' })),
              // No null branches: with type coercion on, 0 or "" would turn into null, i.e. no expiry.
              expiresAt: Type.Optional(Type.String({ maxLength: 40, description: '到期日 YYYY-MM-DD（当日北京时间结束时失效）或 RFC 3339 时间；省略则不过期' })),
              expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: TOKEN_MAX_DAYS, description: '有效天数；省略则不过期' })),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 201: Type.Object({ id: Type.Integer(), token: Type.String(), name: Type.String(), expiresAt: Type.Union([Type.Null(), Type.String()]) }) },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { name?: string; expiresAt?: string; expiresInDays?: number };
      const t = await createApiToken(db, actorOf(req.user!), req.user!.id, body.name ?? 'api', body);
      return reply.status(201).send(t);
    },
  );

  app.delete(
    '/auth/tokens/:id',
    {
      config: { access: 'authenticated', scope: { param: 'id', owner: 'token' } },
      schema: {
        tags: ['auth'],
        summary: '吊销 API 令牌（本人的；管理员可吊销任何人的）',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Object({ id: Type.Integer(), userId: Type.Integer(), name: Type.String(), alreadyRevoked: Type.Boolean() }) },
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      const user = req.user!;
      const r = await revokeToken(db, actorOf(user), id, user.role === 'admin' ? {} : { ownerId: user.id });
      return { id: r.id, userId: r.userId, name: r.name, alreadyRevoked: r.alreadyRevoked };
    },
  );

  app.get(
    '/tokens',
    {
      config: { access: ['admin'], scope: 'global' },
      schema: {
        tags: ['users'],
        summary: '全部用户的 API 令牌（不含密钥）',
        querystring: Type.Composite([TokenListQuery, Type.Object({ userId: Type.Optional(Type.Integer({ minimum: 1 })) })]),
        response: { 200: TokenPage },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof TokenListQuery> & { userId?: number };
      return listTokens(db, { ...q, status: q.status as TokenStatus | undefined });
    },
  );

  app.post(
    '/users/:id/password',
    {
      config: { access: ['admin'], scope: { param: 'id', owner: 'user' } },
      schema: {
        tags: ['users'],
        summary: '管理员重置用户密码（该用户的会话全部退出、API 令牌全部吊销）',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ userId: Type.Integer(), username: Type.String(), revokedTokens: Type.Integer(), endedSessions: Type.Integer() }) },
      },
    },
    async (req) => {
      const { id } = req.params as { id: number };
      return setPassword(db, actorOf(req.user!), { id }, (req.body as { password: string }).password);
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
