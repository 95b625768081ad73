import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { isAllowed, type Access, type AuthUser, type DataScope } from './access.ts';
import { hashSecret } from './auth/tokens.ts';
import { changeCounter } from './changes.ts';
import type { Db } from './db/schema.ts';
import { AppError, Errors, problemOf } from './errors.ts';
import { installInputGuard } from './input.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** How the handler keeps data within the caller's scope (see DataScope). */
    scope?: DataScope;
  }
  interface FastifyInstance {
    /** Every route registered, with its declared access and data scope (walked by the route-table tests). */
    routeTable: Array<{ method: string; url: string; access: Access | undefined; scope: DataScope | undefined }>;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    authVia: 'session' | 'token' | null;
    sessionHash: string | null;
    csrfToken: string | null;
  }
}

export const SESSION_COOKIE = 'qifu_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer tokens resolved in the last few seconds, so an integration calling
 * hundreds of times a second costs one lookup, not one per call. Any user
 * write in this process (password, token revocation, role) empties it at
 * once; another process's changes show within TOKEN_TTL_MS. An entry keeps
 * the token's expiry, so an expired token is refused even while cached.
 */
const TOKEN_TTL_MS = 5000;
/** last_used_at is written at most this often per token, not on every call. */
const LAST_USED_EVERY_MS = 60_000;
interface ResolvedToken {
  user: AuthUser;
  /** ms since the epoch; null = no expiry. */
  expiresAt: number | null;
}
const tokenCache = new Map<string, ResolvedToken & { at: number; gen: number }>();

const tokenLookups = new Map<string, Promise<ResolvedToken | null>>();

async function lookupToken(db: Db, hash: string): Promise<ResolvedToken | null> {
  // expires_at is added by the users module's migrations (it owns the token commands).
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id as tokenId', 't.expires_at', 't.last_used_at', 'u.id', 'u.username', 'u.display_name', 'u.role', 'u.department', 'u.street', 'u.uscc', 'u.disabled'])
    .select(sql<Date>`now()`.as('now'))
    .where('t.token_hash', '=', hash)
    .where('t.revoked', '=', false)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row || row.disabled) return null;
  const now = new Date(row.now).getTime();
  if (!row.last_used_at || now - new Date(row.last_used_at).getTime() >= LAST_USED_EVERY_MS) {
    // Re-checked in the statement: of several nodes looking up at once, one writes.
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.tokenId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
      .execute();
  }
  return {
    user: { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role, department: row.department, street: row.street, uscc: row.uscc },
    expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
  };
}

const expired = (t: ResolvedToken, now: number): boolean => t.expiresAt !== null && t.expiresAt <= now;

/** Loads the caller from the session cookie or a bearer token. */
async function authenticate(db: Db, req: FastifyRequest): Promise<void> {
  const authz = req.headers.authorization;
  if (authz && /^bearer\s+/i.test(authz)) {
    const token = authz.replace(/^bearer\s+/i, '').trim();
    const hash = hashSecret(token);
    const gen = changeCounter('users');
    const hit = tokenCache.get(hash);
    const now = Date.now();
    if (hit && hit.gen === gen && now - hit.at < TOKEN_TTL_MS) {
      if (expired(hit, now)) {
        tokenCache.delete(hash);
        throw Errors.unauthenticated();
      }
      req.user = hit.user;
      req.authVia = 'token';
      return;
    }
    // One lookup per token at a time: when the cache entry expires under load, the requests
    // arriving meanwhile share it instead of each querying the database.
    // Keyed with the users generation: a lookup begun before a user write is not shared after it.
    const key = `${hash}:${gen}`;
    let pending = tokenLookups.get(key);
    if (!pending) {
      pending = lookupToken(db, hash).finally(() => tokenLookups.delete(key));
      tokenLookups.set(key, pending);
    }
    const resolved = await pending;
    // A bearer token that does not resolve is an error, not an anonymous call.
    if (!resolved || expired(resolved, Date.now())) throw Errors.unauthenticated();
    req.user = resolved.user;
    req.authVia = 'token';
    if (tokenCache.size > 10_000) tokenCache.clear();
    tokenCache.set(hash, { ...resolved, at: Date.now(), gen });
    return;
  }
  const sid = req.cookies?.[SESSION_COOKIE];
  if (!sid) return;
  const h = hashSecret(sid);
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.csrf_token', 's.expires_at', 'u.id', 'u.username', 'u.display_name', 'u.role', 'u.department', 'u.street', 'u.uscc', 'u.disabled'])
    .where('s.token_hash', '=', h)
    .executeTakeFirst();
  if (!row || row.disabled || new Date(row.expires_at).getTime() <= Date.now()) return;
  req.user = { id: Number(row.id), username: row.username, displayName: row.display_name, role: row.role, department: row.department, street: row.street, uscc: row.uscc };
  req.authVia = 'session';
  req.sessionHash = h;
  req.csrfToken = row.csrf_token;
}

type SchemaError = NonNullable<FastifyError['validation']>[number];

/** The dotted path of the field a schema error is about (a missing or extra property included). */
function fieldOfError(v: SchemaError): string {
  const params = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const parts = (v.instancePath ?? '').split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const name = params?.missingProperty ?? params?.additionalProperty;
  if (name) parts.push(name);
  return parts.join('.');
}

