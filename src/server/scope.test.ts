// SPEC §0, §11 (issue 12 item 3): every /api/v1 route × every demo role × own and foreign
// records. Each route declares its data scope (config.scope); this test reads the route table,
// builds each request from that declaration and checks that a record the caller must not see
// is refused (403/404) and changes nothing, and that no response — JSON, CSV or Excel —
// carries data the caller must not see. Routes added later are walked without new test code;
// a scope kind without fixtures here fails the test.
import fc from 'fast-check';
import JSZip from 'jszip';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgCodeCheckChar, usccCheckChar } from '../core/codes/uscc.ts';
import { isAllowed, type Access, type AuthUser, type DataScope, type ScopeOwner } from '../platform/access.ts';
import { DEMO_ENTERPRISE, DEMO_ENTERPRISE_USCC } from '../modules/enterprises/index.ts';
import { testApp, type Session, type TestApp } from './testing.ts';

// ---------------------------------------------------------------------------
// Who sees what (SPEC §0), written once. A viewer is a demo user, or nobody (public).

type Viewer = AuthUser | null;
const VIEWERS = ['public', 'admin', 'dept', 'dept2', 'street', 'street2', 'specialist', 'inspector', 'leader', 'enterprise'] as const;
type ViewerName = (typeof VIEWERS)[number];

const role = (w: Viewer) => w?.role ?? 'public';
const isDept = (w: Viewer, department: string) => role(w) === 'dept' && w!.department === department;

interface EnterpriseFx {
  uscc: string;
  street: string;
  assignedTo: readonly number[];
}
interface PolicyFx {
  department: string;
  published: boolean;
}

const SEES = {
  /** Enterprises: the whole district for admin, leader, departments and inspectors; a street its own; a specialist those assigned; an enterprise itself. */
  enterprise: (w: Viewer, e: EnterpriseFx) =>
    ['admin', 'leader', 'dept', 'inspector'].includes(role(w)) || (role(w) === 'street' && w!.street === e.street) || (role(w) === 'specialist' && e.assignedTo.includes(w!.id)) || (role(w) === 'enterprise' && w!.uscc === e.uscc),
  /** §11: 法定代表人 and other personal data in full only to admin and the enterprise itself. */
  personal: (w: Viewer, e: EnterpriseFx) => role(w) === 'admin' || (role(w) === 'enterprise' && w!.uscc === e.uscc),
  /** A policy as a document: published ones are public; drafts exist only for their department, admin and leader. */
  policy: (w: Viewer, p: PolicyFx) => p.published || ['admin', 'leader'].includes(role(w)) || isDept(w, p.department),
  /** A policy's internal data (matches, batches, settings, lifecycle): its department, admin, leader. */
  policyInternal: (w: Viewer, p: PolicyFx) => ['admin', 'leader'].includes(role(w)) || isDept(w, p.department),
  department: (w: Viewer, department: string) => ['admin', 'leader'].includes(role(w)) || (['dept', 'inspector'].includes(role(w)) && w!.department === department),
  application: (w: Viewer, a: { department: string; uscc: string }) => ['admin', 'leader'].includes(role(w)) || isDept(w, a.department) || (role(w) === 'enterprise' && w!.uscc === a.uscc),
  batch: (w: Viewer, b: { department: string }) => ['admin', 'leader'].includes(role(w)) || isDept(w, b.department),
  import: (w: Viewer, i: { department: string }) => role(w) === 'admin' || isDept(w, i.department),
  message: (w: Viewer, m: { uscc: string }) => role(w) === 'enterprise' && w!.uscc === m.uscc,
  staffMessage: (w: Viewer, m: { department: string }) => role(w) === 'admin' || isDept(w, m.department),
  webhook: (w: Viewer) => role(w) === 'admin',
  user: (w: Viewer, id: number) => role(w) === 'admin' || w?.id === id,
  token: (w: Viewer, t: { userId: number }) => role(w) === 'admin' || w?.id === t.userId,
};

