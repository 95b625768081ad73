import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { AuthUser } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { cliActor, out, withDatabase } from '../context.ts';
import { CliFailure, CliUsageError } from '../program.ts';
import { todayInShanghai } from '../../platform/clock.ts';

const enterprises = () => import('../../modules/enterprises/index.ts');

/** The CLI operator reads the whole registry, unmasked, like admin. */
const OPERATOR: AuthUser = { id: 0, username: 'cli', displayName: 'CLI', role: 'admin', department: null, street: null, uscc: null };

function intOption(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new CliUsageError(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

/** `qifu import enterprises`, `qifu export enterprises`, and `qifu seed --enterprises` (E-2, issue 3). */
export function registerEnterpriseCommands(program: Command): void {
  program
    .command('import')
    .description('import data')
    .command('enterprises')
    .description('import enterprises from .csv or .xlsx (upsert by 统一社会信用代码); bad rows are listed, good rows committed')
    .argument('<file>')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      if (!fs.existsSync(file)) throw new CliUsageError(`no such file: ${file}`);
      const { importEnterprises, DEFAULT_DISTRICT } = await enterprises();
      await withDatabase(async (h) => {
        const r = await importEnterprises(h.db, cliActor(), path.basename(file), fs.readFileSync(file), DEFAULT_DISTRICT).catch((err: unknown) => {
          if (err instanceof AppError) throw new CliFailure(`${err.title}${err.message !== err.title ? `: ${err.message}` : ''}`);
          throw err;
        });
        if (opts.json) out(JSON.stringify(r));
        else {
          out(`import ${r.importId}: ${r.total} rows — inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, failed ${r.failed}`);
          for (const e of r.errors) out(`  row ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`);
          if (r.errors.length < r.failed) out(`  … full list: GET /api/v1/enterprises/imports/${r.importId}/errors.xlsx`);
        }
        if (r.failed > 0) process.exitCode = 1;
      });
    });

  program
    .command('export')
    .description('export data')
    .command('enterprises')
    .description('export enterprises to .csv or .xlsx (by the file extension), optionally filtered')
    .argument('<file>')
    .option('--street <code>', 'only this street/town')
    .option('--industry <code>', 'only this industry (and below)')
    .option('--status <status>', 'only this registration status')
    .option('--tag <tag>', 'only enterprises with this tag')
    .action(async (file: string, opts: { street?: string; industry?: string; status?: string; tag?: string }) => {
      const ext = path.extname(file).toLowerCase();
      if (ext !== '.csv' && ext !== '.xlsx') throw new CliUsageError('the file must end in .csv or .xlsx');
      const { listEnterprises, loadCatalog, toCsv, toXlsx } = await enterprises();
      await withDatabase(async (h) => {
        const [{ items }, catalog] = await Promise.all([listEnterprises(h.db, OPERATOR, { ...opts, page: 1, pageSize: 10_000_000 }), loadCatalog(h.db)]);
        fs.writeFileSync(file, ext === '.csv' ? toCsv(items, catalog) : await toXlsx(items, catalog));
        out(`exported ${items.length} enterprises to ${file}`);
      });
    });
}

/** Adds `--enterprises N --seed S` to `qifu seed`: synthetic, deterministic enterprises (item 10). */
export async function seedSyntheticEnterprises(opts: { enterprises?: string; seed?: string; district?: string }): Promise<void> {
  const count = intOption('--enterprises', opts.enterprises, 1);
  if (count === undefined) return;
  const seed = intOption('--seed', opts.seed ?? '1', 0)!;
  const { insertRecords } = await enterprises();
  const { generateEnterprises } = await import('../../modules/enterprises/domain/synthetic.ts');
  await withDatabase(async (h) => {
    const started = Date.now();
    const today = todayInShanghai();
    let last = 0;
    const n = await insertRecords(h.db, generateEnterprises({ count, seed, today, district: opts.district }), {
      chunk: 10_000,
      onProgress: (done) => {
        if (done - last >= 100_000) {
          last = done;
          process.stderr.write(`  … ${done} enterprises\n`);
        }
      },
    });
    out(`seeded ${n} new synthetic enterprises (of ${count}, seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}
