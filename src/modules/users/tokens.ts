import { sql } from 'kysely';
import { appendAudit, type Actor } from '../../platform/audit.ts';
import { hashSecret, newSecret } from '../../platform/auth/tokens.ts';
import { markChanged } from '../../platform/changes.ts';
import type { Db, Executor, Tx } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { sendEnterpriseMessages } from '../notifications/index.ts';
import { tokenExpiry, tokenStatus, type PublicToken, type TokenStatus } from './domain.ts';

// API tokens (F-3, §11): created with an optional expiry, listed without
// their secret, revoked one by one or all at once on a password reset.
// Every create and revoke is audited in its transaction; revocations empty
// this process's bearer-token cache at once (markChanged('users')), other
// processes' within its 5 s lifetime.

export const tokenNotFound = (): AppError => new AppError('TOKEN_NOT_FOUND', 404, 'API 令牌不存在');

export interface NewToken {
  id: number;
  /** The secret: shown once, only its hash is stored. */
  token: string;
  name: string;
  expiresAt: string | null;
}

/** Creates a bearer API token for `userId`; the secret is returned once and only its hash is stored. */
export async function createApiToken(
  db: Db,
  actor: Actor,
  userId: number,
  name: string,
  expiry: { expiresAt?: string | null; expiresInDays?: number | null } = {},
  now = new Date(),
): Promise<NewToken> {
  const label = name.trim();
  if (!label) throw Errors.validation('name', '令牌用途不能为空');
  if (label.length > 100) throw Errors.validation('name', '令牌用途最多 100 个字符');
  const exp = tokenExpiry(expiry, now);
  if ('error' in exp) throw Errors.validation(exp.field, exp.error);
  const token = newSecret('qf_');
  const id = await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw Errors.notFound('用户');
    const row = await tx.insertInto('api_tokens').values({ user_id: userId, name: label, token_hash: hashSecret(token), expires_at: exp.expiresAt }).returning('id').executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendAudit(tx, actor, { action: 'token.create', target: `token:${id}`, change: { userId, name: label, expiresAt: exp.expiresAt?.toISOString() ?? null } });
    return id;
  });
  return { id, token, name: label, expiresAt: exp.expiresAt?.toISOString() ?? null };
}

export interface TokenFilter {
  userId?: number;
  /** Username, display name or token name contains this. */
  q?: string;
  status?: TokenStatus;
}

function tokenQuery(db: Executor, f: TokenFilter) {
  let q = db.selectFrom('api_tokens as t').innerJoin('users as u', 'u.id', 't.user_id');
  if (f.userId !== undefined) q = q.where('t.user_id', '=', f.userId);
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern), eb('t.name', 'ilike', pattern)]));
  }
  if (f.status === 'revoked') q = q.where('t.revoked', '=', true);
  if (f.status === 'expired') q = q.where('t.revoked', '=', false).where('t.expires_at', '<=', sql<Date>`now()`);
  if (f.status === 'active') q = q.where('t.revoked', '=', false).where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]));
  return q;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export async function listTokens(db: Executor, f: TokenFilter & { page: number; pageSize: number }, now = new Date()): Promise<{ items: PublicToken[]; total: number }> {
  const base = tokenQuery(db, f);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['t.id', 't.name', 't.user_id', 'u.username', 'u.display_name', 't.created_at', 't.last_used_at', 't.expires_at', 't.revoked', 't.revoked_at'])
    .orderBy('t.id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    total: Number(total),
    items: rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      userId: Number(r.user_id),
      username: r.username,
      displayName: r.display_name,
      createdAt: iso(r.created_at)!,
      lastUsedAt: iso(r.last_used_at),
      expiresAt: iso(r.expires_at),
      revokedAt: iso(r.revoked_at),
      status: tokenStatus({ revoked: r.revoked, expiresAt: r.expires_at ? new Date(r.expires_at) : null }, now),
    })),
  };
}

async function revokeRows(tx: Tx, actor: Actor, rows: ReadonlyArray<{ id: number; user_id: number; name: string }>, reason: string): Promise<number[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => Number(r.id));
  await tx.updateTable('api_tokens').set({ revoked: true, revoked_at: sql<Date>`now()` }).where('id', 'in', ids).execute();
  for (const r of rows) await appendAudit(tx, actor, { action: 'token.revoke', target: `token:${Number(r.id)}`, change: { userId: Number(r.user_id), name: r.name, reason } });
  return ids;
}

/**
 * Revokes one token. `ownerId` limits it to that user's tokens (everyone but
 * an admin): another user's token is "not found", so its existence stays
 * private. Revoking a revoked token changes nothing and says so.
 */
export async function revokeToken(db: Db, actor: Actor, id: number, opts: { ownerId?: number } = {}): Promise<{ id: number; userId: number; username: string; name: string; alreadyRevoked: boolean }> {
  const out = await db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.user_id', 't.name', 't.revoked', 'u.username', 'u.uscc'])
      .where('t.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row || (opts.ownerId !== undefined && Number(row.user_id) !== opts.ownerId)) throw tokenNotFound();
    const result = { id: Number(row.id), userId: Number(row.user_id), username: row.username, name: row.name, alreadyRevoked: row.revoked };
    if (row.revoked) return result;
    await revokeRows(tx, actor, [row], actor.userId === Number(row.user_id) ? 'owner' : 'admin');
    if (row.uscc && actor.userId !== Number(row.user_id)) {
      await sendEnterpriseMessages(tx, [
        {
          uscc: row.uscc,
          kind: 'account.token.revoked',
          title: `账号 ${row.username} 的 API 令牌「${row.name}」已被吊销`,
          body: `管理员 ${actor.username} 吊销了账号 ${row.username} 的 API 令牌「${row.name}」（编号 ${Number(row.id)}）；使用它的系统对接将无法再访问。`,
          link: null,
        },
      ]);
    }
    return result;
  });
  if (!out.alreadyRevoked) markChanged('users');
  return out;
}

/** Revokes every token of a user still in force (password reset or change), in the caller's transaction; the caller marks the change. */
export async function revokeUserTokens(tx: Tx, actor: Actor, userId: number, reason: string): Promise<number[]> {
  const rows = await tx.selectFrom('api_tokens').select(['id', 'user_id', 'name']).where('user_id', '=', userId).where('revoked', '=', false).orderBy('id').forUpdate().execute();
  return revokeRows(tx, actor, rows, reason);
}
