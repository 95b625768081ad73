import { validateUscc } from '../../core/codes/uscc.ts';
import { requiredScope, ROLES, type AuthUser, type Role } from '../../platform/access.ts';
import { actorOf, appendAudit, type Actor } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { hashSecret, newSecret } from '../../platform/auth/tokens.ts';
import { sendEnterpriseMessages } from '../notifications/index.ts';
import type { Db, Executor, UsersTable } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { orgUnitExists } from '../org/index.ts';
import { SESSION_TTL_MS, USERNAME_PATTERN } from './domain.ts';
import { attemptSucceeded, loginKeys, passwordChangeKeys, reserveAttempt } from './throttle.ts';
import { revokeUserTokens } from './tokens.ts';
import type { Selectable } from 'kysely';

export interface NewUserInput {
  username: string;
  password: string;
  displayName?: string;
  role: Role;
  department?: string | null;
  street?: string | null;
  uscc?: string | null;
}

export function rowToAuthUser(r: Pick<Selectable<UsersTable>, 'id' | 'username' | 'display_name' | 'role' | 'department' | 'street' | 'uscc'>): AuthUser {
  return { id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role, department: r.department, street: r.street, uscc: r.uscc };
}

/** Checks the scope a role needs (§0): dept/inspector → department, street → street, enterprise → USCC. */
async function normaliseScope(db: Executor, input: NewUserInput): Promise<{ department: string | null; street: string | null; uscc: string | null }> {
  if (!ROLES.includes(input.role)) throw Errors.validation('role', `未知角色 ${input.role}`);
  const need = requiredScope(input.role);
  const scope = { department: null as string | null, street: null as string | null, uscc: null as string | null };
  if (need === 'department') {
    if (!input.department) throw Errors.validation('department', '该角色必须指定所属部门');
    if (!(await orgUnitExists(db, input.department, 'department'))) throw Errors.validation('department', `部门 ${input.department} 不存在`);
    scope.department = input.department;
  } else if (need === 'street') {
    if (!input.street) throw Errors.validation('street', '该角色必须指定所属街镇');
    if (!(await orgUnitExists(db, input.street, 'street'))) throw Errors.validation('street', `街镇 ${input.street} 不存在`);
    scope.street = input.street;
  } else if (need === 'uscc') {
    if (!input.uscc) throw Errors.validation('uscc', '企业用户必须绑定统一社会信用代码');
    const v = validateUscc(input.uscc);
    if (!v.valid) throw new AppError('USCC_INVALID', 400, '统一社会信用代码无效', { field: 'uscc', detail: v.reason });
    scope.uscc = v.code;
  }
  return scope;
}

export async function createUser(db: Db, actor: Actor, input: NewUserInput, opts: { skipStrength?: boolean; demo?: boolean } = {}): Promise<AuthUser> {
  if (!new RegExp(USERNAME_PATTERN).test(input.username)) throw Errors.validation('username', '用户名只能包含字母、数字和 _ . -，长度 2–64');
  if (!opts.skipStrength) checkPasswordStrength(input.password);
  const scope = await normaliseScope(db, input);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (exists) throw Errors.conflict('USERNAME_TAKEN', '用户名已被使用', 'username');
    const row = await tx
      .insertInto('users')
      .values({ username: input.username, display_name: input.displayName?.trim() || input.username, password_hash: passwordHash, role: input.role, ...scope, demo: opts.demo ?? false })
      .returning(['id', 'username', 'display_name', 'role', 'department', 'street', 'uscc'])
      .executeTakeFirstOrThrow();
    const user = rowToAuthUser(row);
    await appendAudit(tx, actor, { action: 'user.create', target: `user:${user.id}`, change: { username: user.username, role: user.role, ...scope } });
    return user;
  });
}

/**
 * An administrator sets a user's password (CLI `qifu user passwd`, POST
 * /users/{id}/password): every session of that user ends and every API token
 * is revoked — whoever knew the old password may have made them.
 */