/** The most specific error: with a union (null | object) the failing branch's deepest field, e.g. benefit.cap, not benefit. */
function mostSpecific(errors: readonly SchemaError[]): { field: string; error: SchemaError } | undefined {
  let best: { field: string; error: SchemaError } | undefined;
  for (const error of errors) {
    const field = fieldOfError(error);
    if (!best || (field ? field.split('.').length : 0) > (best.field ? best.field.split('.').length : 0)) best = { field, error };
  }
  return best;
}

export function toProblem(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as FastifyError & { code?: string };
  if (e && e.validation) {
    const best = mostSpecific(e.validation);
    const where = e.validationContext === 'querystring' ? '查询参数' : e.validationContext === 'params' ? '路径参数' : '请求内容';
    return new AppError('VALIDATION_FAILED', 400, `${where}校验失败`, { field: best?.field || undefined, detail: best?.error.message ?? e.message });
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 413, '请求内容过大', { detail: '请求体超过 1 MiB 上限' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '不支持的内容类型');
    case 'FST_ERR_BAD_URL':
      return new AppError('BAD_URL', 400, '请求地址格式有误', { detail: '路径含有无法解码的百分号编码' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_JSON', 400, '请求内容不是合法的 JSON');
    case '23505':
      return new AppError('CONFLICT', 409, '数据已存在（唯一性冲突）');
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new AppError('VALIDATION_FAILED', 400, '输入格式有误');
    // A backstop: the input guard refuses these before any query runs.
    case '22021': // invalid byte sequence (e.g. NUL in text)
    case '22P05': // untranslatable character (e.g. \u0000 or a lone surrogate in jsonb)
      return new AppError('UNSTORABLE_TEXT', 400, '输入含有无法保存的字符');
    case '54001': // statement too complex (stack depth)
      return new AppError('INPUT_TOO_DEEP', 400, '输入嵌套层数过多');
    // @fastify/multipart limits and malformed parts.
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('PAYLOAD_TOO_LARGE', 413, '请求内容过大', { field: 'file', detail: '超过上传的大小或数量上限' });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '请以 multipart/form-data 上传文件', { field: 'file' });
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return new AppError('MULTIPART_MALFORMED', 400, '上传内容不完整或格式有误', { field: 'file' });
  }
  if (e?.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', 413, '请求内容过大', { detail: '超过大小上限' });
  if (e?.statusCode === 415 || e?.statusCode === 406) return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, '不支持的内容类型');
  if (e instanceof SyntaxError || e?.statusCode === 400) return new AppError('BAD_REQUEST', 400, '请求格式有误');
  if (e?.statusCode === 404) return new AppError('NOT_FOUND', 404, '资源不存在');
  if (e?.statusCode === 414) return new AppError('URI_TOO_LONG', 414, '请求地址过长', { detail: '路径参数超过长度上限' });
  // Any other client error Fastify or a plugin raises stays a client error (never 500), with its status.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new AppError('BAD_REQUEST', e.statusCode, '请求有误');
  return new AppError('INTERNAL', 500, '服务器内部错误');
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  return reply.status(err.status).type('application/problem+json; charset=utf-8').send(problemOf(err));
}

/**
 * Installs authentication, the route access check, CSRF protection for
 * cookie-authenticated writes, and the single error → problem+json mapping.
 */
export function installHttpPlatform(app: FastifyInstance, db: Db): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('sessionHash', null);
  app.decorateRequest('csrfToken', null);

  app.decorate('routeTable', []);
  // Fail fast: an API route without an access and a data-scope declaration cannot even be registered.
  app.addHook('onRoute', (route) => {
    const { access, scope } = (route.config ?? {}) as { access?: Access; scope?: DataScope };
    if (route.url.startsWith('/api/v1')) {
      if (access === undefined) throw new Error(`route ${route.method} ${route.url} declares no access (config.access)`);
      if (scope === undefined) throw new Error(`route ${route.method} ${route.url} declares no data scope (config.scope)`);
      if (typeof scope === 'object' && (scope.in ?? 'path') === 'path' && !route.url.split('/').includes(`:${scope.param}`)) {
        throw new Error(`route ${route.method} ${route.url} declares scope parameter "${scope.param}", which is not in its path`);
      }
    }
    for (const method of [route.method].flat()) app.routeTable.push({ method, url: route.url, access, scope });
  });

  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config.access;
    if (access === undefined) return; // non-API routes (health, docs, static)
    await authenticate(db, req);
    const verdict = isAllowed(access, req.user);
    if (verdict === 'unauthenticated') throw Errors.unauthenticated();
    if (verdict === 'forbidden') throw Errors.forbidden('当前角色无权执行此操作');
    if (req.authVia === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== req.csrfToken) throw Errors.csrf();
    }
  });

  // After authentication: NUL bytes, invalid UTF-8, non-finite numbers and deep nesting → 400 (SPEC §10).
  installInputGuard(app);

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) req.log.error({ err }, 'unhandled error');
    else req.log.info({ code: problem.code, status: problem.status }, 'request rejected');
    return sendProblem(reply, problem);
  });
}
