import { api } from '../../../api/client';
import type { Page, Role } from '../../../api/types';

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  role: Role | string;
  action: string;
  target: string;
  digest: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
}

export interface VerifyResult {
  ok: boolean;
  count: number;
  /** `reason` is a stable code, `message` its explanation. */
  firstBad?: { seq: number; reason: string; message?: string };
  /** The chain against the signed checkpoints kept outside the database. */
  anchor?: AnchorStatus;
}

export interface AnchorStatus {
  status: 'anchored' | 'unanchored' | 'broken';
  missing?: 'KEY' | 'LOG' | 'CHECKPOINT';
  message: string;
  checkpoints: number;
  latest: { seq: number; hash: string; at: string; kid: string } | null;
  protected: { from: number; to: number } | null;
  unprotected: { from: number; to: number } | null;
  problem?: { line: number | null; seq: number | null; reason: string; message: string };
  warnings: string[];
}

export function listAudit(page: number, pageSize: number, filter: AuditFilter): Promise<Page<AuditRecord>> {
  return api.get<Page<AuditRecord>>('/api/v1/audit', { page, pageSize, actor: filter.actor, action: filter.action });
}

export function verifyAudit(): Promise<VerifyResult> {
  return api.get<VerifyResult>('/api/v1/audit/verify');
}