/** Roles that see every record of some kind: the only ones a 'global' route may admit. */
const GLOBAL_ROLES = new Set(['admin', 'leader', 'dept']);

// ---------------------------------------------------------------------------
// Fixtures: records of every owner kind on both sides, with unique strings (sentinels) that
// only those who may see the record may ever receive.

interface Fixture {
  label: string;
  id: string | number;
  visible: (w: Viewer) => boolean;
}
interface Sentinel {
  label: string;
  text: string;
  visible: (w: Viewer) => boolean;
}

function usccOf(prefix: string, body8: string): string {
  const first17 = `${prefix}${body8}${orgCodeCheckChar(body8)}`;
  return first17 + usccCheckChar(first17);
}

// In 七宝镇 (street2's street), assigned to no specialist; its code sorts first, so a list that
// leaked it would show it on the first page.
const QIBAO: EnterpriseFx & { name: string; legalRep: string } = { uscc: usccOf('51310112', '0000QB01'), street: '310112102', assignedTo: [], name: '哨兵七宝精密仪器研究会', legalRep: '欧阳哨兵' };
const TAG = 'zq7x';
const S = {
  draftDept: `哨兵草稿-市场监管局-${TAG}`,
  draftDept2: `哨兵草稿-人社局-${TAG}`,
  appDept: `哨兵申报说明-市场监管局-${TAG}`,
  appDept2: `哨兵申报说明-人社局-${TAG}`,
  importDept: `sentinel-import-scjgj-${TAG}.csv`,
  importDept2: `sentinel-import-rsj-${TAG}.csv`,
  msgDemo: `哨兵消息-闵欣-${TAG}`,
  msgQibao: `哨兵消息-七宝-${TAG}`,
  staffDept: `哨兵部门提醒-市场监管局-${TAG}`,
  staffDept2: `哨兵部门提醒-人社局-${TAG}`,
  token: (username: string) => `哨兵令牌-${username}-${TAG}`,
};

let t: TestApp;
const sessions = new Map<ViewerName, Session>();
const users = new Map<ViewerName, Viewer>();
let OWNERS: Record<ScopeOwner, Fixture[]>;
let SENTINELS: Sentinel[];
/** Values for path parameters other than the scope's own, from the record chosen for the scope. */
let EXTRA: Record<string, (scopeId: string | number) => string | number>;
/** Values for body and query fields the schema alone cannot make valid: records of the caller's own (so that only the scoped one is foreign), a period. */
let OWN_FIELD: Record<string, (w: Viewer) => string | number | undefined>;

