import type { Command } from 'commander';
import { CodesError } from '../../core/codes/errors.ts';
import { getIndustry, industryChildren, industryNamePath, industryPath, isIndustryWithin } from '../../core/codes/industry.ts';
import { CliFailure, CliUsageError } from '../program.ts';

function run<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof CodesError) {
      if (e.code === 'INDUSTRY_CODE_UNKNOWN') throw new CliFailure(e.message);
      throw new CliUsageError(e.message);
    }
    throw e;
  }
}

/** `qifu industry …`: GB/T 4754-2017 industry classification. */
export function registerIndustryCommands(program: Command): void {
  const industry = program.command('industry').description('GB/T 4754-2017 industry classification (国民经济行业分类)');

  industry
    .command('show')
    .description('code, name and path of an industry code (C, C39, C391, C3911 or 3911)')
    .argument('<code>')
    .option('--json', 'print {code, level, name, path, children}')
    .action((code: string, opts: { json?: boolean }) => {
      const item = run(() => getIndustry(code));
      const path = industryPath(item.code);
      const children = industryChildren(item.code);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ ...item, path: path.map((p) => ({ code: p.code, name: p.name })), children: children.map((c) => ({ code: c.code, name: c.name })) }, null, 2)}\n`,
        );
        return;
      }
      const lines = [`${item.code} ${item.name}`, industryNamePath(item.code), ...children.map((c) => `  ${c.code} ${c.name}`)];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  industry
    .command('within')
    .description('prints true when CODE is PARENT or lies below it, false otherwise')
    .argument('<code>')
    .argument('<parent>')
    .option('--json', 'print {code, parent, within}')
    .action((code: string, parent: string, opts: { json?: boolean }) => {
      const within = run(() => isIndustryWithin(code, parent));
      process.stdout.write(opts.json ? `${JSON.stringify({ code: getIndustry(code).code, parent: getIndustry(parent).code, within })}\n` : `${within}\n`);
    });
}
