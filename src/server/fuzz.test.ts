import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../core/codes/uscc.ts';
import { createRng } from '../core/random.ts';
import type { Access } from '../platform/access.ts';
import { DEMO_ENTERPRISE_USCC } from '../modules/enterprises/index.ts';
import { testApp, type Session, type TestApp } from './testing.ts';

/**
 * Fuzz test of every write route (SPEC §10, issue 12 item 16). The routes come
 * from the real app's OpenAPI document, so a route added later is fuzzed
 * without new test code. For each route, as the roles allowed to call it, it
 * sends wrong types, NUL, invalid UTF-8 and lone surrogates, oversized and
 * deeply nested values, hostile strings (SQL, HTML, formulas), huge and
 * non-finite numbers, arrays for scalars and objects for strings — in body
 * fields, query parameters and path parameters (and malformed multipart
 * bodies for upload routes) — and asserts:
 *   - never a 5xx;
 *   - every 4xx is problem+json whose `status` is the HTTP status;
 *   - a refused request changes nothing: the audit log has no new record and
 *     the target resource (the longest GET route the path begins with) reads
 *     the same before and after.
 * Deterministic: a fixed seed (QIFU_FUZZ_SEED to replay another) and a
 * bounded number of runs per route (QIFU_FUZZ_RUNS). A failure prints the
 * seed, the route and the request.
 */
const SEED = Number(process.env.QIFU_FUZZ_SEED ?? 20_261_203);
const RUNS = Number(process.env.QIFU_FUZZ_RUNS ?? 30);
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
const ROLE_USERS: Record<string, string> = { admin: 'admin', dept: 'dept', street: 'street', specialist: 'specialist', inspector: 'inspector', leader: 'leader', enterprise: 'enterprise' };
const AUTHENTICATED = ['admin', 'dept', 'enterprise', 'street', 'leader', 'specialist', 'inspector'];

// ---------------------------------------------------------------- hostile values

/** JSON text inserted as is (numbers JSON.stringify cannot write: 1e400 parses to Infinity). */
class Raw {
  constructor(readonly text: string) {}
}
/** A JSON string holding bytes that are not UTF-8. */
class Bytes {
  constructor(readonly bytes: readonly number[]) {}
}

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE enterprises; --",
  '" OR ""="',
  '\\',
  '%_%',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://evil.example","x")',
  '+1',
  '-1',
  '@SUM(A1)',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '\ufffd',
  '\u202eevil',
  '\ufeff',
  '../../../../etc/passwd',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1e400',
  '-0',
  ' 1 ',
  '',
  ' ',
  '1,000',
  '１２',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '9999',
  '0000',
  '𠮷'.repeat(300),
  'x'.repeat(5000),
  'y'.repeat(200_000),
];
const HOSTILE_NUMBERS = [0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, 2 ** 63, 1e21, Number.MIN_VALUE, 9_007_199_254_740_991];
const RAWS = [new Raw('1e400'), new Raw('-1e400'), new Raw('123456789012345678901234567890'), new Raw('-0'), new Raw('1E-400')];
const BYTES = [new Bytes([0xff]), new Bytes([0xc3]), new Bytes([0xe4, 0xb8]), new Bytes([0xed, 0xa0, 0x80]), new Bytes([0xc0, 0xaf])];