function multipart(filename: string, content: string | Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----qifuscope' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function ok(res: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200): Promise<Record<string, unknown>> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as Record<string, unknown>;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

async function setUp(): Promise<void> {
  t = await testApp();
  for (const v of VIEWERS) if (v !== 'public') sessions.set(v, await t.login(v));
  const rows = await t.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department', 'street', 'uscc']).execute();
  const byName = new Map(rows.map((r) => [r.username, { id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role, department: r.department, street: r.street, uscc: r.uscc } satisfies AuthUser]));
  users.set('public', null);
  for (const v of VIEWERS) if (v !== 'public') users.set(v, byName.get(v)!);
  const as = (v: ViewerName) => sessions.get(v)!;
  const adminS = as('admin');

  // Enterprises: the demo one (莘庄镇, assigned to the specialist) and a sentinel in 七宝镇, imported by 区人社局.
  const assigned = (await t.db.selectFrom('enterprise_assignments').select('user_id').where('uscc', '=', DEMO_ENTERPRISE_USCC).execute()).map((r) => Number(r.user_id));
  const DEMO: EnterpriseFx = { uscc: DEMO_ENTERPRISE_USCC, street: DEMO_ENTERPRISE.street!, assignedTo: assigned };
  const imp2 = multipart(S.importDept2, `统一社会信用代码,企业名称,法定代表人,所属街镇,登记状态\n${QIBAO.uscc},${QIBAO.name},${QIBAO.legalRep},${QIBAO.street},存续\n`);
  const i2 = await ok(as('dept2').request({ method: 'POST', url: '/api/v1/enterprises/import', payload: imp2.payload, headers: imp2.headers }));
  expect(i2.inserted).toBe(1);
  const imp1 = multipart(S.importDept, `统一社会信用代码,企业名称\n${DEMO_ENTERPRISE_USCC},\n`);
  const i1 = await ok(as('dept').request({ method: 'POST', url: '/api/v1/enterprises/import', payload: imp1.payload, headers: imp1.headers }));

  // Policies: a draft of each department; a published apply-mode policy of each (demo catalogue);
  // and a published rule over the legal representative, so 政策体检 quotes it (a near miss).
  const policyBody = (title: string, department: string, eligibility: unknown = true) => ({ title, department, category: '其他', mode: 'apply', keyPoints: [], text: '<p>范围测试</p>', eligibility, materials: [], tags: [] });
  const draftDept = (await ok(as('dept').request({ method: 'POST', url: '/api/v1/policies', payload: policyBody(S.draftDept, 'scjgj') }), 201)).id as number;
  const draftDept2 = (await ok(as('dept2').request({ method: 'POST', url: '/api/v1/policies', payload: policyBody(S.draftDept2, 'rsj') }), 201)).id as number;
  const byCode = async (code: string) => Number((await t.db.selectFrom('policies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id);
  const pubDept = await byCode('mh-fin-ip-pledge');
  const pubDept2 = await byCode('mh-emp-skills-training');
  const legalRepRule = (await ok(as('dept').request({ method: 'POST', url: '/api/v1/policies', payload: policyBody('范围测试：法定代表人条件', 'scjgj', { '==': [{ var: 'legalRep' }, '无此人'] }) }), 201)).id as number;
  await ok(as('dept').request({ method: 'POST', url: `/api/v1/policies/${legalRepRule}/submit`, payload: {} }));
  await ok(adminS.request({ method: 'POST', url: `/api/v1/policies/${legalRepRule}/publish`, payload: {} }));

  // Applications: the demo enterprise to 区市场监管局's policy; the 七宝 enterprise (a user made for it) to 区人社局's.
  await ok(adminS.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'qibao', password: 'Scope-test-1', role: 'enterprise', uscc: QIBAO.uscc } }), 201);
  const qibao = await t.login('qibao', 'Scope-test-1');
  const apply = async (s: Session, policyId: number, description: string) => {
    const a = (await ok(s.request({ method: 'POST', url: `/api/v1/policies/${policyId}/applications`, payload: {} }), 201)).id as number;
    await ok(s.request({ method: 'PATCH', url: `/api/v1/applications/${a}`, payload: { description } }));
    const m = multipart('material.pdf', PDF);
    const f = (await ok(s.request({ method: 'POST', url: `/api/v1/applications/${a}/files`, payload: m.payload, headers: m.headers }), 201)).id as number;
    return { id: a, file: f };
  };
  const appDept = await apply(as('enterprise'), pubDept, S.appDept);
  const appDept2 = await apply(qibao, pubDept2, S.appDept2);

  // Batches of each department's policy.
  const batchDept = (await ok(as('dept').request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: pubDept, period: '2026' } }))).id as number;
  const batchDept2 = (await ok(as('dept2').request({ method: 'POST', url: '/api/v1/benefits/batches', payload: { policyId: pubDept2, period: '2026' } }))).id as number;

  // Inboxes: an enterprise message to each enterprise, a reminder to each department.
  const msg = async (uscc: string, title: string) => Number((await t.db.insertInto('messages').values({ uscc, kind: 'scope.test', title, body: title, link: null }).returning('id').executeTakeFirstOrThrow()).id);
  const msgDemo = await msg(DEMO_ENTERPRISE_USCC, S.msgDemo);
  const msgQibao = await msg(QIBAO.uscc, S.msgQibao);
  const staff = async (department: string, title: string) => Number((await t.db.insertInto('staff_messages').values({ department, kind: 'scope.test', title, body: title, link: null }).returning('id').executeTakeFirstOrThrow()).id);
  const staffDept = await staff('scjgj', S.staffDept);
  const staffDept2 = await staff('rsj', S.staffDept2);

  const hook = (await ok(adminS.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'scope', url: 'https://hooks.invalid/scope', events: ['policy.eligible'] } }), 201)).id as number;
  await t.db.updateTable('webhook_subscribers').set({ active: false }).where('id', '=', hook).execute();

  // An API token per user, named with a sentinel only its owner (and admin) may read.
  const tokens: Array<{ id: number; userId: number; name: string }> = [];
  for (const v of VIEWERS) {
    if (v === 'public') continue;
    const name = S.token(v);
    const r = await ok(as(v).request({ method: 'POST', url: '/api/v1/auth/tokens', payload: { name } }), 201);
    tokens.push({ id: r.id as number, userId: users.get(v)!.id, name });
  }

  const policyFx = (label: string, id: number, p: PolicyFx, sees: (w: Viewer, p: PolicyFx) => boolean): Fixture => ({ label, id, visible: (w) => sees(w, p) });
  const policies: Array<[string, number, PolicyFx]> = [
    ['draft of 区市场监管局', draftDept, { department: 'scjgj', published: false }],
    ['draft of 区人社局', draftDept2, { department: 'rsj', published: false }],
    ['published policy of 区市场监管局', pubDept, { department: 'scjgj', published: true }],
    ['published policy of 区人社局', pubDept2, { department: 'rsj', published: true }],
  ];
  const apps = [
    { label: 'application to 区市场监管局', ...appDept, department: 'scjgj', uscc: DEMO_ENTERPRISE_USCC },
    { label: 'application to 区人社局', ...appDept2, department: 'rsj', uscc: QIBAO.uscc },
  ];
  OWNERS = {
    enterprise: [
      { label: 'demo enterprise (莘庄镇)', id: DEMO.uscc, visible: (w) => SEES.enterprise(w, DEMO) },
      { label: 'sentinel enterprise (七宝镇)', id: QIBAO.uscc, visible: (w) => SEES.enterprise(w, QIBAO) },
    ],
    policy: policies.map(([label, id, p]) => policyFx(label, id, p, SEES.policy)),
    'policy-internal': policies.map(([label, id, p]) => policyFx(label, id, p, SEES.policyInternal)),
    department: ['scjgj', 'rsj'].map((d) => ({ label: `department ${d}`, id: d, visible: (w: Viewer) => SEES.department(w, d) })),
    application: apps.map((a) => ({ label: a.label, id: a.id, visible: (w: Viewer) => SEES.application(w, a) })),
    batch: [
      { label: 'batch of 区市场监管局', id: batchDept, visible: (w) => SEES.batch(w, { department: 'scjgj' }) },
      { label: 'batch of 区人社局', id: batchDept2, visible: (w) => SEES.batch(w, { department: 'rsj' }) },
    ],
    import: [
      { label: 'import by 区市场监管局', id: i1.importId as number, visible: (w) => SEES.import(w, { department: 'scjgj' }) },
      { label: 'import by 区人社局', id: i2.importId as number, visible: (w) => SEES.import(w, { department: 'rsj' }) },
    ],
    message: [
      { label: 'message to the demo enterprise', id: msgDemo, visible: (w) => SEES.message(w, { uscc: DEMO.uscc }) },
      { label: 'message to the 七宝 enterprise', id: msgQibao, visible: (w) => SEES.message(w, { uscc: QIBAO.uscc }) },
    ],
    'staff-message': [
      { label: 'reminder to 区市场监管局', id: staffDept, visible: (w) => SEES.staffMessage(w, { department: 'scjgj' }) },
      { label: 'reminder to 区人社局', id: staffDept2, visible: (w) => SEES.staffMessage(w, { department: 'rsj' }) },
    ],
    webhook: [{ label: 'webhook', id: hook, visible: (w) => SEES.webhook(w) }],
    user: [...users.entries()].filter(([, u]) => u !== null).map(([v, u]) => ({ label: `user ${v}`, id: u!.id, visible: (w: Viewer) => SEES.user(w, u!.id) })),
    token: tokens.map((tk) => ({ label: `token ${tk.name}`, id: tk.id, visible: (w: Viewer) => SEES.token(w, tk) })),
  };
  const fileOf = new Map(apps.map((a) => [a.id, a.file]));
  // Path parameters that name no scoped record: a covered year and day of the working-day calendar.
  EXTRA = { fileId: (appId) => fileOf.get(Number(appId)) ?? 1, year: () => 2026, date: () => '2026-12-03' };
  OWN_FIELD = {
    department: (w) => w?.department ?? 'scjgj',
    uscc: (w) => OWNERS.enterprise.find((f) => f.visible(w))?.id,
    policyId: (w) => OWNERS['policy-internal'].find((f) => f.visible(w))?.id,
    period: () => '2026',
  };
  SENTINELS = [
    { label: 'name of the 七宝 enterprise', text: QIBAO.name, visible: (w) => SEES.enterprise(w, QIBAO) },
    { label: 'legal representative of the 七宝 enterprise', text: QIBAO.legalRep, visible: (w) => SEES.personal(w, QIBAO) },
    { label: 'name of the demo enterprise', text: DEMO_ENTERPRISE.name, visible: (w) => SEES.enterprise(w, DEMO) },
    { label: 'legal representative of the demo enterprise', text: DEMO_ENTERPRISE.legalRep!, visible: (w) => SEES.personal(w, DEMO) },
    { label: 'draft of 区市场监管局', text: S.draftDept, visible: (w) => SEES.policy(w, { department: 'scjgj', published: false }) },
    { label: 'draft of 区人社局', text: S.draftDept2, visible: (w) => SEES.policy(w, { department: 'rsj', published: false }) },
    ...apps.map((a, k) => ({ label: `${a.label} (its form)`, text: k === 0 ? S.appDept : S.appDept2, visible: (w: Viewer) => SEES.application(w, a) })),
    { label: 'import by 区市场监管局', text: S.importDept, visible: (w) => SEES.import(w, { department: 'scjgj' }) },
    { label: 'import by 区人社局', text: S.importDept2, visible: (w) => SEES.import(w, { department: 'rsj' }) },
    { label: 'message to the demo enterprise', text: S.msgDemo, visible: (w) => SEES.message(w, { uscc: DEMO.uscc }) },
    { label: 'message to the 七宝 enterprise', text: S.msgQibao, visible: (w) => SEES.message(w, { uscc: QIBAO.uscc }) },
    { label: 'reminder to 区市场监管局', text: S.staffDept, visible: (w) => SEES.staffMessage(w, { department: 'scjgj' }) },
    { label: 'reminder to 区人社局', text: S.staffDept2, visible: (w) => SEES.staffMessage(w, { department: 'rsj' }) },
    ...tokens.map((tk) => ({ label: `token name ${tk.name}`, text: tk.name, visible: (w: Viewer) => SEES.token(w, tk) })),
  ];
}

