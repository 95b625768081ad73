import { useCallback } from 'react';
import { useI18n } from '../../app/i18n';

// Texts of the 申报 pages (zh-CN first, en-US alongside). Kept with the pages so the
// shared locale files only carry the menu labels.
const zh = {
  myTitle: '我的申报',
  reviewTitle: '申报审核',
  apply: '申报',
  applying: '正在创建申报…',
  viewMine: '查看我的申报',
  col_policy: '政策',
  col_enterprise: '企业',
  col_period: '年度',
  col_status: '状态',
  col_deadline: '当前期限',
  col_amount: '核定金额',
  col_updated: '更新时间',
  overdue: '已逾期',
  filter_status: '状态',
  filter_q: '企业名称、政策标题或信用代码',
  search: '查询',
  total: '共 {n} 条',
  empty: '还没有申报。可在“惠企政策”或“政策体检”中对可申报的政策点击“申报”。',
  back: '返回列表',
  current: '当前环节：{step}',
  deadline: '办理期限：{date}',
  daysLeft: '（剩余 {n} 个工作日）',
  daysOver: '（已逾期 {n} 个工作日）',
  dueToday: '（今天到期）',
  provisional: '暂定',
  provisionalTip: '该期限跨入尚未发布放假安排的年份，暂按周一至周五计算；该年安排载入后将自动重算，如有变动会通知您。',
  form: '申报表',
  formHint: '企业信息取自企业名录，如有变化请在“本企业”中更新。',
  f_enterpriseName: '企业名称',
  f_uscc: '统一社会信用代码',
  f_legalRep: '法定代表人',
  f_industry: '行业代码',
  f_employees: '从业人数',
  f_address: '地址',
  f_contactName: '联系人',
  f_contactPhone: '联系电话',
  f_requested: '申请金额（元）',
  f_description: '申报说明',
  save: '保存',
  saved: '已保存',
  materials: '申报材料',
  materialsHint: '按文件内容识别类型，允许：{types}；单个文件不超过 {mb} MiB。',
  upload: '上传',
  uploaded: '已上传 {name}',
  noFile: '未上传',
  remove: '删除',
  download: '下载',
  submit: '提交申报',
  resubmit: '补正后重新提交',
  submitted: '已提交，等待部门审核',
  returnedAlert: '部门退回补正：{reason}',
  rejectedAlert: '未通过：{reason}',
  approvedAlert: '审核通过，核定金额 {amount} 元',
  paidAlert: '已兑付 {amount} 元',
  progress: '办理进度',
  history: '办理记录',
  review: '审核',
  approve: '审核通过',
  reject: '不通过',
  returnFor: '退回补正',
  amount: '核定金额（元）',
  reason: '理由',
  returnReason: '需要补正的内容',
  budget: '政策预算 {budget} 元，已核定 {approved} 元，剩余 {remaining} 元',
  budgetUnlimited: '政策未设预算上限，已核定 {approved} 元',
  done: '操作成功',
  requested: '企业申请金额：{amount} 元',
  policyLink: '查看政策',
  by: '{who}',
};
type Key = keyof typeof zh;
const en: Record<Key, string> = {
  myTitle: 'My applications',
  reviewTitle: 'Application review',
  apply: 'Apply',
  applying: 'Creating the application…',
  viewMine: 'View my application',
  col_policy: 'Policy',
  col_enterprise: 'Enterprise',
  col_period: 'Year',
  col_status: 'Status',
  col_deadline: 'Current deadline',
  col_amount: 'Approved amount',
  col_updated: 'Updated',
  overdue: 'Overdue',
  filter_status: 'Status',
  filter_q: 'Enterprise, policy title or USCC',
  search: 'Search',
  total: '{n} in total',
  empty: 'No applications yet. Click “Apply” on an apply-mode policy in Policies or in the checkup.',
  back: 'Back to the list',
  current: 'Current step: {step}',
  deadline: 'Deadline: {date}',
  daysLeft: ' ({n} working days left)',
  daysOver: ' ({n} working days overdue)',
  dueToday: ' (due today)',
  provisional: 'provisional',
  provisionalTip: 'This deadline runs into a year whose holiday schedule is not published yet, so it is counted Monday–Friday for now. It is recomputed when that year is loaded, and you are told if it moves.',
  form: 'Application form',
  formHint: 'Enterprise data come from the registry; update them under “My enterprise”.',
  f_enterpriseName: 'Enterprise name',
  f_uscc: 'USCC',
  f_legalRep: 'Legal representative',
  f_industry: 'Industry code',
  f_employees: 'Employees',
  f_address: 'Address',
  f_contactName: 'Contact person',
  f_contactPhone: 'Contact phone',
  f_requested: 'Amount requested (yuan)',
  f_description: 'Description',
  save: 'Save',
  saved: 'Saved',
  materials: 'Materials',
  materialsHint: 'The type is detected from the content. Allowed: {types}; up to {mb} MiB per file.',
  upload: 'Upload',
  uploaded: 'Uploaded {name}',
  noFile: 'Not uploaded',
  remove: 'Remove',
  download: 'Download',
  submit: 'Submit',
  resubmit: 'Resubmit after supplement',
  submitted: 'Submitted; waiting for the department’s review',
  returnedAlert: 'Returned for supplement: {reason}',
  rejectedAlert: 'Rejected: {reason}',
  approvedAlert: 'Approved, amount {amount} yuan',
  paidAlert: 'Paid {amount} yuan',
  progress: 'Progress',
  history: 'History',
  review: 'Review',
  approve: 'Approve',
  reject: 'Reject',
  returnFor: 'Return for supplement',
  amount: 'Approved amount (yuan)',
  reason: 'Reason',
  returnReason: 'What to supplement',
  budget: 'Budget {budget} yuan, approved {approved} yuan, remaining {remaining} yuan',
  budgetUnlimited: 'No budget limit; approved {approved} yuan',
  done: 'Done',
  requested: 'Amount requested: {amount} yuan',
  policyLink: 'View the policy',
  by: '{who}',
};

const STATUS_ZH = { draft: '填报中', submitted: '待审核', returned: '退回补正', approved: '已通过', rejected: '未通过' } as const;
const STATUS_EN = { draft: 'Draft', submitted: 'Under review', returned: 'Returned', approved: 'Approved', rejected: 'Rejected' } as const;

export type AppTextKey = Key;

export function useAppText() {
  const { lang } = useI18n();
  const tx = useCallback(
    (key: Key, vars?: Record<string, string | number>) => {
      const text = (lang === 'en-US' ? en : zh)[key];
      return vars ? text.replace(/\{(\w+)\}/g, (whole, n: string) => (n in vars ? String(vars[n]) : whole)) : text;
    },
    [lang],
  );
  const statusText = useCallback((s: keyof typeof STATUS_ZH) => (lang === 'en-US' ? STATUS_EN : STATUS_ZH)[s], [lang]);
  return { tx, statusText, lang };
}

export const STATUS_COLORS: Record<keyof typeof STATUS_ZH, string> = { draft: 'default', submitted: 'processing', returned: 'warning', approved: 'success', rejected: 'error' };

/** Fen as yuan with two decimals. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
