/**
 * The application form: registry fields prefilled from the enterprise's record
 * (read-only in the form — they change in 企业名录, not here) and the fields the
 * enterprise fills in. Pure.
 */
export interface ApplicationForm {
  enterpriseName: string;
  uscc: string;
  legalRep: string | null;
  industry: string | null;
  address: string | null;
  employees: number | null;
  insuredEmployees: number | null;
  /** 营业收入, fen. */
  revenue: number | null;
  contactName: string;
  contactPhone: string;
  /** 申请金额 the enterprise asks for, fen (the department decides the approved amount). */
  requestedAmountFen: number | null;
  description: string;
}

export const EDITABLE_FIELDS = ['contactName', 'contactPhone', 'requestedAmountFen', 'description'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/;

export function prefillForm(e: Record<string, unknown>, uscc: string, name: string): ApplicationForm {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
  return {
    enterpriseName: name,
    uscc,
    legalRep: str(e.legalRep),
    industry: str(e.industry),
    address: str(e.address),
    employees: num(e.employees),
    insuredEmployees: num(e.insuredEmployees),
    revenue: num(e.revenue),
    contactName: '',
    contactPhone: '',
    requestedAmountFen: null,
    description: '',
  };
}

export interface FormProblem {
  field: string;
  message: string;
}

/** What must be filled in before submitting. */
export function formProblems(f: ApplicationForm): FormProblem[] {
  const out: FormProblem[] = [];
  if (!f.contactName.trim()) out.push({ field: 'contactName', message: '请填写联系人' });
  if (!PHONE_RE.test(f.contactPhone.trim())) out.push({ field: 'contactPhone', message: '请填写有效的联系电话（手机或座机）' });
  if (!f.description.trim()) out.push({ field: 'description', message: '请填写申报说明' });
  return out;
}

/** Required materials (the policy's list) that have no uploaded file yet. */
export function missingMaterials(required: readonly string[], uploaded: ReadonlyArray<string | null>): string[] {
  const have = new Set(uploaded.filter((m): m is string => !!m));
  return required.filter((m) => !have.has(m));
}