// ---------------------------------------------------------------------------
// Requests built from the route's declaration and its OpenAPI schema.

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  default?: unknown;
}
interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** The smallest value a schema accepts (required properties only); `fields` supplies values for fields that name a record. */
function sample(s: Schema | undefined, fields: (name: string) => unknown, name = ''): unknown {
  if (!s) return true;
  const own = name ? fields(name) : undefined;
  if (own !== undefined) return own;
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  const options = s.anyOf ?? s.oneOf;
  if (options) return sample(options.find((o) => o.type !== 'null') ?? options[0], fields, name);
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = sample(s.properties?.[k], fields, k);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, fields));
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return false;
    case 'string':
      if (s.pattern) return fc.sample(fc.stringMatching(new RegExp(s.pattern)), { numRuns: 1, seed: 7 })[0];
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default:
      return true; // an unconstrained value (a JsonLogic rule: true)
  }
}

/** The values a schema allows when it lists them (enum, const, a union of those); none otherwise. */
function fixedValues(s: Schema): unknown[] {
  if (s.enum) return s.enum;
  if (s.const !== undefined) return [s.const];
  const options = s.anyOf ?? s.oneOf;
  if (!options) return [];
  const each = options.map(fixedValues);
  return each.every((v) => v.length > 0) ? each.flat() : [];
}

