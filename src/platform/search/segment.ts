// Chinese word segmentation for full-text search (SPEC P-3, DESIGN "Chinese text").
// PostgreSQL has no Chinese parser, and Intl.Segmenter splits 闵行区 into
// 闵/行/区, so text is segmented here with jieba plus a domain dictionary and
// the database indexes the space-joined tokens with the `simple` config.
// Both the stored text and the query go through the same functions, so the
// two sides always agree on what a token is.
import fs from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;
let domainWords: string[] | undefined;

const dictText = (): string => fs.readFileSync(new URL('./dict.txt', import.meta.url), 'utf8');

/**
 * The process-wide segmenter: jieba's bundled dictionary plus
 * src/platform/search/dict.txt (one `word frequency [tag]` a line). Loading
 * the dictionaries takes ~100 ms, so it happens once, on first use.
 */
export function segmenter(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict);
    j.loadDict(Buffer.from(dictText()));
    jieba = j;
  }
  return jieba;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Text content of a fragment that may hold HTML (policy bodies are sanitised
 * rich text): script/style bodies dropped, tags replaced by a space (a tag
 * often separates words), entities decoded. The result is plain text and
 * must be rendered as text, never as markup.
 */
export function toPlainText(input: string): string {
  return input
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ')
    .replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    // Control characters (NUL included) as spaces: PostgreSQL text cannot hold NUL.
    // eslint-disable-next-line no-control-regex -- matching them is the point
    .replace(/[\u0000-\u001f\u007f]/g, ' ');
}

// A token must carry a letter or a digit; punctuation and spaces are separators.
const WORDISH = /[\p{L}\p{N}]/u;

function cleanTokens(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const t = w.trim().toLowerCase();
    if (t && WORDISH.test(t)) out.push(t);
  }
  return out;
}

/**
 * Dictionary sub-words of a longer word (政策性融资担保 → 政策, 政策性, 融资,
 * 融资担保, 担保). jieba's own cut_for_search only adds 2- and 3-character
 * sub-words, which would lose 融资担保 inside 政策性融资担保; cutAll lists every
 * dictionary word inside, of any length. Single characters are left out:
 * they would index every character of every compound twice over.
 */
function subWords(word: string): string[] {
  if ([...word].length < 3) return [];
  const out: string[] = [];
  for (const s of cleanTokens(segmenter().cutAll(word))) if (s !== word && [...s].length >= 2 && !out.includes(s)) out.push(s);
  return out;
}

/**
 * Tokens of a document for the index, space-joined: every word of jieba's
 * precise cut (no HMM, so the result depends only on the dictionary), each
 * followed by its dictionary sub-words — so 融资担保 is indexed as 融资担保,
 * 融资 and 担保, and a query for any of them finds it. HTML is stripped and
 * latin text lowercased first.
 */
export function segmentForIndex(text: string): string {
  const plain = toPlainText(text);
  if (!plain.trim()) return '';
  const out: string[] = [];
  for (const w of cleanTokens(segmenter().cut(plain, false))) {
    out.push(w);
    for (const s of subWords(w)) out.push(s);
  }
  return out.join(' ');
}

// Function words that would only make an AND query stricter without making it
// more precise (关于融资担保的政策 should not require 的). Only dropped from
// queries, and only when something else remains.
const QUERY_STOP = new Set(['的', '了', '和', '与', '及', '或', '在', '对', '等', '之', '为', '是', '也', '并', '其', '有', '关于', '以及', '我', '想', '要', '怎么', '如何', '哪些', '什么']);

/** Most query words kept; more would only slow the query and match nothing. */
export const MAX_QUERY_TOKENS = 12;

/**
 * Tokens of a search query: jieba's precise cut (same settings as the
 * index), lowercased, punctuation and tsquery/SQL syntax dropped, function
 * words removed, duplicates removed, at most MAX_QUERY_TOKENS.
 */
export function segmentQuery(q: string): string[] {
  const plain = toPlainText(q).slice(0, 200);
  const all = cleanTokens(segmenter().cut(plain, false));
  const kept = all.filter((t) => !QUERY_STOP.has(t));
  const tokens = kept.length > 0 ? kept : all;
  return [...new Set(tokens)].slice(0, MAX_QUERY_TOKENS);
}

/** One query word and, when it is a compound, its dictionary sub-words. */
export interface QueryTerm {
  word: string;
  /** 担保贷款 → [担保, 贷款]: lets a query word match a document that segmented it differently. */
  parts: string[];
}

/** The query words with their sub-words, as searchMatch uses them. */
export function queryTerms(tokens: readonly string[]): QueryTerm[] {
  // Only the fewest sub-words that together spell the word (政策性融资担保 →
  // 政策性 + 融资担保): what a text that segmented the word differently still contains.
  return tokens.map((word) => ({ word, parts: minimalCover(word, subWords(word)) }));
}

