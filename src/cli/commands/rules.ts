import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import {
  explainRule,
  interpret,
  isDateString,
  RuleError,
  validateRule,
  type Catalog,
  type ExplainNode,
  type Explanation,
  type JsonValue,
  type Rule,
  type RuleErrorCode,
} from '../../core/rules/index.ts';
import { CliFailure, CliUsageError } from '../program.ts';

/** `--x JSON` or `--x @file`: the text of the argument. */
function argText(value: string, flag: string): string {
  if (!value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8');
  } catch (e) {
    throw new CliUsageError(`${flag}: cannot read ${value.slice(1)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseJsonArg(value: string, flag: string): JsonValue {
  const text = argText(value, flag);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new CliFailure(`INVALID_JSON: ${flag} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function checkToday(today: string | undefined): void {
  if (today !== undefined && !isDateString(today)) throw new CliUsageError(`--today must be a YYYY-MM-DD date, got "${today}"`);
}

function failOn(rule: unknown, catalog: Catalog | undefined): void {
  const v = validateRule(rule, catalog ? { catalog } : {});
  if (!v.ok) throw new CliFailure(v.issues.map((i) => `${i.code} at ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n'));
}

function errorOf(e: unknown): { code: RuleErrorCode; message: string } {
  if (e instanceof RuleError) return { code: e.code, message: e.message };
  return { code: 'EVALUATION_ERROR', message: e instanceof Error ? e.message : String(e) };
}

/** One NDJSON line → one output line; never throws. */
function evalLine(line: string, today: string | undefined, catalog: Catalog | undefined): string {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (e) {
    return JSON.stringify({ error: { code: 'INVALID_JSON', message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` } });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !Object.hasOwn(input, 'rule')) {
    return JSON.stringify({ error: { code: 'MALFORMED', message: 'each line must be an object {"rule": …, "data": …}' } });
  }
  const { rule, data } = input as { rule: unknown; data?: unknown };
  const lineToday = (input as { today?: unknown }).today;
  try {
    const v = validateRule(rule, catalog ? { catalog } : {});
    if (!v.ok) {
      const i = v.issues[0];
      return JSON.stringify({ error: { code: i?.code ?? 'MALFORMED', message: `${i?.message ?? 'invalid rule'}${i && i.path !== '' ? ` at ${i.path}` : ''}` } });
    }
    const t = typeof lineToday === 'string' ? lineToday : today;
    const result = interpret(rule as Rule, data ?? null, t === undefined ? {} : { today: t });
    return JSON.stringify({ result: result ?? null });
  } catch (e) {
    return JSON.stringify({ error: errorOf(e) });
  }
}

async function evalNdjson(today: string | undefined, catalog: Catalog | undefined): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let buf = '';
  const flush = async (): Promise<void> => {
    if (buf === '') return;
    const ok = process.stdout.write(buf);
    buf = '';
    if (!ok) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    buf += `${evalLine(line, today, catalog)}\n`;
    if (buf.length > 1 << 16) await flush();
  }
  await flush();
}

const MARK: Readonly<Record<string, string>> = { true: '✓', false: '✗', unknown: '?' };

function renderTree(n: ExplainNode, indent: string, out: string[]): void {
  if (n.children === undefined) {
    const vals = (n.attributes ?? []).map((a) => `${a.name} = ${a.missing ? 'missing' : JSON.stringify(a.value)}`).join(', ');
    out.push(`${indent}${MARK[n.truth]} ${n.text ?? n.op}${vals ? `   (${vals})` : ''}`);
    return;
  }
  out.push(`${indent}${MARK[n.truth]} ${n.op}${n.path === '' ? '' : `   ${n.path}`}`);
  for (const c of n.children) renderTree(c, `${indent}  `, out);
}

export function renderExplanation(e: Explanation): string {
  const out = [`status: ${e.status === 'true' ? 'eligible' : e.status === 'false' ? 'not eligible' : 'unknown (data missing)'}   result: ${JSON.stringify(e.result)}`];
  renderTree(e.tree, '', out);
  if (e.missing.length > 0) out.push(`missing: ${e.missing.join(', ')}`);
  if (e.nearMisses.length > 0) {
    out.push('near misses:');
    for (const nm of e.nearMisses) out.push(`  - ${nm.changes.map((c) => c.text).join(' AND ')}${nm.wouldBe === 'unknown' ? '   (then depends on missing data)' : ''}`);
  }
  return `${out.join('\n')}\n`;
}