/** n nested arrays or objects, as JSON text (building them as values would overflow JSON.stringify first). */
const nest = (n: number, obj: boolean): Raw => new Raw(obj ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` : `${'['.repeat(n)}1${']'.repeat(n)}`);

const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 6 },
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(true, false, null), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(...RAWS, ...BYTES), weight: 2 },
  { arbitrary: fc.string({ unit: anyChar, maxLength: 30 }), weight: 2 },
  { arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), weight: 2 },
  { arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), weight: 2 },
  { arbitrary: fc.tuple(fc.integer({ min: 150, max: 100_000 }), fc.boolean()).map(([n, o]) => nest(n, o)), weight: 1 },
  { arbitrary: fc.constant<unknown>(Array.from({ length: 20_000 }, (_, i) => i)), weight: 1 },
);

/** Encodes a body with Raw and Bytes placeholders into the exact bytes sent. */
function encodeJson(value: unknown): Buffer {
  const specials: Array<Raw | Bytes> = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Raw || v instanceof Bytes) {
      specials.push(v);
      return `\u0001S${specials.length - 1}\u0001`;
    }
    return v;
  });
  if (text === undefined) return Buffer.from('null');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/"\\u0001S(\d+)\\u0001"/g)) {
    parts.push(Buffer.from(text.slice(last, m.index)));
    const s = specials[Number(m[1])]!;
    parts.push(s instanceof Raw ? Buffer.from(s.text) : Buffer.concat([Buffer.from('"a'), Buffer.from(s.bytes), Buffer.from('b"')]));
    last = m.index! + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last)));
  return Buffer.concat(parts);
}

const QUERY_RAW = ['%00', '%FF', '%E0%A4', '%C0%AF', '%ED%A0%80', '%', '%%', '%zz', 'a%00b', '%2F..%2F', '1e400', '-0', '0x10', 'NaN', '99999999999999999999'];
// encodeURIComponent throws on a lone surrogate: those go as their raw percent forms (QUERY_RAW: %ED%A0%80) instead.
const withoutLoneSurrogates = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...QUERY_RAW),
  fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 6000)).map((s) => encodeURIComponent(withoutLoneSurrogates(s))),
  fc.constantFrom(...HOSTILE_NUMBERS).map(String),
);

// ---------------------------------------------------------------- schemas

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  minLength?: number;
  nullable?: boolean;
}
interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

const PATTERN_SAMPLES: Array<[RegExp, string]> = [
  [/18/, DEMO_ENTERPRISE_USCC],
  [/\\d\{4\}-\\d\{2\}-\\d\{2\}/, '2026-06-01'],
  [/Q\[1-4\]/, '2026'],
  [/a-z0-9/, 'fuzz-x'],
];

/** A value the schema accepts (good enough to get past validation for the other fields). */
function sample(s: JsonSchema | undefined): unknown {
  if (!s) return true;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const branches = s.anyOf ?? s.oneOf;
  if (branches?.length) return sample(branches.find((b) => b.type !== 'null') ?? branches[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k])]));
    case 'array':
      return [];
    case 'string': {
      if (s.format === 'date') return '2026-06-01';
      const p = s.pattern && PATTERN_SAMPLES.find(([re]) => re.test(s.pattern!));
      if (p) return p[1];
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      return true; // Unknown: a rule, a formula amount …
  }
}

/** Paths of the fields a body schema names (object branches of unions included), up to 3 levels. */
function fieldPaths(s: JsonSchema | undefined, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!s || prefix.length >= 3) return out;
  for (const b of s.anyOf ?? s.oneOf ?? []) fieldPaths(b, prefix, out);
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    out.push([...prefix, k]);
    fieldPaths(sub, [...prefix, k], out);
  }
  return out;
}

function setPath(body: unknown, p: readonly string[], v: unknown): unknown {
  const root = body !== null && typeof body === 'object' && !Array.isArray(body) ? structuredClone(body) as Record<string, unknown> : {};
  let cur = root;
  for (const k of p.slice(0, -1)) {
    const next = cur[k];
    cur[k] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[p[p.length - 1]!] = v;
  return root;
}

// ---------------------------------------------------------------- the app and its fixtures

let t: TestApp;
const sessions: Record<string, Session> = {};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-fuzz-'));
const fixtures: Record<string, string> = {};
let passwordHashes = new Map<string, string>();
const rng = createRng(SEED);

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const CSV = Buffer.from(`统一社会信用代码,企业名称,地址\n${DEMO_ENTERPRISE_USCC},上海闵欣智能科技有限公司,=HYPERLINK("x")\n`);

function multipartBody(opts: { filename?: Buffer; content: Buffer; field?: string; boundary?: string; extraParts?: number }): { payload: Buffer; boundary: string } {
  const boundary = opts.boundary ?? 'fuzzboundary';
  const parts: Buffer[] = [];
  for (let i = 0; i < (opts.extraParts ?? 0); i++) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv${i}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="`), opts.filename ?? Buffer.from('upload.csv'), Buffer.from(`"\r\nContent-Type: application/octet-stream\r\n\r\n`), opts.content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), boundary };
}

const policyBody = (mode: 'apply' | 'auto') => ({
  title: `模糊测试政策（${mode}）`,
  department: 'scjgj',
  category: '其他',
  mode,
  keyPoints: ['测试'],
  text: '<p>测试</p>',
  validFrom: '2026-01-01',
  validTo: '2099-12-31',
  applyFrom: '2026-01-01',
  applyTo: '2099-12-31',
  eligibility: { '>=': [{ var: 'employees' }, 0] },
  ...(mode === 'auto' ? { benefit: { amount: { '*': [{ var: 'employees' }, 100] }, cap: 1_000_000 }, budget: 100_000_000 } : { budget: 100_000_000 }),
  materials: [],
  tags: [],
});