export async function setPassword(db: Db, actor: Actor, who: { username: string } | { id: number }, password: string): Promise<{ userId: number; username: string; revokedTokens: number; endedSessions: number }> {
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  const result = await db.transaction().execute(async (tx) => {
    let q = tx.selectFrom('users').select(['id', 'username', 'uscc']);
    q = 'id' in who ? q.where('id', '=', who.id) : q.where('username', '=', who.username);
    const user = await q.forUpdate().executeTakeFirst();
    if (!user) throw Errors.notFound('用户');
    const userId = Number(user.id);
    await tx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: new Date() }).where('id', '=', userId).execute();
    const ended = Number((await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
    const revoked = await revokeUserTokens(tx, actor, userId, 'password.reset');
    await appendAudit(tx, actor, { action: 'user.password.set', target: `user:${userId}`, change: { passwordChanged: true, endedSessions: ended, revokedTokens: revoked } });
    if (user.uscc && actor.userId !== userId) {
      // The enterprise's inbox is the only place an enterprise user is told anything.
      await sendEnterpriseMessages(tx, [
        {
          uscc: user.uscc,
          kind: 'account.password.reset',
          title: `账号 ${user.username} 的密码已由管理员重置`,
          body: `管理员 ${actor.username} 重置了账号 ${user.username} 的密码；该账号的登录会话已全部退出，${revoked.length} 个 API 令牌已吊销。如非本企业申请，请联系平台管理员。`,
          link: null,
        },
      ]);
    }
    return { userId, username: user.username, revokedTokens: revoked.length, endedSessions: ended };
  });
  markChanged('users');
  return result;
}

/**
 * A user changes their own password. The current one is checked under the
 * same throttle as a login (a stolen session must not become a password
 * oracle); other sessions end; the user's API tokens are revoked when asked.
 */
export async function changeOwnPassword(
  db: Db,
  user: AuthUser,
  req: { sessionHash: string | null; ip: string; currentPassword: string; newPassword: string; revokeTokens?: boolean },
): Promise<{ revokedTokens: number }> {
  const { currentPassword: current, newPassword: next } = req;
  // Checks that need no secret come first, so a typo in the new password costs no attempt.
  checkPasswordStrength(next, 'newPassword');
  if (next === current) throw new AppError('WEAK_PASSWORD', 400, '新密码不能与当前密码相同', { field: 'newPassword' });
  const keys = passwordChangeKeys(user.id, req.ip);
  await reserveAttempt(db, keys);
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, current))) throw new AppError('WRONG_PASSWORD', 400, '当前密码不正确', { field: 'currentPassword' });
  await attemptSucceeded(db, keys);
  const passwordHash = await hashPassword(next);
  const revoked = await db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: new Date() }).where('id', '=', user.id).execute();
    // Other sessions end; the one that changed the password stays.
    let del = tx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (req.sessionHash) del = del.where('token_hash', '!=', req.sessionHash);
    await del.execute();
    const ids = req.revokeTokens ? await revokeUserTokens(tx, actorOf(user), user.id, 'password.change') : [];
    await appendAudit(tx, actorOf(user), { action: 'user.password.change', target: `user:${user.id}`, change: { passwordChanged: true, revokedTokens: ids } });
    return ids;
  });
  markChanged('users');
  return { revokedTokens: revoked.length };
}


// A fixed argon2id hash to verify against when the username is unknown, so a
// wrong username costs as much time as a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | null = null;

export async function checkCredentials(db: Db, username: string, password: string): Promise<AuthUser | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'department', 'street', 'uscc', 'password_hash', 'disabled'])
    .where('username', '=', username)
    .executeTakeFirst();
  if (!row) {
    dummyHash ??= hashPassword('qifu-no-such-user');
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (!(await verifyPassword(row.password_hash, password)) || row.disabled) return null;
  return rowToAuthUser(row);
}

/**
 * A login attempt: reserved under the throttle (username at this address,
 * and this address) before the password is verified, so parallel guesses
 * are counted before any is checked; a success clears the account's count.
 */
export async function login(db: Db, username: string, password: string, ip: string): Promise<AuthUser> {
  const keys = loginKeys(username, ip);
  await reserveAttempt(db, keys);
  const user = await checkCredentials(db, username, password);
  if (!user) throw new AppError('INVALID_CREDENTIALS', 401, '用户名或密码错误');
  await attemptSucceeded(db, keys);
  return user;
}

export async function openSession(db: Db, user: AuthUser, now = new Date()): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('sessions').values({ token_hash: hashSecret(sessionId), user_id: user.id, csrf_token: csrfToken, expires_at: expiresAt }).execute();
    // Expired sessions are swept on each login: the table stays small without a timer.
    await tx.deleteFrom('sessions').where('expires_at', '<', now).execute();
    await appendAudit(tx, actorOf(user), { action: 'auth.login', target: `user:${user.id}`, change: { expiresAt: expiresAt.toISOString() } });
  });
  return { sessionId, csrfToken, expiresAt };
}

export async function closeSession(db: Db, user: AuthUser, sessionHash: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('token_hash', '=', sessionHash).execute();
    await appendAudit(tx, actorOf(user), { action: 'auth.logout', target: `user:${user.id}`, change: {} });
  });
}

