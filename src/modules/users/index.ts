import type { ModuleManifest } from '../../platform/module.ts';
import { actorOf } from '../../platform/audit.ts';
import { checkCredentials, createUser, setPassword } from './commands.ts';
import { userMigrations } from './migrations.ts';
import { listUsers } from './queries.ts';
import { userRoutes } from './routes.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedUsers } from './seed.ts';
import { createApiToken, listTokens, revokeToken } from './tokens.ts';

export { actorOf, checkCredentials, createApiToken, createUser, listTokens, listUsers, revokeToken, setPassword, DEMO_PASSWORD, DEMO_USERS };
export { TOKEN_STATUSES, tokenExpiry, type PublicToken, type TokenStatus } from './domain.ts';

/** 用户与认证: login (throttled in the database), sessions, API tokens, user administration. users, sessions and api_tokens are platform tables (auth is cross-cutting); this module adds its columns and the throttle table. */
export const usersModule: ModuleManifest = {
  name: 'users',
  migrations: userMigrations,
  routes: userRoutes,
  async seed({ db }, opts) {
    await seedUsers(db, opts.demo, opts.log);
  },
};