interface Call {
  viewer: ViewerName;
  method: string;
  url: string;
  payload?: unknown;
  /** What the call is about, for messages. */
  what: string;
}

/** Everything a response carries, as text: the body (an .xlsx unzipped) and the download file name. */
async function textOf(res: { rawPayload: Buffer; headers: Record<string, unknown> }): Promise<string> {
  const raw = res.rawPayload;
  let text = raw.toString('utf8');
  if (raw.length > 4 && raw[0] === 0x50 && raw[1] === 0x4b) {
    const zip = await JSZip.loadAsync(raw);
    const parts = await Promise.all(Object.values(zip.files).filter((f) => !f.dir).map((f) => f.async('string')));
    text = parts.join('\n');
  } else if (text.trim() && String(res.headers['content-type'] ?? '').includes('json')) {
    // Normalised too, so a value written with \u escapes is still found.
    text += `\n${JSON.stringify(JSON.parse(text))}`;
  }
  const cd = String(res.headers['content-disposition'] ?? '');
  const star = /filename\*=UTF-8''([^;]+)/.exec(cd);
  return `${text}\n${cd}\n${star ? decodeURIComponent(star[1]!) : ''}`;
}

describe('data scope of every route (SPEC §0, §11)', () => {
  beforeAll(setUp, 240_000);
  afterAll(async () => t?.close());

  it('every route, every role: foreign records refused and unchanged, no foreign or unmasked data in any response', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD');
    const problems: string[] = [];
    let foreignChecked = 0;
    let responses = 0;

    const send = async (c: Call) => {
      const s = sessions.get(c.viewer);
      const opts = { method: c.method as 'GET', url: c.url, ...(c.payload === undefined ? {} : { payload: c.payload as object }) };
      const res = s ? await s.request(opts) : await t.app.inject(opts);
      responses++;
      const text = await textOf(res);
      const w = users.get(c.viewer)!;
      for (const sn of SENTINELS) if (!sn.visible(w) && text.includes(sn.text)) problems.push(`${c.what}: ${c.viewer} received ${sn.label}`);
      if (res.statusCode >= 500) problems.push(`${c.what}: ${c.viewer} got ${res.statusCode}`);
      return res;
    };
    const auditCount = async () => Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(t.db)).rows[0]!.n);

    for (const route of routes) {
      const scope = route.scope as DataScope | undefined;
      const label = `${route.method} ${route.url}`;
      if (scope === undefined) {
        problems.push(`${label}: declares no data scope`);
        continue;
      }
      const op = doc.paths[route.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()] ?? {};
      const pathParams = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      const owned = typeof scope === 'object' ? scope : null;
      const where = owned?.in ?? 'path';
      for (const p of pathParams) if (!(owned && where === 'path' && owned.param === p) && !EXTRA[p]) problems.push(`${label}: path parameter :${p} is neither its scope parameter nor in EXTRA`);
      if (scope === 'global') {
        const wide = route.access === 'public' || route.access === 'authenticated' || (route.access as readonly string[]).some((r) => !GLOBAL_ROLES.has(r));
        if (wide) problems.push(`${label}: scope 'global' but open to ${JSON.stringify(route.access)}`);
      }
      const read = route.method === 'GET';
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (owned && where === 'query' && !query.some((q) => q.name === owned.param)) problems.push(`${label}: scope parameter "${owned.param}" is not in its query schema`);
      if (owned && where === 'body' && !op.requestBody?.content['application/json']?.schema.properties?.[owned.param]) problems.push(`${label}: scope parameter "${owned.param}" is not in its JSON body schema`);

      const build = (viewer: ViewerName, scopeValue?: string | number) => {
        const w = users.get(viewer)!;
        const fields = (name: string) => (owned && where === 'body' && name === owned.param ? scopeValue : OWN_FIELD[name]?.(w));
        let url = route.url;
        for (const p of pathParams) url = url.replace(`:${p}`, encodeURIComponent(String(owned && where === 'path' && owned.param === p ? scopeValue : EXTRA[p]!(scopeValue ?? ''))));
        const qs = new URLSearchParams();
        for (const q of query) {
          if (owned && where === 'query' && q.name === owned.param) qs.set(q.name, String(scopeValue));
          else if (q.required) qs.set(q.name, String(sample(q.schema, fields, q.name)));
        }
        if (qs.size) url += `?${qs}`;
        const json = op.requestBody?.content['application/json']?.schema;
        const payload = read ? undefined : json ? sample(json, fields) : op.requestBody ? undefined : {};
        // The scoped field is set even where the schema leaves it optional.
        if (owned && where === 'body' && payload && typeof payload === 'object') (payload as Record<string, unknown>)[owned.param] = scopeValue;
        return { url, payload };
      };
      // Optional query parameters that take one of a few fixed values (e.g. detail=full): each value is tried too.
      const variants = read ? query.filter((q) => !q.required).flatMap((q) => fixedValues(q.schema).map((v) => `${encodeURIComponent(q.name)}=${encodeURIComponent(String(v))}`)) : [];
      const withVariants = (url: string) => [url, ...variants.map((v) => `${url}${url.includes('?') ? '&' : '?'}${v}`)];

      for (const viewer of VIEWERS) {
        const w = users.get(viewer)!;
        if (isAllowed(route.access as Access, w as AuthUser | null) !== 'ok') continue;
        if (owned) {
          const fixtures = OWNERS[owned.owner];
          if (!fixtures?.length) {
            problems.push(`${label}: no fixture for owner kind '${owned.owner}'`);
            break;
          }
          for (const f of fixtures.filter((x) => !x.visible(w))) {
            const { url, payload } = build(viewer, f.id);
            const before = read ? 0 : await auditCount();
            for (const u of read ? withVariants(url) : [url]) {
              const res = await send({ viewer, method: route.method, url: u, payload, what: `${route.method} ${u} (${f.label})` });
              foreignChecked++;
              if (res.statusCode !== 403 && res.statusCode !== 404) problems.push(`${route.method} ${u}: ${viewer} on ${f.label} got ${res.statusCode}, expected 403 or 404`);
            }
            if (!read && (await auditCount()) !== before) problems.push(`${label}: ${viewer} on ${f.label} changed the audit log`);
          }
          const own = fixtures.find((x) => x.visible(w));
          if (read && own) {
            const { url } = build(viewer, own.id);
            for (const u of withVariants(url)) {
              const res = await send({ viewer, method: route.method, url: u, what: `${route.method} ${u} (${own.label})` });
              if (res.statusCode !== 200) problems.push(`${route.method} ${u}: ${viewer} on its own ${own.label} got ${res.statusCode}, expected 200`);
            }
          }
        } else if (read) {
          for (const u of withVariants(build(viewer).url)) await send({ viewer, method: route.method, url: u, what: `${route.method} ${u}` });
        }
        // Writes without a record to name (create, own account) are not walked: they act on the caller's own scope.
      }
    }
    expect(problems).toEqual([]);
    expect(foreignChecked).toBeGreaterThan(100);
    expect(responses).toBeGreaterThan(300);
  }, 300_000);
});
