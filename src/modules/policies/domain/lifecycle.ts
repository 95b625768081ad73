import type { PolicyStatus } from '../migrations.ts';

/**
 * P-2 lifecycle as a table of allowed transitions (DESIGN style rule 4):
 * draft → review → published → expired (automatic, at the end date) | withdrawn;
 * review can also go back to draft (returned with a note).
 */
export type PolicyAction = 'submit' | 'return' | 'publish' | 'withdraw' | 'expire';

export const TRANSITIONS: Readonly<Record<PolicyAction, { from: readonly PolicyStatus[]; to: PolicyStatus }>> = {
  submit: { from: ['draft'], to: 'review' },
  return: { from: ['review'], to: 'draft' },
  publish: { from: ['review'], to: 'published' },
  withdraw: { from: ['published', 'review', 'draft'], to: 'withdrawn' },
  expire: { from: ['published'], to: 'expired' },
};

export function nextStatus(current: PolicyStatus, action: PolicyAction): PolicyStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

export const STATUS_LABELS: Readonly<Record<PolicyStatus, string>> = {
  draft: '草稿',
  review: '审核中',
  published: '已发布',
  expired: '已过期',
  withdrawn: '已撤回',
};
