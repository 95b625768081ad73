import { api, download } from '../../api/client';
import type { Page } from '../../api/types';

export type BatchStatus = 'draft' | 'approved' | 'paying' | 'paid';
export type ItemState = 'pending' | 'waiting_budget' | 'held' | 'paid';

export interface BatchSummary {
  id: number;
  policyId: number;
  policyTitle: string;
  department: string;
  version: number;
  source: 'auto' | 'apply';
  period: string;
  status: BatchStatus;
  statusLabel: string;
  itemCount: number;
  totalFen: number;
  payableCount: number;
  payableFen: number;
  waitingCount: number;
  waitingFen: number;
  heldCount: number;
  paidCount: number;
  paidFen: number;
  budgetFen: number | null;
  availableFen: number | null;
  createdBy: string;
  createdAt: string;
  computedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  paidAt: string | null;
}

export interface BatchItem {
  seq: number;
  uscc: string;
  name: string;
  amountFen: number;
  state: ItemState;
  stateLabel: string;
  reason: string | null;
  paymentRef: string;
  paidAt: string | null;
}

export interface BatchDetail extends BatchSummary {
  canManage: boolean;
  items: BatchItem[];
  itemsTotal: number;
}

export interface EnjoyedBenefit {
  policyId: number;
  title: string;
  version: number;
  period: string;
  amountFen: number;
  paidAt: string;
}

export interface AutoPolicy {
  id: number;
  title: string;
  department: string;
  version: number;
}

const BASE = '/api/v1/benefits/batches';

export function listBatches(page: number, pageSize: number, status?: string): Promise<Page<BatchSummary>> {
  return api.get<Page<BatchSummary>>(BASE, { page, pageSize, status });
}

export function computeBatch(policyId: number, period: string): Promise<BatchSummary & { recomputed: boolean }> {
  return api.post(BASE, { policyId, period });
}

export function fetchBatch(id: number, page: number, pageSize: number, state?: string): Promise<BatchDetail> {
  return api.get<BatchDetail>(`${BASE}/${id}`, { page, pageSize, state });
}

export function approveBatch(id: number): Promise<BatchSummary> {
  return api.post(`${BASE}/${id}/approve`);
}

export function payBatch(id: number): Promise<BatchSummary & { paidNow: number }> {
  return api.post(`${BASE}/${id}/pay`);
}

export function exportItems(id: number): Promise<string> {
  return download(`${BASE}/${id}/items.xlsx`, undefined, `benefit-batch-${id}.xlsx`);
}

export function fetchEnjoyed(uscc: string): Promise<EnjoyedBenefit[]> {
  return api.get<EnjoyedBenefit[]>(`/api/v1/enterprises/${uscc}/benefits`);
}

/** Published 免申即享 policies (a dept user computes only its own department's). */
export async function fetchAutoPolicies(department: string | null): Promise<AutoPolicy[]> {
  const r = await api.get<Page<AutoPolicy>>('/api/v1/policies', { mode: 'auto', status: 'published', department: department ?? undefined, pageSize: 100 });
  return r.items;
}

/** Fen → "1,234.56 元" (amounts are integer fen everywhere). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
}
