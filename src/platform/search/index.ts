// Chinese full-text search building block (SPEC P-3); see docs/search.md.
export { correctQuery, domainDictionary, highlight, highlightMarked, queryTerms, segmentForIndex, segmentQuery, segmenter, toPlainText, MAX_QUERY_TOKENS, type HighlightSegment, type QueryTerm } from './segment.ts';
export { DEFAULT_SEARCH_COLUMNS, parseSearchQuery, searchColumnsDdl, searchColumnValues, searchMatch, searchRank, searchWithFallback, type SearchColumnValues, type SearchColumns, type SearchMode, type SearchOutcome, type SearchQuery } from './sql.ts';
