import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { ROLES, type Role } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { cliActor, out, readStdin, withDatabase } from '../context.ts';
import { CliFailure, CliUsageError } from '../program.ts';
import { loadConfig } from '../../platform/config.ts';
import { seedSyntheticEnterprises } from './enterprises.ts';

// Heavy modules (database, argon2, Excel …) load inside the actions, so
// `qifu --help` and the pure commands start fast.
const users = () => import('../../modules/users/index.ts');
const bootstrap = () => import('../../server/bootstrap.ts');

function asCliError(err: unknown): never {
  if (err instanceof AppError) throw new CliFailure(`${err.title}${err.message && err.message !== err.title ? `: ${err.message}` : ''}${err.field ? ` (${err.field})` : ''}`);
  throw err;
}

async function passwordFrom(opts: { password?: string; passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (opts.password && opts.passwordStdin) throw new CliUsageError('use either --password or --password-stdin');
  if (opts.password) return { password: opts.password, generated: false };
  if (opts.passwordStdin) return { password: (await readStdin()).replace(/\r?\n$/, ''), generated: false };
  return { password: `Qf-${randomBytes(12).toString('base64url')}`, generated: true };
}

/** Platform commands: migrate, seed, user, token (SPEC F-2); audit is in ./audit.ts. */
export function registerPlatformCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL or QIFU_DATA_DIR)')
    .action(async () => {
      const config = loadConfig();
      const { openDatabase } = await import('../../platform/db/index.ts');
      const { migrateAll } = await bootstrap();
      const h = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateAll(h.db);
        out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await h.close();
      }
    });

  program
    .command('seed')
    .description('load reference data, and demo data unless --no-demo (or QIFU_DEMO=0); --enterprises N adds N synthetic enterprises')
    .option('--no-demo', 'reference data only; creates an admin with a random password if none exists')
    .option('--enterprises <n>', 'also generate N synthetic enterprises (deterministic for a given --seed)')
    .option('--seed <s>', 'seed of the synthetic data generator', '1')
    .option('--district <code>', 'district of the synthetic enterprises (GB/T 2260)', '310112')
    .action(async (opts: { demo: boolean; enterprises?: string; seed: string; district: string }) => {
      const { seedAll } = await bootstrap();
      await withDatabase(async (h, config) => {
        await seedAll(h.db, config, opts.demo && config.demo, out);
        out('seed complete');
      });
      await seedSyntheticEnterprises(opts);
    });

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('create a user; prints a generated password when none is given')
    .argument('<username>')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <displayName>', 'display name')
    .option('--department <code>', 'department code (dept, inspector)')
    .option('--street <code>', 'street/town code (street)')
    .option('--uscc <code>', '统一社会信用代码 (enterprise)')
    .option('--password <password>', 'initial password (visible in shell history; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { role: string; name?: string; department?: string; street?: string; uscc?: string; password?: string; passwordStdin?: boolean }) => {
      if (!ROLES.includes(opts.role as Role)) throw new CliUsageError(`unknown role "${opts.role}"; expected one of ${ROLES.join(', ')}`);
      const { password, generated } = await passwordFrom(opts);
      const { createUser } = await users();
      await withDatabase(async (h) => {
        const u = await createUser(h.db, cliActor(), { username, password, displayName: opts.name, role: opts.role as Role, department: opts.department, street: opts.street, uscc: opts.uscc }).catch(asCliError);
        out(`created user ${u.username} (id ${u.id}, role ${u.role})`);
        if (generated) out(`password: ${password}`);
      });
    });
  user
    .command('passwd')
    .description("set a user's password (ends their sessions); prints a generated one when none is given")
    .argument('<username>')
    .option('--password <password>', 'new password')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { password?: string; passwordStdin?: boolean }) => {
      const { password, generated } = await passwordFrom(opts);
      const { setPassword } = await users();
      await withDatabase(async (h) => {
        await setPassword(h.db, cliActor(), username, password).catch(asCliError);
        out(`password changed for ${username}`);
        if (generated) out(`password: ${password}`);
      });
    });
  user
    .command('list')
    .description('list users')
    .option('--role <role>', 'only this role')
    .option('--json', 'print JSON')
    .action(async (opts: { role?: string; json?: boolean }) => {
      if (opts.role && !ROLES.includes(opts.role as Role)) throw new CliUsageError(`unknown role "${opts.role}"`);
      const { listUsers } = await users();
      await withDatabase(async (h) => {
        const { items } = await listUsers(h.db, { role: opts.role as Role | undefined, page: 1, pageSize: 1_000_000 });
        if (opts.json) return out(JSON.stringify(items));
        for (const u of items) out(`${String(u.id).padStart(4)}  ${u.username.padEnd(16)} ${u.role.padEnd(11)} ${u.scopeName ?? ''}${u.disabled ? '  (disabled)' : ''}`);
      });
    });

  program
    .command('token')
    .description('API tokens')
    .command('create')
    .description('create a bearer API token for a user (printed once; only its hash is stored)')
    .argument('<username>')
    .option('--name <name>', 'what the token is for, e.g. 12345-hotline', 'api')
    .action(async (username: string, opts: { name: string }) => {
      const { createApiToken } = await users();
      await withDatabase(async (h) => {
        const u = await h.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
        if (!u) throw new CliFailure(`no such user: ${username}`);
        const t = await createApiToken(h.db, cliActor(), Number(u.id), opts.name);
        out(t.token);
      });
    });
}
