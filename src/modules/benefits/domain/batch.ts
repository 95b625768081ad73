import { sm3 } from '../../../core/crypto/sm.ts';

/**
 * P-5 免申即享 disbursement batch as a table of allowed transitions (DESIGN
 * style rule 4): draft → approved → paying → paid. Checked here, in one place.
 */
export type BatchStatus = 'draft' | 'approved' | 'paying' | 'paid';
export type BatchAction = 'approve' | 'startPaying' | 'finish';
export type ItemState = 'pending' | 'waiting_budget' | 'held' | 'paid';

export const TRANSITIONS: Readonly<Record<BatchAction, { from: readonly BatchStatus[]; to: BatchStatus }>> = {
  approve: { from: ['draft'], to: 'approved' },
  startPaying: { from: ['approved'], to: 'paying' },
  finish: { from: ['paying'], to: 'paid' },
};

export function nextBatchStatus(current: BatchStatus, action: BatchAction): BatchStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

export const BATCH_STATUS_LABELS: Readonly<Record<BatchStatus, string>> = {
  draft: '待审核',
  approved: '已审核',
  paying: '发放中',
  paid: '已发放',
};

export const ITEM_STATE_LABELS: Readonly<Record<ItemState, string>> = {
  pending: '待发放',
  waiting_budget: '预算不足待拨付',
  held: '暂缓（金额无法计算）',
  paid: '已发放',
};

/** A benefit period: a year (2026), half year (2026-H1), quarter (2026-Q3) or month (2026-07). */
export const PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$/;

export function isPeriod(s: string): boolean {
  return PERIOD_RE.test(s);
}

/**
 * The years a period may name (docs/benefits.md): from 2000 — no policy Qifu
 * administers pays for earlier years, and 0000 is a typo, not a period — up
 * to next year, for which a budget may already be planned (9999 is a typo
 * too). `today` is a YYYY-MM-DD date in Asia/Shanghai.
 */
export const FIRST_PERIOD_YEAR = 2000;

export function periodYearRange(today: string): { from: number; to: number } {
  return { from: FIRST_PERIOD_YEAR, to: Number(today.slice(0, 4)) + 1 };
}

/** Why a period cannot be used, or null. */
export function periodProblem(period: string, today: string): string | null {
  if (!isPeriod(period)) return `兑付期间格式应为 2026、2026-H1、2026-Q3 或 2026-07，收到“${period}”`;
  const { from, to } = periodYearRange(today);
  const year = Number(period.slice(0, 4));
  if (year < from || year > to) return `兑付期间须在 ${from} 年至 ${to} 年之间，收到“${period}”`;
  return null;
}

/**
 * The stable reference a payment system receives for one payment: SM3 of
 * policy|period|USCC. The same enterprise, policy and period always give the
 * same reference, so a payment system can refuse a duplicate too.
 */
export function paymentRef(policyId: number, period: string, uscc: string): string {
  return sm3(`qifu-benefit|${policyId}|${period}|${uscc}`);
}

export interface Candidate {
  uscc: string;
  name: string;
  /** Registration date (YYYY-MM-DD) or null; for claims, the order key given by the caller. */
  orderKey: string | null;
  /** Amount in fen, or null when it cannot be computed (data missing). */
  amountFen: number | null;
  reason?: string;
}

export interface PlannedItem {
  seq: number;
  uscc: string;
  name: string;
  amountFen: number;
  state: Exclude<ItemState, 'paid'>;
  reason: string | null;
}

/**
 * The stated, deterministic order of a batch (docs/benefits.md): earliest
 * registration first (enterprises without a date last), then USCC.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.orderKey !== b.orderKey) {
    if (a.orderKey === null) return 1;
    if (b.orderKey === null) return -1;
    return a.orderKey < b.orderKey ? -1 : 1;
  }
  return a.uscc < b.uscc ? -1 : a.uscc > b.uscc ? 1 : 0;
}

export function fen(n: number): string {
  return `${(n / 100).toFixed(2)} 元`;
}

/**
 * Applies the budget cap in order: items are payable while they fit; from the
 * first one that does not fit, it and every later item wait (no later item
 * jumps ahead of an earlier one). Items whose amount is unknown are held with
 * the reason and use no budget. `available` null = unlimited.
 */
export function planItems(candidates: readonly Candidate[], available: number | null): PlannedItem[] {
  const sorted = [...candidates].sort(compareCandidates);
  let left = available;
  let exhausted = false;
  return sorted.map((c, i) => {
    const base = { seq: i + 1, uscc: c.uscc, name: c.name };
    if (c.amountFen === null) return { ...base, amountFen: 0, state: 'held' as const, reason: c.reason ?? '金额无法计算' };
    if (left !== null && (exhausted || c.amountFen > left)) {
      const reason = exhausted ? '预算已用尽，按顺序等待追加预算' : `预算不足：剩余 ${fen(left)}，需 ${fen(c.amountFen)}`;
      exhausted = true;
      return { ...base, amountFen: c.amountFen, state: 'waiting_budget' as const, reason };
    }
    if (left !== null) left -= c.amountFen;
    return { ...base, amountFen: c.amountFen, state: 'pending' as const, reason: null };
  });
}

export interface Totals {
  itemCount: number;
  totalFen: number;
  payableCount: number;
  payableFen: number;
  waitingCount: number;
  waitingFen: number;
  heldCount: number;
}

export function totalsOf(items: readonly PlannedItem[]): Totals {
  const t: Totals = { itemCount: items.length, totalFen: 0, payableCount: 0, payableFen: 0, waitingCount: 0, waitingFen: 0, heldCount: 0 };
  for (const it of items) {
    if (it.state === 'held') {
      t.heldCount++;
      continue;
    }
    t.totalFen += it.amountFen;
    if (it.state === 'pending') {
      t.payableCount++;
      t.payableFen += it.amountFen;
    } else {
      t.waitingCount++;
      t.waitingFen += it.amountFen;
    }
  }
  return t;
}