/** A baseline body per route where the schema alone would not get past the handler's first checks. */
function baseline(method: string, template: string, schema: JsonSchema | undefined): unknown {
  const key = `${method.toUpperCase()} ${template}`;
  switch (key) {
    case 'POST /api/v1/policies':
    case 'PATCH /api/v1/policies/{id}':
      return policyBody('apply');
    case 'POST /api/v1/enterprises':
      return { uscc: generateUscc(rng, { division: '310112' }), name: '上海模糊测试有限公司', street: '310112101', employees: 5 };
    case 'PATCH /api/v1/enterprises/{uscc}':
      return { address: '上海市闵行区', employees: 20 };
    case 'POST /api/v1/users':
      return { username: 'fuzz_user', password: 'Qifu-Fuzz-Pass-2026!', role: 'leader', displayName: '模糊' };
    case 'POST /api/v1/auth/login':
      return { username: 'fuzz-nobody', password: 'wrong' };
    case 'POST /api/v1/auth/password':
      return { currentPassword: 'demo', newPassword: 'Qifu-Fuzz-Pass-2026!' };
    case 'POST /api/v1/benefits/batches':
      return { policyId: Number(fixtures.autoPolicy), period: '2026' };
    case 'POST /api/v1/policies/try-benefit':
      return { benefit: { amount: { '*': [{ var: 'employees' }, 100] } }, uscc: DEMO_ENTERPRISE_USCC };
    case 'POST /api/v1/policies/try':
      return { eligibility: { '>=': [{ var: 'employees' }, 10] }, uscc: DEMO_ENTERPRISE_USCC };
    case 'POST /api/v1/enterprises/{uscc}/assignments':
      return { userId: Number(fixtures.specialist) };
    case 'PUT /api/v1/policies/{id}/application-settings':
      return { reviewDays: 10, supplementDays: 5, allowedTypes: ['pdf'], maxFileBytes: 1_048_576 };
    case 'POST /api/v1/webhooks':
      return { name: '模糊', url: 'https://example.invalid/hook', events: ['policy.eligible'] };
    default:
      return sample(schema);
  }
}

/** The concrete value of a path parameter for a route template (fixtures made in beforeAll; 1 for routes we do not know). */
function paramValue(template: string, name: string): string {
  if (name === 'uscc') return DEMO_ENTERPRISE_USCC;
  if (name === 'fileId') return fixtures.file ?? '1';
  const rules: Array<[RegExp, string]> = [
    [/^\/api\/v1\/policies\/\{id\}\/(applications|application-settings)$/, 'applyPolicy'],
    [/^\/api\/v1\/policies\/\{id\}/, 'draftPolicy'],
    [/^\/api\/v1\/applications\/\{id\}/, 'application'],
    [/^\/api\/v1\/benefits\/batches\/\{id\}/, 'batch'],
    [/^\/api\/v1\/messages\/\{id\}/, 'message'],
    [/^\/api\/v1\/staff-messages\/\{id\}/, 'staffMessage'],
  ];
  for (const [re, f] of rules) if (re.test(template)) return fixtures[f] ?? '1';
  return '1';
}

const concrete = (template: string, override: Record<string, string> = {}) => template.replace(/\{(\w+)\}/g, (_m, n: string) => override[n] ?? encodeURIComponent(paramValue(template, n)));

async function login(username: string): Promise<Session> {
  return t.login(username);
}

