import { sql } from 'kysely';
import type { AuthUser } from '../../platform/access.ts';
import type { Executor } from '../../platform/db/schema.ts';
import { DEFAULT_SEARCH_COLUMNS, highlight, parseSearchQuery, searchWithFallback, type HighlightSegment } from '../../platform/search/index.ts';
import type { PolicyContent } from './domain/content.ts';
import { STATUS_LABELS } from './domain/lifecycle.ts';
import type { PolicyStatus } from './migrations.ts';
import { todayInShanghai } from '../../platform/clock.ts';

export interface PolicyFilter {
  q?: string;
  department?: string;
  category?: string;
  mode?: string;
  status?: PolicyStatus;
  tag?: string;
  /** Only policies whose application window contains today. */
  openNow?: boolean;
}

export interface PolicySummary {
  id: number;
  code: string;
  title: string;
  department: string;
  category: string;
  mode: string;
  status: PolicyStatus;
  statusLabel: string;
  version: number;
  validTo: string | null;
  applyTo: string | null;
  tags: string[];
  keyPoints: string[];
  updatedAt: string;
}

/** Drafts and reviews are internal: the public and enterprises see published policies only; dept staff also their own department's work. */
function visibility(user: AuthUser | null): { all: true } | { department: string } | { publishedOnly: true } {
  if (user && (user.role === 'admin' || user.role === 'leader')) return { all: true };
  if (user && user.role === 'dept' && user.department) return { department: user.department };
  return { publishedOnly: true };
}

export function canSeePolicy(user: AuthUser | null, p: { status: PolicyStatus; department: string }): boolean {
  const v = visibility(user);
  if ('all' in v) return true;
  if (p.status === 'published' || p.status === 'expired') return true;
  return 'department' in v && v.department === p.department;
}

export async function listPolicies(
  db: Executor,
  user: AuthUser | null,
  f: PolicyFilter & { page: number; pageSize: number },
  today = todayInShanghai(),
): Promise<{ items: Array<PolicySummary & { highlight?: HighlightSegment[] }>; total: number; searchMode?: string }> {
  let q = db.selectFrom('policies');
  const v = visibility(user);
  if ('publishedOnly' in v) q = q.where('status', 'in', ['published', 'expired']);
  else if ('department' in v) q = q.where((eb) => eb.or([eb('status', 'in', ['published', 'expired']), eb('department', '=', v.department)]));
  if (f.department) q = q.where('department', '=', f.department);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.mode) q = q.where('mode', '=', f.mode);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.tag) q = q.where((eb) => eb(eb.val(f.tag), '=', eb.fn.any('tags')));
  if (f.openNow) q = q.where('status', '=', 'published').where((eb) => eb.or([eb('apply_to', 'is', null), eb('apply_to', '>=', today)]));
  const query = parseSearchQuery(f.q ?? '');
  const offset = (f.page - 1) * f.pageSize;
  if (query.empty) {
    const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await q.select(SUMMARY_COLUMNS).select(SUMMARY_CONTENT).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(f.pageSize).offset(offset).execute();
    return { total: Number(total), items: rows.map((r) => toSummary(r)) };
  }
  // P-3: all words first; when nothing matches, any word or a fuzzy (trigram) match — ranked by relevance.
  // One statement per attempt: the matches are found through the GIN index and
  // ranked on their small head tsvector, counted by a window over the same scan
  // (no second pass for the total), and only the page's ids are joined back for
  // the summary columns (SPEC §9: p95 ≤ 30 ms over 10,000 policies; docs/search.md).
  let total = 0;
  const outcome = await searchWithFallback(
    query,
    DEFAULT_SEARCH_COLUMNS,
    async (match, rank) => {
      // `offset 0` keeps the planner from flattening the inner query, so the
      // rank is computed in the scan and the window buffers only (id, rank);
      // flattened, it buffered every match's head tsvector and spilled to disk
      // on native PostgreSQL (work_mem 4 MB) for a term in most policies.
      const matches = q
        .where(match)
        .select(['id', sql<number>`${rank}`.as('rank')])
        .offset(0)
        .as('m');
      const hits = db
        .selectFrom(matches)
        .select((eb) => ['m.id', 'm.rank', eb.fn.countAll<string>().over().as('total')])
        .orderBy('m.rank', 'desc')
        .orderBy('m.id', 'desc')
        .limit(f.pageSize)
        .offset(offset)
        .as('hit');
      const rows = await db
        .selectFrom(hits)
        .innerJoin('policies', 'policies.id', 'hit.id')
        .select(SUMMARY_COLUMNS.map((c) => `policies.${c}` as const))
        .select(SUMMARY_CONTENT)
        .select(['hit.rank', 'hit.total'])
        .orderBy('hit.rank', 'desc')
        .orderBy('hit.id', 'desc')
        .execute();
      // A page past the last match carries no window count: count on its own (rare).
      total = rows.length > 0 ? Number(rows[0]!.total) : offset > 0 ? Number((await q.where(match).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n) : 0;
      return rows;
    },
    () => total > 0,
  );
  return {
    total,
    searchMode: outcome.mode,
    items: outcome.rows.map((r) => ({ ...toSummary(r), highlight: highlight(r.title, query.tokens, 200) })),
  };
}

