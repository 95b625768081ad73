#!/usr/bin/env node
// `npm test`: every test, in one command (README "Tests").
//  1. ESLint (incl. the dependency-direction rule) and TypeScript (server + web)
//  2. unit + integration tests on embedded PGlite
//  3. the database-backed tests again on native PostgreSQL when TEST_DATABASE_URL is set
//  4. browser journeys (Playwright + Debian chromium) against the built web UI
// A missing native server or browser is reported as skipped with the reason,
// except in CI (CI=true), where both are required.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedSuites = [];
let failed = false;
fs.mkdirSync('.tmp', { recursive: true });

function step(title, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    failed = true;
    process.stdout.write(`!!! ${title} failed (exit ${r.status ?? r.signal})\n`);
  }
  return r.status === 0;
}

function vitest(title, args, env = {}) {
  const out = path.join('.tmp', `vitest-${title.replace(/\W+/g, '-')}.json`);
  fs.rmSync(out, { force: true });
  step(title, 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args], env);
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    if (j.numTotalTests === 0) {
      failed = true;
      process.stdout.write(`!!! ${title} ran no test\n`);
    }
  } else {
    failed = true;
  }
}

step('lint', 'npx', ['eslint', '.']);
if (step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])) step('typecheck web', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);

vitest('unit and integration (PGlite)', []);

if (process.env.TEST_DATABASE_URL) {
  vitest('integration (native PostgreSQL)', ['src/platform', 'src/modules', 'src/server', 'src/cli'], { QIFU_TEST_DB: 'pg' });
} else if (ci) {
  failed = true;
  process.stdout.write('!!! CI needs TEST_DATABASE_URL for the native PostgreSQL run (.ci/run sets it)\n');
} else {
  skippedSuites.push('native PostgreSQL run skipped: TEST_DATABASE_URL not set (scripts/pg-test-cluster.sh starts one)');
}

if (fs.existsSync(chromium)) {
  if (step('build web', 'npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'])) {
    vitest('browser journeys (chromium)', ['--config', 'test/e2e/vitest.config.ts']);
  }
} else if (ci) {
  failed = true;
  process.stdout.write(`!!! CI needs chromium at ${chromium} for the browser tests\n`);
} else {
  skippedSuites.push(`browser tests skipped: no chromium at ${chromium} (apt-get install -y chromium fonts-noto-cjk)`);
}

process.stdout.write('\n');
for (const s of skippedSuites) process.stdout.write(`note: ${s}\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failed || totals.failed > 0 ? 1 : 0);
