import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRule } from './compile.ts';
import { interpret } from './interpret.ts';
import type { JsonValue, Rule } from './types.ts';
import { validateRule } from './validate.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = process.env.QIFU_CONFORMANCE_DIR ?? path.resolve(repoRoot, '../shared/conformance');
const file = path.join(dir, 'jsonlogic-tests.json');
const present = existsSync(file);

type Case = [Rule, JsonValue, JsonValue];

function loadCases(): Case[] {
  const all = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  return all.filter((x): x is Case => Array.isArray(x));
}

describe('official JsonLogic suite', () => {
  it.skipIf(!present)(`passes every case of jsonlogic-tests.json (skipped: not found at ${file}; set QIFU_CONFORMANCE_DIR)`, () => {
    const cases = loadCases();
    expect(cases.length).toBe(277);
    let passed = 0;
    const failures: string[] = [];
    for (const [rule, data, expected] of cases) {
      const v = validateRule(rule);
      const ref = interpret(rule, data);
      const closure = compileRule(rule)(data);
      const ok = v.ok && JSON.stringify(ref) === JSON.stringify(expected) && JSON.stringify(closure) === JSON.stringify(expected);
      if (ok) passed++;
      else failures.push(`${JSON.stringify(rule)} on ${JSON.stringify(data)}: want ${JSON.stringify(expected)}, reference ${JSON.stringify(ref)}, closure ${JSON.stringify(closure)}, validation ${JSON.stringify(v.issues)}`);
    }
    expect(failures).toEqual([]);
    expect(passed).toBe(277);
  });
});
