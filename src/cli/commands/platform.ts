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

/** `--expires`: YYYY-MM-DD or a number of days; anything else, or a past date, is a usage error. */
async function expiryOption(value: string | undefined): Promise<{ expiresAt?: string; expiresInDays?: number }> {
  if (value === undefined) return {};
  const input = /^[0-9]+$/.test(value) ? { expiresInDays: Number(value) } : /^\d{4}-\d{2}-\d{2}$/.test(value) ? { expiresAt: value } : null;
  if (!input) throw new CliUsageError(`--expires must be a date YYYY-MM-DD or a number of days, got "${value}"`);
  const { tokenExpiry } = await users();
  const checked = tokenExpiry(input, new Date());
  if ('error' in checked) throw new CliUsageError(`--expires: ${checked.error}`);
  return input;
}

const SHANGHAI = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** Times as people here read them: Beijing time, minutes. */
function shanghaiTime(iso: string): string {
  return SHANGHAI.format(new Date(iso));
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
    .description("set a user's password: ends their sessions and revokes their API tokens; prints a generated one when none is given")
    .argument('<username>')
    .option('--password <password>', 'new password')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { password?: string; passwordStdin?: boolean }) => {
      const { password, generated } = await passwordFrom(opts);
      const { setPassword } = await users();
      await withDatabase(async (h) => {
        const r = await setPassword(h.db, cliActor(), { username }, password).catch(asCliError);
        out(`password changed for ${username}; ${r.endedSessions} session(s) ended, ${r.revokedTokens} API token(s) revoked`);
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

  const token = program.command('token').description('API tokens: create, list, revoke');
  token
    .command('create')
    .description('create a bearer API token for a user (printed once; only its hash is stored)')
    .argument('<username>')
    .option('--name <name>', 'what the token is for, e.g. 12345-hotline', 'api')
    .option('--expires <when>', 'expiry: a date YYYY-MM-DD (valid through that day, Beijing time) or a number of days; default none')
    .action(async (username: string, opts: { name: string; expires?: string }) => {
      const expiry = await expiryOption(opts.expires);
      const { createApiToken } = await users();
      await withDatabase(async (h) => {
        const u = await h.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
        if (!u) throw new CliFailure(`no such user: ${username}`);
        const t = await createApiToken(h.db, cliActor(), Number(u.id), opts.name, expiry).catch(asCliError);
        // stdout carries the secret alone, for scripts; the rest goes to stderr.
        out(t.token);
        process.stderr.write(`token ${t.id} for ${username}${t.expiresAt ? `, expires ${shanghaiTime(t.expiresAt)}` : ', no expiry'}\n`);
      });
    });
  token
    .command('list')
    .description("list a user's API tokens (never their secrets)")
    .argument('<username>')
    .option('--json', 'print JSON')
    .action(async (username: string, opts: { json?: boolean }) => {
      const { listTokens } = await users();
      await withDatabase(async (h) => {
        const u = await h.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
        if (!u) throw new CliFailure(`no such user: ${username}`);
        const { items } = await listTokens(h.db, { userId: Number(u.id), page: 1, pageSize: 1_000_000 });
        if (opts.json) return out(JSON.stringify(items));
        if (items.length === 0) return out(`${username} has no API tokens`);
        const rows = items.map((t) => [String(t.id), t.status, shanghaiTime(t.createdAt), t.lastUsedAt ? shanghaiTime(t.lastUsedAt) : '-', t.expiresAt ? shanghaiTime(t.expiresAt) : '-', t.name]);
        const head = ['ID', 'STATUS', 'CREATED', 'LAST USED', 'EXPIRES', 'NAME'];
        const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i]!.length)));
        for (const r of [head, ...rows]) out(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
      });
    });
  token
    .command('revoke')
    .description('revoke an API token by its id (from `qifu token list`); it is refused at once')
    .argument('<id>')
    .action(async (idText: string) => {
      if (!/^[1-9][0-9]{0,15}$/.test(idText)) throw new CliUsageError(`token id must be a positive integer, got "${idText}"`);
      const { revokeToken } = await users();
      await withDatabase(async (h) => {
        const r = await revokeToken(h.db, cliActor(), Number(idText)).catch(asCliError);
        out(r.alreadyRevoked ? `token ${r.id} (${r.name}) of ${r.username} was already revoked` : `revoked token ${r.id} (${r.name}) of ${r.username}`);
      });
    });
}
