import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateBenefit, preparePolicySet, validateFormula, validateRule, type AttributeSpec, type Catalog, type JsonValue } from '../../../core/rules/index.ts';
// The demo data set is exactly the generator's output and the catalog is the built-in attribute list;
// enterprises/index.ts re-exports neither, so this test reads them from the enterprises domain directly.
// eslint-disable-next-line qifu/boundaries
import { BUILTIN_ATTRIBUTES } from '../../enterprises/domain/attributes.ts';
// eslint-disable-next-line qifu/boundaries
import { generateEnterprises } from '../../enterprises/domain/synthetic.ts';
import { DEMO_ENTERPRISE, type EnterpriseRecord } from '../../enterprises/index.ts';
import { DEMO_DEPARTMENT_NAMES, DEMO_POLICIES, type DemoPolicy } from './demo-policies.ts';

const TODAY = '2026-11-24';
const IN_30_DAYS = '2026-12-24';
const CATEGORIES = ['资金补贴', '税收优惠', '融资支持', '人才', '就业', '科技创新', '房租/载体', '开放型经济', '数字化转型', '其他'];

/** The catalog as the app builds it (enterprises/catalog.ts rulesCatalog), from the built-in attributes. */
const catalog: Catalog = Object.fromEntries(
  BUILTIN_ATTRIBUTES.map((a): [string, AttributeSpec] => [a.key, { type: a.type, label: a.label, ...(a.options && a.type !== 'tags' ? { values: [...a.options] } : {}) }]),
);
const KNOWN_TAGS = new Set(BUILTIN_ATTRIBUTES.find((a) => a.key === 'tags')?.options ?? []);

const isActive = (p: DemoPolicy): boolean => p.validFrom <= TODAY && TODAY <= p.validTo;
const plain = (html: string): string => html.replace(/<[^>]*>/g, '').replace(/\s+/g, '');

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  return new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

/** Every tag literal a rule tests: {"in": ["tag", {"var":"tags"}]} and has_any / has_all lists. */
function tagLiterals(rule: JsonValue, out: string[] = []): string[] {
  if (Array.isArray(rule)) {
    for (const r of rule) tagLiterals(r, out);
  } else if (rule !== null && typeof rule === 'object') {
    for (const [op, args] of Object.entries(rule)) {
      if (Array.isArray(args)) {
        const [first, second] = args;
        const readsTags = (x: JsonValue | undefined): boolean => x !== null && typeof x === 'object' && !Array.isArray(x) && x.var === 'tags';
        if (op === 'in' && typeof first === 'string' && readsTags(second)) out.push(first);
        if ((op === 'has_any' || op === 'has_all') && readsTags(first) && Array.isArray(second)) out.push(...second.filter((t): t is string => typeof t === 'string'));
      }
      tagLiterals(args, out);
    }
  }
  return out;
}

