import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson, sm3 } from '../core/crypto/sm.ts';
import type { Db, Tx } from './db/schema.ts';
import { AppError } from './errors.ts';
import type { MigrationSet } from './migrations.ts';

/**
 * Idempotency keys for POST routes that opt in (docs/applications.md):
 * a client sends `Idempotency-Key: <1–200 visible ASCII chars>`; the first
 * successful response is stored keyed by (user, method + path, key) in the
 * same transaction as the work itself, so it exists if and only if the work
 * committed. A retry with the same key and the same body gets the stored
 * response (header `Idempotency-Replayed: true`) without running again; the
 * same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED.
 * Errors are not stored (they change nothing, so a retry simply runs again).
 * Keys are kept for 24 hours.
 */
export interface IdempotencyKeysTable {
  user_id: number;
  route: string;
  key: string;
  fingerprint: string;
  status: number;
  body: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

declare module './db/schema.ts' {
  interface Database {
    idempotency_keys: IdempotencyKeysTable;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_RETENTION_HOURS = 24;
const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/** Owned by the platform; mounted through the manifest of the first module that uses it (applications). */
export const idempotencyMigrations: MigrationSet = {
  '0010_platform_idempotency_keys': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table if not exists idempotency_keys (
          user_id bigint not null,
          route text not null,
          key text not null,
          fingerprint text not null,
          status integer not null,
          body jsonb not null,
          created_at timestamptz not null default now(),
          primary key (user_id, route, key)
        );
        create index if not exists idempotency_keys_created on idempotency_keys (created_at);
      `.execute(db);
    },
  },
};

export interface IdempotentResult<T> {
  status: number;
  body: T;
}

/** The key of a request, or null when the client sent none. Throws 400 for a malformed key. */
export function idempotencyKeyOf(req: FastifyRequest): string | null {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || !KEY_RE.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID', 400, '幂等键格式有误', { field: 'Idempotency-Key', detail: '须为 1–200 个可见 ASCII 字符（建议使用 UUID）' });
  return key;
}

/**
 * Runs `work` in one transaction; with a key, the response is recorded in
 * that transaction, and a retry is answered from the record. Concurrent
 * retries queue on the key's primary key: the second waits for the first to
 * commit and then replays its response.
 */
export async function runIdempotent<T>(
  db: Db,
  scope: { userId: number; method: string; path: string; key: string | null; body: unknown },
  work: (tx: Tx) => Promise<IdempotentResult<T>>,
): Promise<IdempotentResult<T> & { replayed: boolean }> {
  if (scope.key === null) return { ...(await db.transaction().execute(work)), replayed: false };
  const route = `${scope.method} ${scope.path}`;
  const fingerprint = sm3(canonicalJson(scope.body ?? null));
  const key = scope.key;
  return db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', scope.userId)
      .where('route', '=', route)
      .where('key', '=', key)
      .where('created_at', '<', new Date(Date.now() - IDEMPOTENCY_RETENTION_HOURS * 3600_000))
      .execute();
    // Claim the key first: a concurrent request with the same key blocks here until we commit.
    const claimed = await tx
      .insertInto('idempotency_keys')
      .values({ user_id: scope.userId, route, key, fingerprint, status: 0, body: 'null' })
      .onConflict((oc) => oc.columns(['user_id', 'route', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const prior = await tx.selectFrom('idempotency_keys').select(['fingerprint', 'status', 'body']).where('user_id', '=', scope.userId).where('route', '=', route).where('key', '=', key).executeTakeFirstOrThrow();
      if (prior.fingerprint !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 422, '幂等键已用于另一请求', { field: 'Idempotency-Key', detail: '同一幂等键只能用于内容相同的请求；新的操作请使用新的幂等键' });
      }
      return { status: prior.status, body: prior.body as T, replayed: true };
    }
    const result = await work(tx);
    await tx
      .updateTable('idempotency_keys')
      .set({ status: result.status, body: JSON.stringify(result.body ?? null) })
      .where('user_id', '=', scope.userId)
      .where('route', '=', route)
      .where('key', '=', key)
      .execute();
    return { ...result, replayed: false };
  });
}

/** Route helper: reads the key from the request, runs the work and sends the (possibly replayed) response. */
export async function idempotentReply<T>(db: Db, req: FastifyRequest, reply: FastifyReply, work: (tx: Tx) => Promise<IdempotentResult<T>>): Promise<FastifyReply> {
  if (!req.user) throw new AppError('UNAUTHENTICATED', 401, '未登录或登录已过期');
  const key = idempotencyKeyOf(req);
  const r = await runIdempotent(db, { userId: req.user.id, method: req.method, path: req.url.split('?')[0]!, key, body: req.body ?? null }, work);
  if (r.replayed) reply.header('idempotency-replayed', 'true');
  return reply.status(r.status).send(r.body);
}
