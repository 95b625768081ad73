import { describe, expect, it } from 'vitest';
import { runQifu, type CliRun } from '../testing.ts';

function qifu(args: string[], stdin = ''): Promise<CliRun> {
  return runQifu(args, { stdin });
}

describe('qifu rules / bench (CLI contract)', () => {
  it('eval, eval --ndjson, explain --json, a bad rule, and bench match --json', async () => {
    const rule = '{"and":[{"<=":[{"var":"employees"},300]},{"starts_with":[{"var":"industry"},"C39"]}]}';
    const [one, nd, ex, bad, bench] = await Promise.all([
      qifu(['rules', 'eval', '--rule', rule, '--data', '{"employees":12,"industry":"C3911"}']),
      qifu(['rules', 'eval', '--ndjson'], '{"rule":{"+":[1,2]},"data":null}\n{"rule":{"nope":[]},"data":{}}\nnot json\n{"rule":{"var":"a.b"},"data":{"a":{"b":[1]}}}\n'),
      qifu(['rules', 'explain', '--rule', rule, '--data', '{"employees":320,"industry":"C3911"}', '--json']),
      qifu(['rules', 'eval', '--rule', '{"and":[true,{"<":[1]}]}']),
      qifu(['bench', 'match', '--enterprises', '3000', '--policies', '20', '--seed', '3', '--threads', '1', '--json']),
    ]);
    expect(one).toMatchObject({ code: 0, stdout: 'true\n' });
    expect(nd.code).toBe(0);
    const lines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ result: 3 });
    expect(lines[1]).toMatchObject({ error: { code: 'UNKNOWN_OPERATOR' } });
    expect(lines[2]).toMatchObject({ error: { code: 'INVALID_JSON' } });
    expect(lines[3]).toEqual({ result: [1] });
    expect(ex.code).toBe(0);
    const e = JSON.parse(ex.stdout) as { status: string; nearMisses: { changes: { text: string }[] }[] };
    expect(e.status).toBe('false');
    expect(e.nearMisses[0]?.changes[0]?.text).toBe('employees ≤ 300（当前：320）');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('WRONG_ARITY at /and/1');
    expect(bench.code).toBe(0);
    const last = JSON.parse(bench.stdout.trim().split('\n').pop() ?? '{}') as { enterprises: number; policies: number; identical: boolean; engines: { name: string; extrapolated: boolean }[] };
    expect(last).toMatchObject({ enterprises: 3000, policies: 20, identical: true });
    expect(last.engines.map((x) => x.name)).toEqual(['qifu-columnar', 'qifu-closure', 'json-logic-engine', 'json-logic-js']);
  });
});
