// SQL side of Chinese full-text search (SPEC P-3): the columns a searchable
// table carries, and the Kysely fragments to match and rank rows. Every piece
// of user text reaches the database as a bound parameter — the query is never
// spliced into SQL nor parsed as tsquery syntax (each token goes through
// plainto_tsquery, which treats & | ! ( ) : * as plain characters).
import { sql, type Expression, type RawBuilder } from 'kysely';
import { correctQuery, queryTerms, segmentForIndex, segmentQuery, toPlainText, type QueryTerm } from './segment.ts';

/** Column names of a searchable table (defaults match searchColumnsDdl); may be qualified (`p.search_doc`). */
export interface SearchColumns {
  /** tsvector over title, key points and body, GIN-indexed: what matches. */
  doc: string;
  /** tsvector over title (weight A) and key points (B): what ranks. */
  headDoc: string;
  /** text: title + key points tokens, trigram-indexed for fuzzy matches. */
  head: string;
}

export const DEFAULT_SEARCH_COLUMNS: SearchColumns = { doc: 'search_doc', headDoc: 'search_head_doc', head: 'search_head' };

/** Values to store in a row's search columns; segmenting happens in Node, not in the database. */
export interface SearchColumnValues {
  search_title: string;
  search_points: string;
  search_body: string;
}

/** Segments a document's fields for the search columns. `text` may be HTML; tags are dropped. */
export function searchColumnValues(doc: { title: string; keyPoints?: string | readonly string[]; text?: string }): SearchColumnValues {
  const points = Array.isArray(doc.keyPoints) ? doc.keyPoints.join('\n') : (doc.keyPoints ?? '');
  return { search_title: segmentForIndex(doc.title), search_points: segmentForIndex(points as string), search_body: segmentForIndex(doc.text ?? '') };
}

const IDENT = /^[a-z_][a-z0-9_]{0,50}$/;

/**
 * DDL adding the search columns and indexes to `table` (for a module's
 * migration). `search_doc`, `search_head_doc` and `search_head` are generated, so a row is
 * searchable as soon as the three token columns are written. Needs pg_trgm
 * (platform migration 0002_platform_search_extensions creates it).
 */
export function searchColumnsDdl(table: string): string {
  if (!IDENT.test(table)) throw new Error(`searchColumnsDdl: not a plain table name: ${table}`);
  return `
    alter table ${table}
      add column search_title text not null default '',
      add column search_points text not null default '',
      add column search_body text not null default '',
      add column search_head text generated always as (search_title || ' ' || search_points) stored,
      add column search_doc tsvector generated always as (
        to_tsvector('simple', search_title) || to_tsvector('simple', search_points) || to_tsvector('simple', search_body)) stored,
      add column search_head_doc tsvector generated always as (
        setweight(to_tsvector('simple', search_title), 'A') ||
        setweight(to_tsvector('simple', search_points), 'B')) stored;
    create index ${table}_search_doc on ${table} using gin (search_doc);
    create index ${table}_search_head_trgm on ${table} using gin (search_head gin_trgm_ops);
  `;
}

/** A parsed search query: what searchMatch and searchRank need. */
export interface SearchQuery {
  /** Query tokens (for highlight), after segmentation. */
  tokens: string[];
  terms: QueryTerm[];
  /**
   * The query as plain text for trigram similarity: lowercased, punctuation
   * as spaces, ≤ 64 characters; '' when shorter than 3 characters (a trigram
   * match on one or two characters is noise).
   */
  fuzzyText: string;
  /** Nothing to search for (empty, whitespace or punctuation only): callers list instead. */
  empty: boolean;
  /** The query with near-typos of domain terms corrected (correctQuery), when that changed anything. */
  corrected: SearchQuery | null;
}

export function parseSearchQuery(q: string): SearchQuery {
  const tokens = segmentQuery(q);
  const fuzzy = toPlainText(q)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, 64);
  const fixed = correctQuery(q);
  const corrected = fixed === null ? null : { ...parseSearchQuery(fixed), corrected: null };
  return { tokens, terms: queryTerms(tokens), fuzzyText: [...fuzzy.replace(/ /g, '')].length >= 3 ? fuzzy : '', empty: tokens.length === 0, corrected };
}

/**
 * 'all': every query word must occur (as a word, or as the sub-words that
 * spell it). 'corrected': the same for the query with domain-term typos
 * corrected (融资担宝 → 融资担保). 'fuzzy': the title/key points are trigram-similar to the query
 * as typed — the fallback for typos (融资担宝 → 融资担保). 'any': any query
 * word occurs — the last resort.
 */
export type SearchMode = 'all' | 'corrected' | 'fuzzy' | 'any';

const lexeme = (t: string): RawBuilder<unknown> => sql`plainto_tsquery('simple', ${t})`;

/**
 * The tsquery as a scalar subquery (`(select …)`, an InitPlan evaluated once).
 * Deliberate: the planner cannot see an InitPlan's value, so it estimates the
 * default selectivity and always takes the GIN bitmap scan. Given the literal
 * tsquery it sees that a common term (贴息, 营商环境) matches 20–75 % of rows
 * and picks a sequential scan, which evaluates `@@` on every row and so
 * detoasts and decompresses every row's ~4 KB body tsvector: measured on
 * 10,000 policies (PGlite) ~50 ms per query against ~6 ms for the bitmap scan,
 * which needs no recheck for these queries (no weights, no phrases) and never
 * reads the body tsvector. See docs/search.md "Performance".
 */
