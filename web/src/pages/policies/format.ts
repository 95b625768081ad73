import type { OrgMeta } from '../../api/types';
import type { MessageKey } from '../../locales';
import type { PolicyStatus } from './api';

export function deptName(org: OrgMeta | undefined, code: string): string {
  return org?.departments.find((d) => d.code === code)?.name ?? code;
}

export function statusColor(s: PolicyStatus): string {
  return s === 'published' ? 'green' : s === 'review' ? 'gold' : s === 'draft' ? 'default' : s === 'expired' ? 'orange' : 'red';
}

const STATUS_KEYS: Record<PolicyStatus, MessageKey> = {
  draft: 'pages.policies.status.draft',
  review: 'pages.policies.status.review',
  published: 'pages.policies.status.published',
  expired: 'pages.policies.status.expired',
  withdrawn: 'pages.policies.status.withdrawn',
};

export function statusKey(s: PolicyStatus): MessageKey {
  return STATUS_KEYS[s];
}

export const policyKeys = {
  all: ['policies'] as const,
  detail: (id: number | string) => ['policy', String(id)] as const,
};
