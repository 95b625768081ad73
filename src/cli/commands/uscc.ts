import type { Command } from 'commander';
import { createRng, seedFromString } from '../../core/random.ts';
import { generateUscc, REGISTRATION_AUTHORITIES, validateUscc } from '../../core/codes/uscc.ts';
import { CliUsageError } from '../program.ts';

async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** `qifu uscc …`: check and generate 统一社会信用代码 (GB 32100-2015). */
export function registerUsccCommands(program: Command): void {
  const uscc = program.command('uscc').description('统一社会信用代码 (GB 32100-2015): check and generate');

  uscc
    .command('check')
    .description('check codes; one line per code: "CODE valid" or "CODE invalid: reason". Exit 0 if all valid, 1 otherwise')
    .argument('<codes...>', 'codes to check; "-" reads codes from stdin, one a line')
    .option('--json', 'print a JSON array of {code, valid, reason?, errors?, warnings?}')
    .action(async (args: string[], opts: { json?: boolean }) => {
      const codes: string[] = [];
      for (const a of args) {
        if (a === '-') codes.push(...(await readStdinLines()));
        else codes.push(a);
      }
      const results = codes.map((c) => validateUscc(c));
      if (opts.json) {
        const rows = results.map((r) => ({
          code: r.code,
          valid: r.valid,
          ...(r.valid ? { parts: r.parts } : { reason: r.reason, errors: r.errors.map((e) => ({ code: e.code, message: e.message })) }),
          ...(r.warnings.length > 0 ? { warnings: r.warnings.map((w) => ({ code: w.code, message: w.message })) } : {}),
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        process.stdout.write(results.map((r) => (r.valid ? `${r.code} valid\n` : `${r.code} invalid: ${r.reason}\n`)).join(''));
      }
      if (results.some((r) => !r.valid)) process.exitCode = 1;
    });

  uscc
    .command('generate')
    .description('print valid synthetic codes, deterministic from --seed')
    .option('--count <n>', 'how many codes', '1')
    .option('--seed <seed>', 'seed (any text)', 'qifu')
    .option('--authority <char>', `registration authority (${REGISTRATION_AUTHORITIES.map((a) => a.code).join(' ')})`, '9')
    .option('--type <char>', 'entity type valid for the authority (default: random)')
    .option('--division <code>', '6-digit division code (default: a random Shanghai district)')
    .action((opts: { count: string; seed: string; authority: string; type?: string; division?: string }) => {
      if (!/^\d+$/.test(opts.count) || Number(opts.count) < 1 || Number(opts.count) > 1_000_000) {
        throw new CliUsageError(`--count must be an integer from 1 to 1000000, got "${opts.count}"`);
      }
      const rng = createRng(seedFromString(opts.seed));
      const lines: string[] = [];
      try {
        for (let i = 0; i < Number(opts.count); i++) {
          lines.push(generateUscc(rng, { authority: opts.authority, entityType: opts.type, division: opts.division }));
        }
      } catch (e) {
        throw new CliUsageError(e instanceof Error ? e.message : String(e));
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
