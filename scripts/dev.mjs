// `npm run dev`: the API server (restarting on change) and the Vite dev
// server (hot reload, proxying /api to the API) side by side. Ctrl-C stops both.
import { spawn } from 'node:child_process';

const isWindows = process.platform === 'win32';
const children = [];
let stopping = false;

function run(name, command, args, colour) {
  const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'], shell: isWindows, env: process.env });
  const prefix = `\x1b[${colour}m[${name}]\x1b[0m `;
  // Prefix every line so the two logs stay readable when interleaved.
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let rest = '';
    from.setEncoding('utf8');
    from.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) to.write(prefix + line + '\n');
    });
    from.on('end', () => {
      if (rest) to.write(prefix + rest + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // One side gone makes the pair useless: stop the other and report why.
    process.stderr.write(`${prefix}exited (${signal ?? code}); stopping dev\n`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  // Give them a moment to close ports and databases, then force it.
  const timer = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 5000);
  timer.unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', process.execPath, ['--import', 'tsx', '--watch', 'src/server/main.ts'], '36');
run('web', isWindows ? 'npx.cmd' : 'npx', ['vite', '--config', 'web/vite.config.ts'], '35');
