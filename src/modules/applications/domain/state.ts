/**
 * The application state machine (SPEC P-7) as a table: which action moves an
 * application from which status to which, and who may take it. Pure.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved (──ledger──▶ 已兑付)
 *                      │   ▲   └──reject───▶ rejected
 *                 return   submit
 *                      ▼   │
 *                    returned ──reject──▶ rejected   (e.g. supplement never came)
 */
export type ApplicationStatus = 'draft' | 'submitted' | 'returned' | 'approved' | 'rejected';
export type ApplicationAction = 'submit' | 'return' | 'approve' | 'reject';
export type ActorKind = 'enterprise' | 'reviewer';

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: '填报中',
  submitted: '待审核',
  returned: '退回补正',
  approved: '已通过',
  rejected: '未通过',
};

export const ACTION_LABELS: Record<ApplicationAction | 'create' | 'recompute', string> = {
  create: '填报',
  /** The system recomputed a provisional (暂定) deadline after a calendar year was loaded (F-9). */
  recompute: '期限重算',
  submit: '提交申报',
  return: '退回补正',
  approve: '审核通过',
  reject: '审核不通过',
};

interface Transition {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  by: ActorKind;
  /** Refused after the review deadline (only reviews of a submitted application). */
  reviewStep: boolean;
}

export const TRANSITIONS: Record<ApplicationAction, Transition> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', by: 'enterprise', reviewStep: false },
  return: { from: ['submitted'], to: 'returned', by: 'reviewer', reviewStep: true },
  approve: { from: ['submitted'], to: 'approved', by: 'reviewer', reviewStep: true },
  reject: { from: ['submitted', 'returned'], to: 'rejected', by: 'reviewer', reviewStep: true },
};

/** The status after `action`, or null when the action is not allowed from `from`. */
export function nextStatus(from: ApplicationStatus, action: ApplicationAction): ApplicationStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}

/** The enterprise edits its form and materials only while it holds the application. */
export function isEditable(status: ApplicationStatus): boolean {
  return status === 'draft' || status === 'returned';
}

export function isFinal(status: ApplicationStatus): boolean {
  return status === 'approved' || status === 'rejected';
}