function tsQuery(q: SearchQuery, mode: SearchMode): RawBuilder<unknown> {
  if (mode === 'all') {
    const clauses = q.terms.map((t) => (t.parts.length > 1 ? sql`(${lexeme(t.word)} || (${sql.join(t.parts.map(lexeme), sql` && `)}))` : lexeme(t.word)));
    return sql`(select ${sql.join(clauses, sql` && `)})`;
  }
  const words = [...new Set(q.terms.flatMap((t) => [t.word, ...t.parts]))];
  return sql`(select ${sql.join(words.map(lexeme), sql` || `)})`;
}

/**
 * WHERE condition for a query; `true` for an empty query, `false` for
 * 'fuzzy' when the query is too short for trigrams.
 */
export function searchMatch(q: SearchQuery, mode: SearchMode = 'all', cols: SearchColumns = DEFAULT_SEARCH_COLUMNS): RawBuilder<boolean> {
  if (q.empty) return sql<boolean>`true`;
  if (mode === 'corrected') return q.corrected ? searchMatch(q.corrected, 'all', cols) : sql<boolean>`false`;
  if (mode === 'fuzzy') {
    // `<%` is word_similarity ≥ pg_trgm.word_similarity_threshold (default
    // 0.6), served by the trigram GIN index; one wrong character in a
    // four-character term scores exactly 0.6.
    return q.fuzzyText ? sql<boolean>`${q.fuzzyText} <% ${sql.ref(cols.head)}` : sql<boolean>`false`;
  }
  return sql<boolean>`${sql.ref(cols.doc)} @@ ${tsQuery(q, mode)}`;
}

/**
 * Relevance, higher first. Ranked on title (weight A) and key points (B)
 * only: that small tsvector stays inline in the row, while ranking over the
 * body would decompress a few KB per matching row (measured 3–5× slower
 * for a term in most documents, see docs/search.md); a body-only match
 * ranks 0 and the caller's tie-breaker orders those. 'fuzzy' ranks by
 * trigram similarity to the query as typed.
 */
export function searchRank(q: SearchQuery, mode: SearchMode = 'all', cols: SearchColumns = DEFAULT_SEARCH_COLUMNS): RawBuilder<number> {
  if (q.empty) return sql<number>`0::float8`;
  if (mode === 'corrected') return q.corrected ? searchRank(q.corrected, 'all', cols) : sql<number>`0::float8`;
  if (mode === 'fuzzy') return q.fuzzyText ? sql<number>`word_similarity(${q.fuzzyText}, ${sql.ref(cols.head)})::float8` : sql<number>`0::float8`;
  // ts_rank_cd is 0 exactly when the head does not match; the cheap `@@` test
  // first spares the cover-density computation for body-only matches (most
  // rows of a common term): ~15 → ~2 ms for 7,500 matches on PGlite.
  const tq = tsQuery(q, mode);
  return sql<number>`(case when ${sql.ref(cols.headDoc)} @@ ${tq} then ts_rank_cd(${sql.ref(cols.headDoc)}, ${tq}) else 0 end)::float8`;
}

export interface SearchOutcome<R> {
  rows: R[];
  /** Which query found them ('all' words, then the 'fuzzy' and 'any' fallbacks); 'list' for an empty query. */
  mode: SearchMode | 'list';
}

/**
 * Runs the caller's query with the strict condition, then with each
 * fallback while nothing is found: 'all' → 'corrected' → 'fuzzy' → 'any'. `run` builds
 * the whole query (table, filters, order by rank then a tie-breaker, limit)
 * around the match and rank it is given, so filters apply to every attempt.
 * Only queries that find nothing pay for a second round trip.
 */
export async function searchWithFallback<R>(
  q: SearchQuery,
  cols: SearchColumns,
  run: (match: Expression<boolean>, rank: Expression<number>, mode: SearchMode) => Promise<R[]>,
  /**
   * Whether an attempt found anything (default: it returned rows). A caller
   * that pages passes its own test — e.g. "the total is not 0" — so a page
   * past the end of the strict results stays empty instead of falling back
   * to a looser query with different results.
   */
  found: (rows: R[]) => boolean = (rows) => rows.length > 0,
): Promise<SearchOutcome<R>> {
  if (q.empty) return { rows: await run(searchMatch(q, 'all', cols), searchRank(q, 'all', cols), 'all'), mode: 'list' };
  const modes: SearchMode[] = ['all'];
  if (q.corrected && !q.corrected.empty) modes.push('corrected');
  if (q.fuzzyText) modes.push('fuzzy');
  modes.push('any');
  let rows: R[] = [];
  for (const mode of modes) {
    rows = await run(searchMatch(q, mode, cols), searchRank(q, mode, cols), mode);
    if (found(rows)) return { rows, mode };
  }
  return { rows, mode: 'any' };
}