const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await testApp({ dataDir });
  for (const u of Object.values(ROLE_USERS)) sessions[u] = await login(u);
  passwordHashes = new Map((await t.db.selectFrom('users').select(['username', 'password_hash']).execute()).map((r) => [r.username, r.password_hash]));
  const dept = sessions.dept!;
  const make = async (mode: 'apply' | 'auto', publish: boolean) => {
    const res = await dept.request({ method: 'POST', url: '/api/v1/policies', payload: policyBody(mode) });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as { id: number }).id;
    if (publish) for (const step of ['submit', 'publish']) expect((await dept.request({ method: 'POST', url: `/api/v1/policies/${id}/${step}`, payload: {} })).statusCode).toBe(200);
    return String(id);
  };
  fixtures.draftPolicy = await make('apply', false);
  fixtures.applyPolicy = await make('apply', true);
  fixtures.autoPolicy = await make('auto', true);
  const app = await sessions.enterprise!.request({ method: 'POST', url: `/api/v1/policies/${fixtures.applyPolicy}/applications` });
  expect(app.statusCode, app.body).toBe(201);
  fixtures.application = String((app.json() as { id: number }).id);
  const up = multipartBody({ filename: Buffer.from('licence.pdf'), content: PDF });
  const file = await sessions.enterprise!.request({ method: 'POST', url: `/api/v1/applications/${fixtures.application}/files`, payload: up.payload, headers: { 'content-type': `multipart/form-data; boundary=${up.boundary}` } });
  expect(file.statusCode, file.body).toBe(201);
  fixtures.file = String((file.json() as { id: number }).id);
  const batch = await dept.request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: Number(fixtures.autoPolicy), period: '2026' } });
  expect(batch.statusCode, batch.body).toBe(200);
  fixtures.batch = String((batch.json() as { id: number }).id);
  const msgs = (await sessions.enterprise!.request({ method: 'GET', url: '/api/v1/messages' })).json() as { items?: Array<{ id: number }> };
  if (msgs.items?.[0]) fixtures.message = String(msgs.items[0].id);
  const staff = (await dept.request({ method: 'GET', url: '/api/v1/staff-messages' })).json() as { items?: Array<{ id: number }> };
  if (staff.items?.[0]) fixtures.staffMessage = String(staff.items[0].id);
  fixtures.specialist = String((await t.db.selectFrom('users').select('id').where('username', '=', 'specialist').executeTakeFirstOrThrow()).id);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the property

interface Target {
  method: string;
  template: string;
  op: Operation;
  access: Access | undefined;
  roles: Array<string | null>;
  bodySchema: JsonSchema | undefined;
  fields: string[][];
  query: string[];
  params: string[];
  readBack: string | null;
  multipart: boolean;
}

type Mutation =
  | { kind: 'body'; field: string[] | 'whole' | 'extra'; value: unknown }
  | { kind: 'query'; name: string; value: string; twice: boolean }
  | { kind: 'path'; name: string; value: string }
  | { kind: 'multipart'; variant: number; filename: unknown; cut: number; content: number };

function rolesFor(access: Access | undefined): Array<string | null> {
  if (access === 'public') return [null, 'enterprise'];
  if (access === 'authenticated' || access === undefined) return AUTHENTICATED;
  return [...access].filter((r) => ROLE_USERS[r]);
}

function mutations(target: Target): fc.Arbitrary<Mutation> {
  const kinds: Array<fc.Arbitrary<Mutation>> = [];
  if (target.multipart) {
    kinds.push(
      fc.record({ kind: fc.constant('multipart' as const), variant: fc.integer({ min: 0, max: 8 }), filename: hostileValue, cut: fc.double({ min: 0, max: 1, noNaN: true }), content: fc.integer({ min: 0, max: 2 }) }),
    );
  } else {
    const field: fc.Arbitrary<string[] | 'whole' | 'extra'> = target.fields.length ? fc.oneof({ arbitrary: fc.constantFrom(...target.fields), weight: 8 }, fc.constant('whole' as const), fc.constant('extra' as const)) : fc.constantFrom('whole' as const, 'extra' as const);
    kinds.push(fc.record({ kind: fc.constant('body' as const), field, value: hostileValue }));
  }
  if (target.query.length) kinds.push(fc.record({ kind: fc.constant('query' as const), name: fc.constantFrom(...target.query), value: queryValue, twice: fc.boolean() }));
  if (target.params.length) kinds.push(fc.record({ kind: fc.constant('path' as const), name: fc.constantFrom(...target.params), value: fc.oneof(queryValue, fc.constantFrom('-1', '0', '1.5', '99999999999999999999', 'abc', '%2F..%2F..', '.')) }));
  return fc.oneof(...kinds);
}

