import type { Command } from 'commander';
import { out, withDatabase } from '../context.ts';
import { asCliFailure, idArg } from './benefits.ts';

/** `qifu policies list` and `qifu match policy` (P-1, P-4, P-5). */
export function registerPolicyCommands(program: Command): void {
  program
    .command('policies')
    .description('policies (惠企政策)')
    .command('list')
    .description('every policy with its mode (apply = 申报, auto = 免申即享), status, department and published version')
    .option('--json', 'print JSON: [{"id","title","mode","status","department","version",…}]')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async (h) => {
        const rows = await h.db.selectFrom('policies').select(['id', 'code', 'title', 'mode', 'status', 'department', 'published_version', 'category', 'valid_to']).orderBy('id').execute();
        const items = rows.map((r) => ({ id: Number(r.id), code: r.code, title: r.title, mode: r.mode, status: r.status, department: r.department, version: r.published_version, category: r.category, validTo: r.valid_to }));
        if (opts.json) out(JSON.stringify(items));
        else for (const p of items) out(`${p.id}\t${p.mode === 'auto' ? '免申即享' : '申报'}\t${p.status}\tv${p.version}\t${p.department}\t${p.title}`);
      });
    });

  program
    .command('match')
    .description('matching (政策找企业)')
    .command('policy')
    .description('enterprises eligible now under the published version, with the amount by its benefit formula (amountFen null when the policy has no formula or the data for the amount are missing)')
    .argument('<id>', 'policy id')
    .option('--json', 'print JSON: [{"uscc","amountFen"}]')
    .action(async (id: string, opts: { json?: boolean }) => {
      const policyId = idArg('policy id', id);
      const { eligibleNow, loadPolicy } = await import('../../modules/benefits/index.ts');
      await withDatabase(async (h) => {
        const policy = await loadPolicy(h.db, policyId).catch(asCliFailure);
        const rows = (await eligibleNow(h.db, policy)).map((m) => ({ uscc: m.uscc, amountFen: m.amountFen, name: m.name }));
        if (opts.json) out(JSON.stringify(rows));
        else {
          for (const r of rows) out(`${r.uscc}\t${r.amountFen === null ? '-' : (r.amountFen / 100).toFixed(2)}\t${r.name}`);
          out(`${rows.length} eligible enterprises (policy ${policyId}, version ${policy.version})`);
        }
      });
    });
}
