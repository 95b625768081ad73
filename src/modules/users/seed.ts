import { randomBytes } from 'node:crypto';
import type { Role } from '../../platform/access.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/schema.ts';
import { DEMO_ENTERPRISE_USCC } from '../enterprises/index.ts';
import { createUser } from './commands.ts';

export const DEMO_PASSWORD = 'demo';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  department?: string;
  street?: string;
  uscc?: string;
}

/** One demo user per role (issue 2 contract), plus a second department and street for scope tests. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', displayName: '平台管理员', role: 'admin' },
  { username: 'dept', displayName: '王敏（区市场监管局）', role: 'dept', department: 'scjgj' },
  { username: 'street', displayName: '李强（莘庄镇）', role: 'street', street: '310112101' },
  { username: 'specialist', displayName: '张华（企业服务专员）', role: 'specialist' },
  { username: 'inspector', displayName: '陈刚（市场监管执法）', role: 'inspector', department: 'scjgj' },
  { username: 'leader', displayName: '区营商办', role: 'leader' },
  { username: 'enterprise', displayName: '上海闵欣智能科技有限公司', role: 'enterprise', uscc: DEMO_ENTERPRISE_USCC },
  { username: 'dept2', displayName: '赵丽（区人社局）', role: 'dept', department: 'rsj' },
  { username: 'street2', displayName: '周杰（七宝镇）', role: 'street', street: '310112102' },
];

/**
 * Demo mode: the demo users with password `demo`. Otherwise: one admin with
 * a random password, printed once. Both idempotent.
 */
export async function seedUsers(db: Db, demo: boolean, log: (line: string) => void): Promise<void> {
  if (demo) {
    const created: string[] = [];
    for (const u of DEMO_USERS) {
      const exists = await db.selectFrom('users').select('id').where('username', '=', u.username).executeTakeFirst();
      if (exists) continue;
      await createUser(db, SYSTEM_ACTOR, { ...u, password: DEMO_PASSWORD }, { skipStrength: true, demo: true });
      created.push(u.username);
    }
    if (created.length) log(`demo users created: ${created.join(', ')}`);
    log(`demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((u) => u.username).join(', ')}`);
    return;
  }
  const admin = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
  if (admin) return;
  const password = randomBytes(12).toString('base64url');
  await createUser(db, SYSTEM_ACTOR, { username: 'admin', displayName: '平台管理员', role: 'admin', password }, { skipStrength: true });
  log(`admin user created — username: admin  password: ${password}  (shown once; change it after logging in)`);
}