function requestFor(target: Target, m: Mutation): InjectOptions {
  const url = concrete(target.template, m.kind === 'path' ? { [m.name]: m.value } : {});
  const query = m.kind === 'query' ? `?${m.name}=${m.value}${m.twice ? `&${m.name}=x` : ''}` : '';
  const method = target.method.toUpperCase() as InjectOptions['method'];
  if (m.kind === 'multipart') {
    const content = [CSV, PDF, Buffer.from([0, 1, 2, 0xff, 0xfe])][m.content]!;
    const filename = typeof m.filename === 'string' ? Buffer.from(m.filename) : m.filename instanceof Bytes ? Buffer.from(m.filename.bytes) : Buffer.from(String(JSON.stringify(m.filename) ?? '').slice(0, 300));
    const ok = multipartBody({ filename: Buffer.concat([filename, Buffer.from('.csv')]), content });
    const type = `multipart/form-data; boundary=${ok.boundary}`;
    switch (m.variant) {
      case 0: // hostile file name
        return { method, url, payload: ok.payload, headers: { 'content-type': type } };
      case 1: // cut off anywhere
        return { method, url, payload: ok.payload.subarray(0, Math.floor(ok.payload.length * m.cut)), headers: { 'content-type': type } };
      case 2: // no file part
        return { method, url, payload: Buffer.from(`--${ok.boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--${ok.boundary}--\r\n`), headers: { 'content-type': type } };
      case 3: // boundary that never appears
        return { method, url, payload: ok.payload, headers: { 'content-type': 'multipart/form-data; boundary=other' } };
      case 4: // no boundary at all
        return { method, url, payload: ok.payload, headers: { 'content-type': 'multipart/form-data' } };
      case 5: // prototype field name
        return { method, url, payload: multipartBody({ content, field: '__proto__' }).payload, headers: { 'content-type': type } };
      case 6: // too many fields
        return { method, url, payload: multipartBody({ content, extraParts: 12 }).payload, headers: { 'content-type': type } };
      case 7: // random bytes
        return { method, url, payload: Buffer.from(`--${ok.boundary}\r\n\u0000\u00ff garbage`), headers: { 'content-type': type } };
      default: // two files
        return { method, url, payload: Buffer.concat([multipartBody({ content }).payload.subarray(0, -4), Buffer.from('\r\n'), multipartBody({ content }).payload]), headers: { 'content-type': type } };
    }
  }
  let body = baseline(target.method, target.template, target.bodySchema);
  if (m.kind === 'body') {
    if (m.field === 'whole') body = m.value;
    else if (m.field === 'extra') body = setPath(body, ['fuzzExtra'], m.value);
    else body = setPath(body, m.field, m.value);
  }
  const payload = target.bodySchema || m.kind === 'body' ? encodeJson(body) : undefined;
  return { method, url: url + query, ...(payload ? { payload, headers: { 'content-type': 'application/json' } } : {}) };
}

/** Describes a request for the failure report, bounded. */
function describeRequest(opts: InjectOptions): string {
  const payload = opts.payload as Buffer | undefined;
  return `${opts.method} ${String(opts.url).slice(0, 300)} ${payload ? JSON.stringify(payload.subarray(0, 300).toString('utf8')) : ''}`;
}

let loginAddress = 0;
async function send(role: string | null, opts: InjectOptions, target: Target): Promise<LightMyRequestResponse> {
  // Login attempts come from many addresses, so that the per-address throttle never locks the test's own sessions out.
  if (target.template === '/api/v1/auth/login') opts = { ...opts, remoteAddress: `10.77.${Math.floor(loginAddress / 250) % 250}.${loginAddress++ % 250}` };
  return role ? sessions[ROLE_USERS[role]!]!.request(opts) : t.app.inject(opts);
}

/** After a write that ends or changes a session (logout, password change), the user gets the demo password and a new session. */
async function restoreSession(role: string | null, target: Target): Promise<void> {
  if (!role || !target.template.startsWith('/api/v1/auth/')) return;
  const username = ROLE_USERS[role]!;
  await t.db.updateTable('users').set({ password_hash: passwordHashes.get(username)! }).where('username', '=', username).execute();
  sessions[username] = await login(username);
}

async function readBack(role: string | null, target: Target): Promise<string | null> {
  if (!target.readBack) return null;
  const res = await send(role, { method: 'GET', url: concrete(target.readBack) }, target);
  return `${res.statusCode} ${res.body}`;
}

