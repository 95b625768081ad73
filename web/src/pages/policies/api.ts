import { api, download } from '../../api/client';
import type { Page } from '../../api/types';

// The /api/v1 policies contract (SPEC P-1…P-4). Money is integer fen.

export type PolicyStatus = 'draft' | 'review' | 'published' | 'expired' | 'withdrawn';
export type PolicyMode = 'apply' | 'auto';
export const POLICY_STATUSES: readonly PolicyStatus[] = ['draft', 'review', 'published', 'expired', 'withdrawn'];
export const CATEGORIES = ['资金补贴', '税收优惠', '融资支持', '人才', '就业', '科技创新', '房租/载体', '开放型经济', '数字化转型', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];

/** JsonLogic, as stored. */
export type Rule = unknown;

export interface HighlightSegment {
  text: string;
  hit: boolean;
}

export interface PolicySummary {
  id: number;
  code: string;
  title: string;
  department: string;
  category: string;
  mode: PolicyMode;
  status: PolicyStatus;
  statusLabel: string;
  version: number;
  validTo: string | null;
  applyTo: string | null;
  tags: string[];
  keyPoints: string[];
  updatedAt: string;
  highlight?: HighlightSegment[];
}

export interface PolicyContent {
  title: string;
  department: string;
  docNumber: string | null;
  category: Category;
  mode: PolicyMode;
  keyPoints: string[];
  /** Sanitized on the server. */
  text: string;
  validFrom: string | null;
  validTo: string | null;
  applyFrom: string | null;
  applyTo: string | null;
  eligibility: Rule;
  benefit: { amount: Rule; cap?: number; rounding?: 'half_up' | 'down' | 'half_even' } | null;
  materials: string[];
  reviewRules?: string | null;
  budget: number | null;
  contact: { owner?: string; phone?: string; qaOwner?: string } | null;
  tags: string[];
}

export interface PolicyVersion {
  version: number;
  publishedAt: string;
  contentHash: string;
  publishedBy: string;
}

export interface PolicyDetail extends PolicySummary {
  content: PolicyContent;
  reviewNote: string | null;
  versions: PolicyVersion[];
}

export interface PolicyFilter {
  q?: string;
  department?: string;
  category?: string;
  mode?: string;
  status?: string;
  tag?: string;
  openNow?: string;
}

export type Truth = 'true' | 'false' | 'unknown';

export interface ExplainNode {
  path: string;
  op: string;
  truth: Truth;
  text?: string;
  value?: unknown;
  attributes?: Array<{ name?: string; attribute?: string; value?: unknown }>;
  children?: ExplainNode[];
}

export interface NearMissChange {
  path?: string;
  text: string;
  needed?: string;
  yours?: unknown;
  attribute?: string;
}

export interface NearMiss {
  wouldBe?: 'true' | 'unknown';
  changes: NearMissChange[];
}

export interface Explanation {
  status: Truth;
  tree: ExplainNode;
  missing: string[];
  nearMisses: NearMiss[];
}

export interface TryResult {
  valid: boolean;
  matched: number;
  unknown: number;
  explanation: Explanation | null;
}

export interface Matches {
  version: number;
  counts: { eligible: number; unknown: number; near: number; newlyEligible: number; noLongerEligible: number } | null;
  total: number;
  items: string[];
}

export interface CheckupItem {
  policyId: number;
  version: number;
  title: string;
  mode: PolicyMode;
  category: string;
  applyTo: string | null;
  explanation: Explanation;
  benefit?: { status: 'ok'; fen: number } | { status: 'unknown'; missing: string[] };
}

export interface Checkup {
  eligible: CheckupItem[];
  /** Nearest first; the first few unless all were asked for (see totals). */
  nearMiss: CheckupItem[];
  unknown: CheckupItem[];
  totals: { eligible: number; nearMiss: number; unknown: number };
}

/** Enough for every near miss of any catalogue (the server caps the limit at 10,000). */
export const ALL_NEAR_MISSES = 10_000;

export type PolicyAction = 'submit' | 'return' | 'publish' | 'withdraw';

const BASE = '/api/v1/policies';

export function listPolicies(page: number, pageSize: number, f: PolicyFilter): Promise<Page<PolicySummary> & { searchMode?: string }> {
  return api.get(BASE, { page, pageSize, ...f });
}

export function fetchPolicy(id: number | string): Promise<PolicyDetail> {
  return api.get<PolicyDetail>(`${BASE}/${encodeURIComponent(String(id))}`);
}

export function createPolicy(body: PolicyContent): Promise<{ id: number }> {
  return api.post<{ id: number }>(BASE, body);
}

export function updatePolicy(id: number, body: PolicyContent): Promise<{ id: number }> {
  return api.patch<{ id: number }>(`${BASE}/${id}`, body);
}

export function policyAction(id: number, action: PolicyAction, note?: string): Promise<{ id: number; status: PolicyStatus; version: number }> {
  return api.post(`${BASE}/${id}/${action}`, note ? { note } : {});
}

export function tryRule(eligibility: Rule, uscc?: string): Promise<TryResult> {
  return api.post<TryResult>(`${BASE}/try`, uscc ? { eligibility, uscc } : { eligibility });
}

export function fetchMatches(id: number, status: 'eligible' | 'unknown' | 'near' = 'eligible'): Promise<Matches> {
  return api.get<Matches>(`${BASE}/${id}/matches`, { status, page: 1, pageSize: 20 });
}

export function fetchCheckup(uscc: string, allNearMisses = false): Promise<Checkup> {
  return api.get<Checkup>(`/api/v1/enterprises/${encodeURIComponent(uscc)}/policy-checkup`, allNearMisses ? { nearMissLimit: ALL_NEAR_MISSES } : undefined);
}

// ---------- eligible enterprises of a policy (P-4, issue 5 item 7) ----------

export interface CountBucket {
  /** Street code or GB/T 4754 门类 letter; null = not recorded. */
  code: string | null;
  name: string;
  count: number;
}

export interface EligibleStats {
  policyId: number;
  version: number;
  total: number;
  byStreet: CountBucket[];
  byIndustry: CountBucket[];
}

export interface EligibleEnterprise {
  uscc: string;
  name: string;
  street: string | null;
  streetName: string | null;
  industry: string | null;
  industryName: string | null;
  section: string | null;
  sectionName: string | null;
}

export function fetchEligibleStats(id: number): Promise<EligibleStats> {
  return api.get<EligibleStats>(`${BASE}/${id}/matches/stats`);
}

export function fetchEligibleEnterprises(id: number, page: number, pageSize: number): Promise<Page<EligibleEnterprise> & { version: number }> {
  return api.get(`${BASE}/${id}/matches/enterprises`, { page, pageSize });
}

export function exportEligible(id: number): Promise<string> {
  return download(`${BASE}/${id}/matches/export.xlsx`, undefined, `policy-${id}-eligible.xlsx`);
}

// ---------- benefit 试算 (formula editor) ----------

export type Benefit = NonNullable<PolicyContent['benefit']>;
export type BenefitResult = { status: 'ok'; fen: number; raw: number; capped: boolean; rounding: string } | { status: 'unknown'; missing: string[] };

export function tryBenefit(benefit: Benefit, uscc: string): Promise<BenefitResult> {
  return api.post<BenefitResult>(`${BASE}/try-benefit`, { benefit, uscc });
}
