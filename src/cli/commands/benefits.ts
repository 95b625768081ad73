import type { Command } from 'commander';
import type { AuthUser } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { cliActor, out, withDatabase } from '../context.ts';
import { CliFailure, CliUsageError } from '../program.ts';

// The module loads inside the actions, so `qifu --help` starts fast.
const benefits = () => import('../../modules/benefits/index.ts');

export function asCliFailure(err: unknown): never {
  if (err instanceof AppError) {
    const msg = `${err.title}${err.message && err.message !== err.title ? `: ${err.message}` : ''}${err.field ? ` (${err.field})` : ''}`;
    if (err.code === 'VALIDATION_FAILED') throw new CliUsageError(msg);
    throw new CliFailure(msg);
  }
  throw err;
}

export function idArg(name: string, v: string): number {
  if (!/^[1-9]\d{0,15}$/.test(v)) throw new CliUsageError(`${name} must be a positive integer, got "${v}"`);
  return Number(v);
}

function periodArg(v: string): string {
  if (!/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$/.test(v)) throw new CliUsageError(`--period must look like 2026, 2026-H1, 2026-Q3 or 2026-07, got "${v}"`);
  return v;
}

/** `qifu benefits compute|approve|pay|ledger` (SPEC P-5, issue 6). */
export function registerBenefitCommands(program: Command): void {
  const b = program.command('benefits').description('免申即享 disbursement batches and the benefit ledger (P-5)');

  b.command('compute')
    .description('compute (or refresh, while still a draft) the batch of a policy and period; prints the batch id — the same policy and period always give the same batch')
    .requiredOption('--policy <id>', 'policy id')
    .requiredOption('--period <period>', 'benefit period: 2026, 2026-H1, 2026-Q3 or 2026-07')
    .action(async (opts: { policy: string; period: string }) => {
      const policyId = idArg('--policy', opts.policy);
      const period = periodArg(opts.period);
      const { computeBatch } = await benefits();
      await withDatabase(async (h) => {
        const r = await computeBatch(h.db, cliActor(), null, { policyId, period }).catch(asCliFailure);
        out(String(r.id));
      });
    });

  b.command('approve')
    .description('approve a draft batch (审核通过), audited as USERNAME, who must be admin or staff of the policy’s department')
    .requiredOption('--batch <id>', 'batch id')
    .requiredOption('--user <username>', 'the approving user')
    .action(async (opts: { batch: string; user: string }) => {
      const batchId = idArg('--batch', opts.batch);
      const { approveBatch } = await benefits();
      await withDatabase(async (h) => {
        const u = await h.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department', 'street', 'uscc', 'disabled']).where('username', '=', opts.user).executeTakeFirst();
        if (!u || u.disabled) throw new CliFailure(`no such active user: ${opts.user}`);
        const user: AuthUser = { id: Number(u.id), username: u.username, displayName: u.display_name, role: u.role, department: u.department, street: u.street, uscc: u.uscc };
        const r = await approveBatch(h.db, user, batchId).catch(asCliFailure);
        out(`batch ${r.id} ${r.status} by ${user.username}`);
      });
    });

  b.command('pay')
    .description('pay every unpaid item of an approved batch, one small transaction each; safe to kill and rerun (QIFU_PAY_DELAY_MS paces items, for tests)')
    .requiredOption('--batch <id>', 'batch id')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { batch: string; json?: boolean }) => {
      const batchId = idArg('--batch', opts.batch);
      const delayMs = Number(process.env.QIFU_PAY_DELAY_MS ?? 0) || 0;
      const { payBatch } = await benefits();
      await withDatabase(async (h) => {
        // Progress on stderr: the first line once paying has started, then every 100 payments.
        const onProgress = (n: number, pending: number): void => {
          if (n === 0 || n % 100 === 0) process.stderr.write(`paying batch ${batchId}: ${n}/${pending}\n`);
        };
        const r = await payBatch(h.db, cliActor(), null, batchId, { delayMs, onProgress }).catch(asCliFailure);
        if (opts.json) out(JSON.stringify(r));
        else out(`batch ${r.id} ${r.status}: paid now ${r.paidNow}; in total ${r.paidCount} payments, ${(r.paidFen / 100).toFixed(2)} 元`);
      });
    });

  b.command('ledger')
    .description('the ledger of a policy and period: one line per enterprise paid')
    .requiredOption('--policy <id>', 'policy id')
    .requiredOption('--period <period>', 'benefit period')
    .option('--json', 'print JSON: [{"uscc","amountFen",…}]')
    .action(async (opts: { policy: string; period: string; json?: boolean }) => {
      const policyId = idArg('--policy', opts.policy);
      const period = periodArg(opts.period);
      const { ledgerFor, loadPolicy } = await benefits();
      await withDatabase(async (h) => {
        await loadPolicy(h.db, policyId).catch(asCliFailure);
        const rows = await ledgerFor(h.db, policyId, period);
        if (opts.json) out(JSON.stringify(rows));
        else {
          for (const r of rows) out(`${r.uscc}\t${(r.amountFen / 100).toFixed(2)}\tv${r.version}\t${r.paidAt}`);
          out(`${rows.length} payments, ${(rows.reduce((s, r) => s + r.amountFen, 0) / 100).toFixed(2)} 元`);
        }
      });
    });
}
