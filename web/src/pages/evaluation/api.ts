import { api, download } from '../../api/client';

// 政策评估 (SPEC P-8) and 部门提醒 (P-6): see docs/evaluation.md for the exact definitions.

export interface PolicyEvaluation {
  policyId: number;
  title: string;
  department: string;
  departmentName: string;
  mode: 'apply' | 'auto';
  status: string;
  eligible: number;
  notified: number;
  /** null for 免申即享 (no application step). */
  applied: number | null;
  approved: number;
  paidCount: number;
  paidFen: number;
  medianDaysToPayment: number | null;
}

export interface DepartmentEvaluation {
  department: string;
  departmentName: string;
  policies: number;
  eligible: number;
  notified: number;
  applied: number;
  approved: number;
  paidCount: number;
  paidFen: number;
  medianDaysToPayment: number | null;
}

export function fetchPolicyEvaluation(department?: string): Promise<{ items: PolicyEvaluation[] }> {
  return api.get<{ items: PolicyEvaluation[] }>('/api/v1/evaluation/policies', { department });
}

export function fetchDepartmentEvaluation(): Promise<{ items: DepartmentEvaluation[] }> {
  return api.get<{ items: DepartmentEvaluation[] }>('/api/v1/evaluation/departments');
}

export function exportEvaluation(department?: string): Promise<string> {
  return download('/api/v1/evaluation/export.xlsx', { department }, 'evaluation.xlsx');
}

export interface StaffMessage {
  id: number;
  department: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

export const staffMessageKeys = {
  all: ['staff-messages'] as const,
  page: (page: number, pageSize: number) => ['staff-messages', 'page', page, pageSize] as const,
};

export function fetchStaffMessages(page: number, pageSize: number): Promise<{ items: StaffMessage[]; total: number; unread: number }> {
  return api.get('/api/v1/staff-messages', { page, pageSize });
}

export function markStaffMessageRead(id: number): Promise<void> {
  return api.post<void>(`/api/v1/staff-messages/${id}/read`);
}
