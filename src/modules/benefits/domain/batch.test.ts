import { describe, expect, it } from 'vitest';
import { isPeriod, nextBatchStatus, paymentRef, periodProblem, planItems, totalsOf, type Candidate } from './batch.ts';

describe('batch state machine (P-5)', () => {
  it('allows only draft → approved → paying → paid', () => {
    expect(nextBatchStatus('draft', 'approve')).toBe('approved');
    expect(nextBatchStatus('approved', 'approve')).toBeNull();
    expect(nextBatchStatus('paid', 'approve')).toBeNull();
    expect(nextBatchStatus('draft', 'startPaying')).toBeNull();
    expect(nextBatchStatus('approved', 'startPaying')).toBe('paying');
    expect(nextBatchStatus('paying', 'finish')).toBe('paid');
    expect(nextBatchStatus('approved', 'finish')).toBeNull();
  });

  it('accepts year, half, quarter and month periods only', () => {
    for (const p of ['2026', '2026-H1', '2026-Q4', '2026-07']) expect(isPeriod(p), p).toBe(true);
    for (const p of ['26', '2026-13', '2026-Q5', '2026/07', '2026-7', '']) expect(isPeriod(p), p).toBe(false);
  });

  it('accepts periods from 2000 up to next year (Asia/Shanghai today) only: 0000 and 9999 are typos (issue 12 item 14)', () => {
    for (const p of ['2000', '2026-Q4', '2027', '2027-12']) expect(periodProblem(p, '2026-12-31'), p).toBeNull();
    for (const p of ['0000', '9999', '1999-12', '2028', '2026-13']) expect(periodProblem(p, '2026-12-31'), p).not.toBeNull();
    // On 1 January (Beijing time) the next year moves on.
    expect(periodProblem('2028', '2027-01-01')).toBeNull();
  });

  it('gives one stable payment reference per policy, period and enterprise', () => {
    expect(paymentRef(1, '2026', 'A')).toBe(paymentRef(1, '2026', 'A'));
    expect(paymentRef(1, '2026', 'A')).not.toBe(paymentRef(1, '2026-Q1', 'A'));
    expect(paymentRef(1, '2026', 'A')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('budget cap in the stated order', () => {
  const c = (uscc: string, orderKey: string | null, amountFen: number | null): Candidate => ({ uscc, name: uscc, orderKey, amountFen });

  it('orders by registration date (missing last) then USCC, and stops at the first item that does not fit', () => {
    const items = planItems([c('D', '2020-01-01', 100), c('B', '2010-05-05', 300), c('A', '2010-05-05', 300), c('E', null, 10), c('C', '2015-01-01', 500)], 700);
    expect(items.map((i) => [i.seq, i.uscc, i.state])).toEqual([
      [1, 'A', 'pending'],
      [2, 'B', 'pending'],
      [3, 'C', 'waiting_budget'],
      // D (100) would fit in the 100 left, but does not jump ahead of C.
      [4, 'D', 'waiting_budget'],
      [5, 'E', 'waiting_budget'],
    ]);
    expect(items[2]!.reason).toContain('预算不足');
    expect(totalsOf(items)).toEqual({ itemCount: 5, totalFen: 1210, payableCount: 2, payableFen: 600, waitingCount: 3, waitingFen: 610, heldCount: 0 });
  });

  it('pays everything with no budget, and holds items whose amount is unknown without using budget', () => {
    const items = planItems([c('A', '2010-01-01', 5), c('B', '2011-01-01', null), c('C', '2012-01-01', 5)], null);
    expect(items.map((i) => i.state)).toEqual(['pending', 'held', 'pending']);
    const capped = planItems([c('A', '2010-01-01', 5), c('B', '2011-01-01', null), c('C', '2012-01-01', 5)], 10);
    expect(capped.map((i) => i.state)).toEqual(['pending', 'held', 'pending']);
  });
});
