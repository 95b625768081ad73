import { validateUscc } from '../../core/codes/uscc.ts';
import { requiredScope, ROLES, type AuthUser, type Role } from '../../platform/access.ts';
import { actorOf, appendAudit, type Actor } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { hashSecret, newSecret } from '../../platform/auth/tokens.ts';
import type { Db, Executor, UsersTable } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { orgUnitExists } from '../org/index.ts';
import { SESSION_TTL_MS, USERNAME_PATTERN } from './domain.ts';
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

export async function setPassword(db: Db, actor: Actor, username: string, password: string): Promise<void> {
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (!user) throw Errors.notFound('用户');
    await tx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: new Date() }).where('id', '=', user.id).execute();
    // A new password ends every existing session of that user.
    await tx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    await appendAudit(tx, actor, { action: 'user.password.set', target: `user:${user.id}`, change: { passwordChanged: true } });
  });
  markChanged('users');
}

export async function changeOwnPassword(db: Db, user: AuthUser, currentSessionHash: string | null, current: string, next: string): Promise<void> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, current))) throw new AppError('WRONG_PASSWORD', 400, '当前密码不正确', { field: 'currentPassword' });
  checkPasswordStrength(next, 'newPassword');
  if (next === current) throw new AppError('WEAK_PASSWORD', 400, '新密码不能与当前密码相同', { field: 'newPassword' });
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: passwordHash, password_changed_at: new Date() }).where('id', '=', user.id).execute();
    // Other sessions end; the one that changed the password stays.
    let del = tx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (currentSessionHash) del = del.where('token_hash', '!=', currentSessionHash);
    await del.execute();
    await appendAudit(tx, actorOf(user), { action: 'user.password.change', target: `user:${user.id}`, change: { passwordChanged: true } });
  });
  markChanged('users');
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

/** Creates a bearer API token; the secret is returned once and only its hash is stored. */
export async function createApiToken(db: Db, actor: Actor, userId: number, name: string): Promise<{ id: number; token: string }> {
  const token = newSecret('qf_');
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx.insertInto('api_tokens').values({ user_id: userId, name, token_hash: hashSecret(token) }).returning('id').executeTakeFirstOrThrow();
    await appendAudit(tx, actor, { action: 'token.create', target: `user:${userId}`, change: { tokenId: Number(row.id), name } });
    return Number(row.id);
  });
  return { id, token };
}