function checkResponse(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `got ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode >= 400) {
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) return `4xx without problem+json: ${String(res.headers['content-type'])}`;
    let p: { status?: unknown; code?: unknown; title?: unknown };
    try {
      p = JSON.parse(res.body) as typeof p;
    } catch {
      return `4xx body is not JSON: ${res.body.slice(0, 200)}`;
    }
    if (p.status !== res.statusCode) return `problem status ${JSON.stringify(p.status)} ≠ HTTP ${res.statusCode}`;
    if (typeof p.code !== 'string' || typeof p.title !== 'string') return `problem without code/title: ${res.body.slice(0, 200)}`;
  }
  return null;
}

describe('fuzzing every write route from the OpenAPI document (SPEC §10, issue 12 item 16)', () => {
  it(`never answers 5xx; refusals are RFC 9457 and change nothing (seed ${SEED}, ${RUNS} runs per route)`, async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
    const accessOf = new Map(t.app.routeTable.map((r) => [`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`, r.access]));
    const getRoutes = Object.entries(doc.paths).filter(([, ops]) => ops.get).map(([p]) => p);
    const targets: Target[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const method of WRITE_METHODS) {
        const op = ops[method];
        if (!op) continue;
        const access = accessOf.get(`${method.toUpperCase()} ${template}`);
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        // The target read back: the longest GET route this path begins with that names a parameter.
        const readBack = params.length ? (getRoutes.filter((g) => g.includes('{') && (template === g || template.startsWith(`${g}/`))).sort((a, b) => b.length - a.length)[0] ?? null) : null;
        targets.push({ method, template, op, access, roles: rolesFor(access), bodySchema, fields: fieldPaths(bodySchema), query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), params, readBack, multipart: false });
      }
    }
    expect(targets.length).toBeGreaterThan(25);
    // The target of a write is read back through its GET route (checked unchanged after a refusal).
    const readBackOf = (method: string, template: string) => targets.find((x) => x.method === method && x.template === template)?.readBack;
    expect(readBackOf('post', '/api/v1/applications/{id}/approve')).toBe('/api/v1/applications/{id}');
    expect(readBackOf('patch', '/api/v1/enterprises/{uscc}')).toBe('/api/v1/enterprises/{uscc}');
    expect(readBackOf('post', '/api/v1/benefits/batches/{id}/pay')).toBe('/api/v1/benefits/batches/{id}');
    // Upload routes answer a JSON body with 415: they are fuzzed with multipart bodies.
    for (const target of targets) {
      const role = target.roles[0] ?? null;
      const res = await send(role, { method: target.method.toUpperCase() as InjectOptions['method'], url: concrete(target.template), payload: {} }, target);
      target.multipart = res.statusCode === 415 && (res.json() as { code?: string }).code === 'UNSUPPORTED_MEDIA_TYPE';
      if (res.statusCode < 300) await restoreSession(role, target);
    }
    expect(targets.filter((x) => x.multipart).map((x) => x.template)).toEqual(expect.arrayContaining(['/api/v1/enterprises/import', '/api/v1/applications/{id}/files']));

    const failures: string[] = [];
    let requests = 0;
    for (const target of targets) {
      let run = 0;
      const result = await fc.check(
        fc.asyncProperty(mutations(target), async (m) => {
          const role = target.roles[run++ % target.roles.length]!;
          const opts = requestFor(target, m);
          const before = await auditCount();
          const targetBefore = await readBack(role, target);
          const res = await send(role, opts, target);
          requests++;
          const what = `${target.method.toUpperCase()} ${target.template} as ${role ?? 'anonymous'}: ${describeRequest(opts)}`;
          const bad = checkResponse(res);
          if (bad) throw new Error(`${bad}\n  request: ${what}`);
          if (res.statusCode >= 400) {
            const after = await auditCount();
            if (after !== before) throw new Error(`refused with ${res.statusCode} but the audit log grew by ${after - before}\n  request: ${what}`);
            const targetAfter = await readBack(role, target);
            if (targetAfter !== targetBefore) throw new Error(`refused with ${res.statusCode} but ${target.readBack} changed\n  request: ${what}`);
          } else {
            await restoreSession(role, target);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed) failures.push(`${target.method.toUpperCase()} ${target.template} — replay with QIFU_FUZZ_SEED=${result.seed} (path ${result.counterexamplePath}):\n  ${String((result.errorInstance as Error | undefined)?.stack ?? result.errorInstance).slice(0, 1500)}`);
    }
    expect(failures, `fuzz seed ${SEED}:\n${failures.join('\n')}`).toEqual([]);
    expect(requests).toBe(targets.length * RUNS);
  }, 300_000);
});
