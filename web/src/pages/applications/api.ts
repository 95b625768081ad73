import { api, ApiError, NETWORK_ERROR, download } from '../../api/client';
import type { Page } from '../../api/types';

// The /api/v1 applications contract (SPEC P-7, docs/applications.md). Money is integer fen.

export type ApplicationStatus = 'draft' | 'submitted' | 'returned' | 'approved' | 'rejected';
export const APPLICATION_STATUSES: readonly ApplicationStatus[] = ['draft', 'submitted', 'returned', 'approved', 'rejected'];
export type ReviewAction = 'approve' | 'reject' | 'return';

export interface ApplicationSummary {
  id: number;
  policyId: number;
  policyVersion: number;
  policyTitle: string;
  department: string;
  uscc: string;
  enterpriseName: string;
  period: string;
  status: ApplicationStatus;
  statusLabel: string;
  amountFen: number | null;
  submittedAt: string | null;
  deadline: string | null;
  /** 暂定: the deadline runs into a year whose holiday schedule is not loaded yet (counted Monday–Friday). */
  deadlineProvisional: boolean;
  overdue: boolean;
  updatedAt: string;
}

export interface ApplicationForm {
  enterpriseName: string;
  uscc: string;
  legalRep: string | null;
  industry: string | null;
  address: string | null;
  employees: number | null;
  insuredEmployees: number | null;
  revenue: number | null;
  contactName: string;
  contactPhone: string;
  requestedAmountFen: number | null;
  description: string;
}

export interface TimelineStep {
  key: 'draft' | 'submitted' | 'returned' | 'review' | 'decided' | 'paid';
  title: string;
  state: 'finish' | 'process' | 'wait' | 'error';
  at: string | null;
  by: string | null;
  deadline: string | null;
  deadlineProvisional: boolean;
  workdaysLeft: number | null;
  note: string | null;
}

export interface TimelineEvent {
  action: string;
  label: string;
  from: string | null;
  to: string;
  actor: string;
  actorName: string;
  role: string;
  at: string;
  note: string | null;
  amountFen: number | null;
  deadline: string | null;
  deadlineProvisional: boolean;
}

export interface ApplicationFile {
  id: number;
  material: string | null;
  filename: string;
  ext: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export interface ApplicationDetail extends ApplicationSummary {
  form: ApplicationForm;
  reason: string | null;
  reviewDue: string | null;
  reviewDueProvisional: boolean;
  supplementDue: string | null;
  supplementDueProvisional: boolean;
  decidedAt: string | null;
  createdAt: string | null;
  editable: boolean;
  reviewable: boolean;
  materials: string[];
  upload: { allowedTypes: string[]; maxFileBytes: number };
  files: ApplicationFile[];
  budget: { budgetFen: number | null; approvedFen: number; remainingFen: number | null } | null;
  payment: { amountFen: number; paidAt: string; batchId: number } | null;
  timeline: { current: { key: string; title: string; deadline: string | null; deadlineProvisional: boolean; workdaysLeft: number | null }; steps: TimelineStep[]; events: TimelineEvent[] };
}

export interface ApplicationFilter {
  status?: string;
  policyId?: number;
  q?: string;
}

const BASE = '/api/v1/applications';

export const applicationKeys = {
  all: ['applications'] as const,
  list: (f: ApplicationFilter & { page: number; pageSize: number }) => ['applications', 'list', f] as const,
  detail: (id: number | string) => ['applications', 'detail', String(id)] as const,
};

export function listApplications(f: ApplicationFilter & { page: number; pageSize: number }): Promise<Page<ApplicationSummary>> {
  return api.get<Page<ApplicationSummary>>(BASE, { ...f });
}

export function fetchApplication(id: number | string): Promise<ApplicationDetail> {
  return api.get<ApplicationDetail>(`${BASE}/${id}`);
}

export function createApplication(policyId: number): Promise<ApplicationDetail> {
  return api.post<ApplicationDetail>(`/api/v1/policies/${policyId}/applications`);
}

export function saveForm(id: number, patch: Partial<Pick<ApplicationForm, 'contactName' | 'contactPhone' | 'requestedAmountFen' | 'description'>>): Promise<ApplicationDetail> {
  return api.patch<ApplicationDetail>(`${BASE}/${id}`, patch);
}

export function deleteFile(id: number, fileId: number): Promise<void> {
  return api.delete<void>(`${BASE}/${id}/files/${fileId}`);
}

export function downloadFile(id: number, f: ApplicationFile): Promise<string> {
  return download(`${BASE}/${id}/files/${f.id}`, undefined, f.filename);
}

/** A fresh Idempotency-Key (UUID where the browser offers one). */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

async function sendRaw<T>(method: 'POST', path: string, body: BodyInit, headers: Record<string, string>, csrfToken: string | null): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (csrfToken) h['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ title: 'Network error', status: 0, code: NETWORK_ERROR });
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const p = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    throw new ApiError({ title: str(p.title) ?? (res.statusText || `HTTP ${res.status}`), status: res.status, code: str(p.code) ?? `HTTP_${res.status}`, detail: str(p.detail), field: str(p.field) });
  }
  return data as T;
}

/** Submit / approve / reject / return, with an Idempotency-Key so a repeated click or a network retry acts once. */
export function applicationAction(id: number, action: 'submit' | ReviewAction, body: Record<string, unknown>, key: string, csrfToken: string | null): Promise<{ id: number; status: ApplicationStatus }> {
  return sendRaw('POST', `${BASE}/${id}/${action}`, JSON.stringify(body), { 'content-type': 'application/json', 'idempotency-key': key }, csrfToken);
}

/** Multipart upload of one material file; the server checks its type by content. */
export function uploadFile(id: number, material: string | null, file: File, csrfToken: string | null): Promise<ApplicationFile> {
  const form = new FormData();
  form.append('file', file, file.name);
  const q = material ? `?material=${encodeURIComponent(material)}` : '';
  return sendRaw('POST', `${BASE}/${id}/files${q}`, form, {}, csrfToken);
}
