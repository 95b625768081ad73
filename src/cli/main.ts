import { newProgram, runProgram } from './program.ts';
import { registerCommands } from './commands/index.ts';

const program = newProgram();
registerCommands(program);
const code = await runProgram(program, process.argv.slice(2));
process.exit(code);
