import { Command, CommanderError } from 'commander';

/** Exit codes of every `qifu` command (SPEC F-2). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A domain failure the CLI reports with exit code 1 (not a usage error). */
export class CliFailure extends Error {}

/** A usage error the CLI reports with exit code 2. */
export class CliUsageError extends Error {}

export function newProgram(): Command {
  const program = new Command('qifu')
    .description('Qifu (企服) enterprise-service platform — command line')
    .showHelpAfterError()
    .exitOverride();
  return program;
}

/**
 * Runs the program and maps outcomes to exit codes: commander usage errors
 * and CliUsageError → 2, CliFailure and other errors → 1.
 */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  // Subcommands inherit exitOverride only when set before they are added, so set it everywhere now.
  const walk = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(walk);
  };
  walk(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (err instanceof CliUsageError) {
      process.stderr.write(`qifu: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`qifu: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
}