describe('demo policy catalogue: content', () => {
  it('has at least 40 policies with unique codes and titles', () => {
    expect(DEMO_POLICIES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(DEMO_POLICIES.map((p) => p.code)).size).toBe(DEMO_POLICIES.length);
    expect(new Set(DEMO_POLICIES.map((p) => p.title)).size).toBe(DEMO_POLICIES.length);
    for (const p of DEMO_POLICIES) expect(p.code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
  });

  it('fills every P-1 field plausibly', () => {
    for (const p of DEMO_POLICIES) {
      const where = p.code;
      expect(DEMO_DEPARTMENT_NAMES[p.department], where).toBeDefined();
      expect(CATEGORIES, where).toContain(p.category);
      expect(['apply', 'auto'], where).toContain(p.mode);
      expect(p.title, where).toMatch(/[\u4e00-\u9fff]{8,}/);
      expect(p.docNumber, where).toMatch(/^闵[\u4e00-\u9fff]+〔20(2[3-6])〕\d+号$/);
      expect(p.keyPoints.length, where).toBeGreaterThanOrEqual(3);
      expect(p.keyPoints.length, where).toBeLessThanOrEqual(5);
      for (const k of p.keyPoints) expect(k.length, `${where}: ${k}`).toBeLessThanOrEqual(30);
      for (const d of [p.validFrom, p.validTo, p.applyFrom, p.applyTo]) expect(isDate(d), `${where}: ${d}`).toBe(true);
      expect(p.validFrom <= p.validTo, where).toBe(true);
      expect(p.applyFrom <= p.applyTo, where).toBe(true);
      expect(p.validFrom <= p.applyFrom && p.applyTo <= p.validTo, `${where}: application window inside validity`).toBe(true);
      expect(p.materials.length, where).toBeGreaterThan(0);
      expect(p.budget === null || (Number.isSafeInteger(p.budget) && p.budget > 0), where).toBe(true);
      if (p.budget === null) expect(p.category === '税收优惠' || p.benefit === null, `${where}: only tax reductions and service measures have no budget`).toBe(true);
      expect(p.contact.owner, where).toBe(p.department);
      expect(p.contact.phone, where).toMatch(/^021-6412\d{4}$/);
      expect(p.contact.qaOwner.length, where).toBeGreaterThan(2);
      expect(p.tags.length, where).toBeGreaterThan(0);
      const len = plain(p.text).length;
      expect(len, `${where}: text length ${len}`).toBeGreaterThanOrEqual(300);
      expect(len, `${where}: text length ${len}`).toBeLessThanOrEqual(900);
      for (const heading of ['支持对象', '支持标准', '申报材料', '办理流程']) expect(p.text, `${where}: ${heading}`).toContain(heading);
    }
  });

  it('texts are safe simple HTML: no script, event handlers or javascript: URLs', () => {
    for (const p of DEMO_POLICIES) {
      expect(p.text, p.code).not.toMatch(/<script/i);
      expect(p.text, p.code).not.toMatch(/\son[a-z]+\s*=/i);
      expect(p.text, p.code).not.toMatch(/javascript:/i);
      for (const [, tag] of p.text.matchAll(/<\/?([a-zA-Z0-9]+)[^>]*>/g)) expect(['p', 'ul', 'li', 'strong'], `${p.code}: <${tag}>`).toContain(tag);
      expect(p.text.match(/<[a-z]+\s[^>]*>/g), `${p.code}: no attributes at all`).toBeNull();
    }
  });

  it('every eligibility rule and benefit formula passes validation against the attribute catalog', () => {
    for (const p of DEMO_POLICIES) {
      const r = validateRule(p.eligibility, { catalog });
      expect(r.issues, p.code).toEqual([]);
      expect(r.ok, p.code).toBe(true);
      if (p.benefit) expect(validateFormula(p.benefit, catalog), p.code).toEqual([]);
      for (const t of tagLiterals(p.eligibility)) expect(KNOWN_TAGS.has(t), `${p.code}: tag ${t}`).toBe(true);
    }
    // Almost every policy pays money; a few are service measures.
    expect(DEMO_POLICIES.filter((p) => p.benefit === null).length).toBeLessThanOrEqual(3);
  });

  it('has at least 6 免申即享 policies, at least 4 expired and at least 2 ending within 30 days', () => {
    const auto = DEMO_POLICIES.filter((p) => p.mode === 'auto');
    const expired = DEMO_POLICIES.filter((p) => p.validTo < TODAY);
    const ending = DEMO_POLICIES.filter((p) => p.validTo >= TODAY && p.validTo <= IN_30_DAYS);
    expect(auto.length).toBeGreaterThanOrEqual(6);
    expect(expired.length).toBeGreaterThanOrEqual(4);
    expect(ending.length).toBeGreaterThanOrEqual(2);
    // Several active 免申即享 policies, so the P-5 batch has something to pay.
    expect(auto.filter(isActive).length).toBeGreaterThanOrEqual(6);
    // Most of the catalogue is active and runs through 2027.
    expect(DEMO_POLICIES.filter((p) => p.validTo >= '2027-06-30').length).toBeGreaterThanOrEqual(30);
  });

  it('covers the department set and every category', () => {
    expect(new Set(DEMO_POLICIES.map((p) => p.department)).size).toBe(Object.keys(DEMO_DEPARTMENT_NAMES).length);
    expect(new Set(DEMO_POLICIES.map((p) => p.category))).toEqual(new Set(CATEGORIES));
  });
});

interface Counts {
  eligible: number;
  near: number;
  unknown: number;
  notEligible: number;
}

describe('demo policy catalogue: separation on the demo enterprises', () => {
  const records: EnterpriseRecord[] = [];
  const counts = new Map<string, Counts>();
  const demo = new Map<string, { status: string; near: boolean; nearText: string }>();

  beforeAll(() => {
    records.push(DEMO_ENTERPRISE, ...generateEnterprises({ count: 2000, seed: 2026, today: TODAY }));
    const set = preparePolicySet(
      DEMO_POLICIES.map((p) => ({ id: p.code, rule: p.eligibility })),
      { catalog, today: TODAY },
    );
    for (const p of DEMO_POLICIES) counts.set(p.code, { eligible: 0, near: 0, unknown: 0, notEligible: 0 });
    for (const r of records) {
      for (const e of set.explainAll(r)) {
        const c = counts.get(e.id) as Counts;
        if (e.status === 'true') c.eligible++;
        else if (e.status === 'unknown') c.unknown++;
        else if (e.nearMisses.length > 0) c.near++;
        else c.notEligible++;
        if (r === DEMO_ENTERPRISE) demo.set(e.id, { status: e.status, near: e.status === 'false' && e.nearMisses.length > 0, nearText: e.nearMisses[0]?.changes.map((ch) => ch.text).join('；') ?? '' });
      }
    }
  });

  it('prints the per-policy table', () => {
    const lines = DEMO_POLICIES.map((p) => {
      const c = counts.get(p.code) as Counts;
      const d = demo.get(p.code);
      const state = p.validTo < TODAY ? 'expired' : p.validTo <= IN_30_DAYS ? 'ending' : 'active';
      const demoCol = d?.status === 'true' ? 'ELIGIBLE' : d?.near ? `near: ${d.nearText}` : (d?.status ?? '');
      return `${p.code.padEnd(34)} ${p.mode.padEnd(5)} ${state.padEnd(7)} eligible ${String(c.eligible).padStart(4)}  near ${String(c.near).padStart(4)}  unknown ${String(c.unknown).padStart(4)}  | demo: ${demoCol}`;
    });
    console.log(`demo catalogue over ${records.length} enterprises (today ${TODAY}):\n${lines.join('\n')}`);
    expect(lines.length).toBe(DEMO_POLICIES.length);
  });

  it('every active policy matches at least one and at most 60 % of the enterprises', () => {
    for (const p of DEMO_POLICIES.filter(isActive)) {
      const c = counts.get(p.code) as Counts;
      expect(c.eligible, `${p.code} eligible`).toBeGreaterThanOrEqual(1);
      expect(c.eligible / records.length, `${p.code} share`).toBeLessThanOrEqual(0.6);
    }
  });

  it('many policies have near misses and unknowns', () => {
    const all = [...counts.values()];
    expect(all.filter((c) => c.near > 0).length).toBeGreaterThanOrEqual(20);
    expect(all.filter((c) => c.unknown > 0).length).toBeGreaterThanOrEqual(10);
  });

  it('the demo enterprise is eligible for at least 5 active policies and a near miss for at least 3', () => {
    const active = DEMO_POLICIES.filter(isActive);
    expect(active.filter((p) => demo.get(p.code)?.status === 'true').length).toBeGreaterThanOrEqual(5);
    expect(active.filter((p) => demo.get(p.code)?.near).length).toBeGreaterThanOrEqual(3);
  });

  it('benefit formulas give a positive amount in fen for the demo enterprise wherever it is eligible', () => {
    for (const p of DEMO_POLICIES) {
      if (!p.benefit || demo.get(p.code)?.status !== 'true') continue;
      const b = evaluateBenefit(p.benefit, DEMO_ENTERPRISE, { today: TODAY });
      expect(b.status, p.code).toBe('ok');
      if (b.status === 'ok') {
        expect(b.fen, p.code).toBeGreaterThan(0);
        expect(Number.isSafeInteger(b.fen), p.code).toBe(true);
        if (p.benefit.cap !== undefined) expect(b.fen, p.code).toBeLessThanOrEqual(p.benefit.cap);
      }
    }
  });
});