/** What a list item needs (toSummary); never the body, its tsvectors or the rest of the content. */
const SUMMARY_COLUMNS = ['id', 'code', 'title', 'department', 'category', 'mode', 'status', 'published_version', 'valid_to', 'apply_to', 'tags', 'updated_at'] as const;
const SUMMARY_CONTENT = sql<Record<string, unknown>>`jsonb_build_object('keyPoints', coalesce(policies.content -> 'keyPoints', '[]'::jsonb))`.as('content');

export function toSummary(r: { id: number; code: string; title: string; department: string; category: string; mode: string; status: PolicyStatus; published_version: number; valid_to: string | null; apply_to: string | null; tags: string[]; content: Record<string, unknown>; updated_at: Date }): PolicySummary {
  return {
    id: Number(r.id),
    code: r.code,
    title: r.title,
    department: r.department,
    category: r.category,
    mode: r.mode,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    version: r.published_version,
    validTo: r.valid_to,
    applyTo: r.apply_to,
    tags: r.tags,
    keyPoints: ((r.content as unknown as PolicyContent).keyPoints ?? []) as string[],
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export interface ActivePolicy {
  id: number;
  version: number;
  title: string;
  content: PolicyContent;
  /** When this version was published (ISO). */
  publishedAt: string;
}

/** The published versions in force for matching: status published, latest version each. */
export async function activePolicies(db: Executor): Promise<ActivePolicy[]> {
  const rows = await db
    .selectFrom('policies as p')
    .innerJoin('policy_versions as v', (j) => j.onRef('v.policy_id', '=', 'p.id').onRef('v.version', '=', 'p.published_version'))
    .select(['p.id', 'v.version', 'p.title', 'v.content', 'v.published_at'])
    .where('p.status', '=', 'published')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), version: r.version, title: r.title, content: r.content as unknown as PolicyContent, publishedAt: new Date(r.published_at).toISOString() }));
}

/** Expired, and published policies whose validity ends within `days` (清理已过期失效政策). */
export async function cleanupList(db: Executor, today: string, days = 30): Promise<PolicySummary[]> {
  const until = new Date(new Date(`${today}T00:00:00Z`).getTime() + days * 86400_000).toISOString().slice(0, 10);
  const rows = await db
    .selectFrom('policies')
    .selectAll()
    .where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'published'), eb('valid_to', 'is not', null), eb('valid_to', '<=', until)])]))
    .orderBy('valid_to')
    .execute();
  return rows.map((r) => toSummary(r));
}
