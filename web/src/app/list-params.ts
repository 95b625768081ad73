import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

// List pages keep page, size and filters in the URL so that a list can be
// bookmarked, shared and restored with the back button.
export const PAGE_SIZES = [10, 20, 50, 100] as const;

export interface ListParams {
  page: number;
  pageSize: number;
  get: (name: string) => string | undefined;
  /** Sets filters (undefined or '' removes one) and goes back to page 1. */
  setFilters: (filters: Record<string, string | undefined>) => void;
  setPage: (page: number, pageSize: number) => void;
}

function positive(value: string | null, fallback: number, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export function useListParams(defaultPageSize = 20): ListParams {
  const [params, setParams] = useSearchParams();
  const page = positive(params.get('page'), 1, 1_000_000);
  const pageSize = positive(params.get('pageSize'), defaultPageSize, 100);

  const get = useCallback((name: string) => params.get(name) || undefined, [params]);

  const setFilters = useCallback(
    (filters: Record<string, string | undefined>) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(filters)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        next.delete('page');
        return next;
      });
    },
    [setParams],
  );

  const setPage = useCallback(
    (p: number, size: number) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        // A new page size restarts at page 1: the old page number means nothing there.
        next.set('page', String(size === pageSize ? p : 1));
        next.set('pageSize', String(size));
        return next;
      });
    },
    [setParams, pageSize],
  );

  return { page, pageSize, get, setFilters, setPage };
}

/** The pagination every list uses: current page and size from the URL, size changer, total. */
export function listPagination(list: ListParams, total: number, showTotal: (total: number) => string) {
  return {
    current: list.page,
    pageSize: list.pageSize,
    total,
    showSizeChanger: true,
    pageSizeOptions: PAGE_SIZES.map(String),
    showTotal,
    onChange: list.setPage,
  };
}
