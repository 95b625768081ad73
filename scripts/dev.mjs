// `npm run dev`: the API server (restarting on change) and the Vite dev
// server (hot reload, proxying /api to the API) side by side. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const isWindows = process.platform === 'win32';
const children = [];
let stopping = false;

function run(name, command, args, colour) {
  // Own process group on POSIX, so stopping reaches grandchildren too
  // (node --watch runs the server as a child of its own).
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: !isWindows, env: process.env });
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

function signal(child, sig) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (isWindows) child.kill(sig);
    else process.kill(-child.pid, sig);
  } catch {
    // Already gone.
  }
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) signal(child, 'SIGTERM');
  // Give them a moment to close ports and databases, then force it.
  const timer = setTimeout(() => {
    for (const child of children) signal(child, 'SIGKILL');
    process.exit(code);
  }, 5000);
  timer.unref();
  Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', process.execPath, ['--import', 'tsx', '--watch', 'src/server/main.ts'], '36');
// Vite's own CLI run by this node, not through npx, so no extra npm process sits in between.
const vitePkg = createRequire(import.meta.url).resolve('vite/package.json');
const viteBin = path.join(path.dirname(vitePkg), 'bin/vite.js');
run('web', process.execPath, [viteBin, '--config', 'web/vite.config.ts'], '35');
