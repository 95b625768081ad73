import type { ModuleManifest } from '../../platform/module.ts';
import { actorOf } from '../../platform/audit.ts';
import { checkCredentials, createApiToken, createUser, setPassword } from './commands.ts';
import { listUsers } from './queries.ts';
import { userRoutes } from './routes.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedUsers } from './seed.ts';

export { actorOf, checkCredentials, createApiToken, createUser, listUsers, setPassword, DEMO_PASSWORD, DEMO_USERS };

/** 用户与认证: login, sessions, API tokens, user administration. Tables live in the platform (auth is cross-cutting). */
export const usersModule: ModuleManifest = {
  name: 'users',
  routes: userRoutes,
  async seed({ db }, opts) {
    await seedUsers(db, opts.demo, opts.log);
  },
};
