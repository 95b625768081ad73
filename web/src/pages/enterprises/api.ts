import { api, ApiError, download, NETWORK_ERROR } from '../../api/client';
import type { Page } from '../../api/types';

// The /api/v1 enterprise contract (SPEC E-1…E-4). Money is integer fen.

export type AttrValue = string | number | boolean | string[] | null;
export type AttributeType = 'number' | 'money' | 'date' | 'enum' | 'tags' | 'text' | 'boolean';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['number', 'money', 'date', 'enum', 'tags', 'text', 'boolean'];

export interface EnterpriseView {
  uscc: string;
  name: string;
  legalRep: string | null;
  legalRepMasked: boolean;
  entityType: string | null;
  industry: string | null;
  industryName: string | null;
  registeredCapital: number | null;
  established: string | null;
  status: string;
  district: string;
  districtName: string | null;
  street: string | null;
  streetName: string | null;
  park: string | null;
  address: string | null;
  employees: number | null;
  insuredEmployees: number | null;
  revenue: number | null;
  taxPaid: number | null;
  rdSpending: number | null;
  tags: string[];
  creditGrade: string | null;
  riskGrade: string | null;
  attrs: Record<string, AttrValue>;
  updatedAt: string;
  version: number;
}

export interface AttributeDef {
  key: string;
  label: string;
  type: AttributeType;
  unit: string | null;
  options: string[] | null;
  description: string | null;
  builtin: boolean;
}

export interface PageAttribute {
  key: string;
  label: string;
  type: AttributeType;
  unit: string | null;
  builtin: boolean;
  value: AttrValue;
}

export interface PageSectionItem {
  title: string;
  status?: string;
  date?: string;
  link?: string;
  detail?: string;
}

/** A block another module contributes to 一企一页 (policies, requests, inspections …). */
export interface PageSection {
  key: string;
  title: string;
  items: PageSectionItem[];
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  source: string | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export interface EnterprisePage {
  enterprise: EnterpriseView;
  attributes: PageAttribute[];
  sections: PageSection[];
  history: HistoryEntry[];
}

export interface EnterpriseFilter {
  q?: string;
  street?: string;
  industry?: string;
  status?: string;
  tag?: string;
}

export interface ImportResult {
  importId: number;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  failed: number;
  unknownColumns: string[];
  errors: Array<{ row: number; column: string | null; reason: string }>;
}

export interface EnterpriseCode {
  uscc: string;
  token: string;
  url: string;
  expiresAt: string;
  /** PNG data URL of the QR code carrying `url`. */
  qr: string;
}

export interface VerifiedCode {
  valid: true;
  expiresAt: string;
  enterprise: {
    uscc: string;
    name: string;
    status: string;
    entityType: string | null;
    industry: string | null;
    industryName: string | null;
    established: string | null;
    districtName: string | null;
    streetName: string | null;
    tags: string[];
  };
}

export type NewAttribute = Pick<AttributeDef, 'key' | 'label' | 'type'> & Partial<Pick<AttributeDef, 'unit' | 'options' | 'description'>>;

const BASE = '/api/v1/enterprises';

export function listEnterprises(page: number, pageSize: number, f: EnterpriseFilter): Promise<Page<EnterpriseView>> {
  return api.get<Page<EnterpriseView>>(BASE, { page, pageSize, ...f });
}

export function exportEnterprises(format: 'xlsx' | 'csv', f: EnterpriseFilter): Promise<string> {
  return download(`${BASE}/export.${format}`, { ...f }, `enterprises.${format}`);
}

export function fetchEnterprisePage(uscc: string): Promise<EnterprisePage> {
  return api.get<EnterprisePage>(`${BASE}/${encodeURIComponent(uscc)}/page`);
}

export function createEnterprise(body: Record<string, AttrValue>): Promise<EnterpriseView> {
  return api.post<EnterpriseView>(BASE, body);
}

export function updateEnterprise(uscc: string, body: Record<string, AttrValue>): Promise<EnterpriseView> {
  return api.patch<EnterpriseView>(`${BASE}/${encodeURIComponent(uscc)}`, body);
}

export function fetchEnterpriseCode(uscc: string): Promise<EnterpriseCode> {
  return api.get<EnterpriseCode>(`${BASE}/${encodeURIComponent(uscc)}/code`);
}

export function verifyEnterpriseCode(token: string): Promise<VerifiedCode> {
  return api.get<VerifiedCode>('/api/v1/public/enterprise-codes/verify', { token });
}

export function fetchAttributes(): Promise<{ items: AttributeDef[] }> {
  return api.get<{ items: AttributeDef[] }>('/api/v1/enterprise-attributes');
}

export function createAttribute(body: NewAttribute): Promise<AttributeDef> {
  return api.post<AttributeDef>('/api/v1/enterprise-attributes', body);
}

export function downloadImportErrors(importId: number): Promise<string> {
  return download(`${BASE}/imports/${importId}/errors.xlsx`, undefined, `import-${importId}-errors.xlsx`);
}

/**
 * Multipart upload of an import file. The shared client speaks JSON only, so
 * this sends the form itself, with the same CSRF header and problem handling.
 */
export async function importEnterprises(file: File, csrfToken: string | null): Promise<ImportResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`${BASE}/import`, { method: 'POST', headers, body: form, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ title: 'Network error', status: 0, code: NETWORK_ERROR });
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const p = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    throw new ApiError({
      title: str(p.title) ?? (res.statusText || `HTTP ${res.status}`),
      status: res.status,
      code: str(p.code) ?? `HTTP_${res.status}`,
      detail: str(p.detail),
      field: str(p.field),
    });
  }
  return body as ImportResult;
}