/** Shortest list of sub-words that covers `word` from start to end, or [] if none does. */
function minimalCover(word: string, subs: readonly string[]): string[] {
  const chars = [...word];
  const best: (string[] | undefined)[] = new Array<string[] | undefined>(chars.length + 1);
  best[0] = [];
  for (let i = 0; i < chars.length; i++) {
    const cur = best[i];
    if (!cur) continue;
    for (const s of subs) {
      const n = [...s].length;
      if (chars.slice(i, i + n).join('') !== s) continue;
      const next = best[i + n];
      if (!next || next.length > cur.length + 1) best[i + n] = [...cur, s];
    }
  }
  return best[chars.length] ?? [];
}

/** A piece of a highlighted snippet; `hit` pieces match a query token. Plain text only. */
export interface HighlightSegment {
  text: string;
  hit: boolean;
}

/**
 * A snippet of at most `maxLen` characters around the first match of any
 * token, as text segments for the UI to render (as text — the segments never
 * carry markup: HTML in the input is stripped to its text first). Single
 * characters are highlighted only when the query has nothing longer, so a
 * typo's stray 宝 does not light up the whole page.
 */
export function highlight(text: string, tokens: readonly string[], maxLen = 120): HighlightSegment[] {
  const plain = toPlainText(text).replace(/\s+/g, ' ').trim();
  const chars = [...plain];
  const long = tokens.filter((t) => [...t].length >= 2);
  const use = [...new Set(long.length > 0 ? long : tokens)].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  const lower = plain.toLowerCase();
  // Mark matched code-point positions. toLowerCase keeps the length of CJK and
  // ASCII text, so code-unit offsets in `lower` map onto `plain`.
  const hitUnits = new Uint8Array(plain.length);
  let first = -1;
  // A few scripts change length when lowercased (İ → i̇); then only the snippet, unmarked.
  for (const t of lower.length === plain.length ? use : []) {
    for (let i = lower.indexOf(t); i >= 0; i = lower.indexOf(t, i + t.length)) {
      hitUnits.fill(1, i, i + t.length);
      if (first < 0 || i < first) first = i;
    }
  }
  // Work in code points from here (no surrogate pair is ever cut in half).
  const hits: boolean[] = [];
  let unit = 0;
  for (const c of chars) {
    hits.push(hitUnits[unit] === 1);
    unit += c.length;
  }
  let start = 0;
  if (chars.length > maxLen && first >= 0) {
    const firstCp = [...plain.slice(0, first)].length;
    start = Math.max(0, Math.min(firstCp - Math.floor(maxLen / 4), chars.length - maxLen));
  }
  const end = Math.min(chars.length, start + maxLen);
  const out: HighlightSegment[] = [];
  for (let i = start; i < end; i++) {
    const c = chars[i] as string;
    const h = hits[i] === true;
    const last = out[out.length - 1];
    if (last && last.hit === h) last.text += c;
    else out.push({ text: c, hit: h });
  }
  if (start > 0) out.unshift({ text: '…', hit: false });
  if (end < chars.length) out.push({ text: '…', hit: false });
  return out;
}

/** The same snippet as one string with matches wrapped in «», for logs, CLI and plain-text channels. */
export function highlightMarked(text: string, tokens: readonly string[], maxLen = 120): string {
  return highlight(text, tokens, maxLen)
    .map((s) => (s.hit ? `«${s.text}»` : s.text))
    .join('');
}

/** The domain dictionary's words (dict.txt), for typo correction. */
export function domainDictionary(): readonly string[] {
  domainWords ??= dictText()
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((w) => w.length > 0);
  return domainWords;
}

/**
 * The query with each whitespace-separated part of 3+ characters that is one
 * substituted character away from exactly one domain term replaced by that
 * term (融资担宝 → 融资担保, 小巨仁 → 小巨人); null when nothing changed. A cheap,
 * index-friendly first answer to a typo: the corrected query runs as an
 * ordinary AND query. Only the domain dictionary is consulted, so ordinary
 * words are never "corrected".
 */
export function correctQuery(q: string): string | null {
  const words = domainDictionary();
  let changed = false;
  const parts = toPlainText(q)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((part) => {
      const cs = [...part];
      if (cs.length < 3 || words.includes(part)) return part;
      const near = words.filter((w) => {
        const ws = [...w];
        if (ws.length !== cs.length) return false;
        let diff = 0;
        for (let i = 0; i < ws.length && diff < 2; i++) if (ws[i] !== cs[i]) diff++;
        return diff === 1;
      });
      if (near.length !== 1) return part;
      changed = true;
      return near[0] as string;
    });
  return changed ? parts.join(' ') : null;
}