interface CommonOpts {
  rule?: string;
  data?: string;
  today?: string;
  catalog?: string;
}

function loadCatalog(o: CommonOpts): Catalog | undefined {
  if (o.catalog === undefined) return undefined;
  const c = parseJsonArg(o.catalog, '--catalog');
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new CliUsageError('--catalog must be a JSON object {"name": "number" | {"type": …}}');
  return c as unknown as Catalog;
}

/** `qifu rules …`: evaluate, explain and validate JsonLogic eligibility rules. */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('JsonLogic eligibility rules: evaluate, explain, validate (docs/rules.md)');

  rules
    .command('eval')
    .description('evaluate a rule against data and print the result as JSON; with --ndjson, read {"rule","data"} lines from stdin')
    .option('--rule <json>', 'the rule: JSON text or @file')
    .option('--data <json>', 'the data: JSON text or @file (default null)')
    .option('--ndjson', 'read lines {"rule":…,"data":…} from stdin; print {"result":…} or {"error":{"code","message"}} per line')
    .option('--today <date>', 'YYYY-MM-DD used by the date extensions (the engine never reads the clock)')
    .option('--catalog <json>', 'attribute catalog (JSON or @file) to validate attributes and types')
    .action(async (o: CommonOpts & { ndjson?: boolean }) => {
      checkToday(o.today);
      const catalog = loadCatalog(o);
      if (o.ndjson) {
        if (o.rule !== undefined || o.data !== undefined) throw new CliUsageError('--ndjson reads rules and data from stdin; do not pass --rule or --data');
        await evalNdjson(o.today, catalog);
        return;
      }
      if (o.rule === undefined) throw new CliUsageError('--rule is required (or --ndjson)');
      const rule = parseJsonArg(o.rule, '--rule');
      const data = o.data === undefined ? null : parseJsonArg(o.data, '--data');
      failOn(rule, catalog);
      try {
        const result = interpret(rule, data, o.today === undefined ? {} : { today: o.today });
        process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
      } catch (e) {
        const err = errorOf(e);
        throw new CliFailure(`${err.code}: ${err.message}`);
      }
    });

  rules
    .command('explain')
    .description('explain a rule for one record: each condition true / false / unknown, values used, near misses')
    .requiredOption('--rule <json>', 'the rule: JSON text or @file')
    .option('--data <json>', 'the record: JSON text or @file (default {})')
    .option('--today <date>', 'YYYY-MM-DD used by the date extensions')
    .option('--catalog <json>', 'attribute catalog (JSON or @file): validates the rule and labels the explanation')
    .option('--json', 'print the explanation as JSON')
    .action((o: CommonOpts & { json?: boolean }) => {
      checkToday(o.today);
      const catalog = loadCatalog(o);
      const rule = parseJsonArg(o.rule ?? '', '--rule');
      const data = o.data === undefined ? {} : parseJsonArg(o.data, '--data');
      failOn(rule, catalog);
      let e: Explanation;
      try {
        e = explainRule(rule, data, { ...(catalog ? { catalog } : {}), ...(o.today === undefined ? {} : { today: o.today }) });
      } catch (err) {
        const x = errorOf(err);
        throw new CliFailure(`${x.code}: ${x.message}`);
      }
      process.stdout.write(o.json ? `${JSON.stringify(e, null, 2)}\n` : renderExplanation(e));
    });

  rules
    .command('validate')
    .description('check a rule (operators, arity, depth, size; attributes and types with --catalog); prints issues as JSON, exit 1 if any')
    .requiredOption('--rule <json>', 'the rule: JSON text or @file')
    .option('--catalog <json>', 'attribute catalog (JSON or @file)')
    .action((o: CommonOpts) => {
      const catalog = loadCatalog(o);
      const rule = parseJsonArg(o.rule ?? '', '--rule');
      const v = validateRule(rule, catalog ? { catalog } : {});
      process.stdout.write(`${JSON.stringify({ ok: v.ok, issues: v.issues })}\n`);
      if (!v.ok) process.exitCode = 1;
    });
}
