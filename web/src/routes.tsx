import { AuditOutlined, BankOutlined, BellOutlined, FileSearchOutlined, HomeOutlined, MedicineBoxOutlined, ProfileOutlined, ShopOutlined, TeamOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { AccessFlag } from './access';
import type { MessageKey } from './locales';
import { FileDoneOutlined, FormOutlined } from '@ant-design/icons';
import { ApplicationDetailPage } from './pages/applications/detail';
import { ApplicationReviewListPage, MyApplicationsPage } from './pages/applications/list';
import { AuditListPage } from './pages/audit/list';
import { CalendarOutlined } from '@ant-design/icons';
import { CalendarAdminPage } from './pages/calendar';
import { EvaluationPage } from './pages/evaluation';
import { StaffMessagesPage } from './pages/evaluation/reminders';
import { AlertOutlined, BarChartOutlined } from '@ant-design/icons';
import { GiftOutlined, PayCircleOutlined } from '@ant-design/icons';
import { BenefitBatchDetailPage } from './pages/benefits/detail';
import { EnjoyedBenefitsPage } from './pages/benefits/enjoyed';
import { BenefitBatchListPage } from './pages/benefits/list';
import { AttributeCatalogPage } from './pages/enterprises/attributes';
import { EnterpriseDetailPage } from './pages/enterprises/detail';
import { EnterpriseListPage } from './pages/enterprises/list';
import { MyEnterprisePage } from './pages/enterprises/mine';
import { HomePage } from './pages/home/welcome';
import { MessagesPage } from './pages/messages';
import { PolicyCheckupPage } from './pages/policies/checkup';
import { PolicyDetailPage } from './pages/policies/detail';
import { PolicyEditPage } from './pages/policies/edit';
import { PolicyListPage } from './pages/policies/list';
import { EnterpriseCodeVerifyPage } from './pages/public/enterprise-code';
import { PublicPolicyDetailPage, PublicPolicyListPage } from './pages/public/policies';
import { UserListPage } from './pages/users/list';
import { ApiOutlined } from '@ant-design/icons';
import { TokensPage } from './pages/tokens';

// The signed-in area: one entry per page, in menu order. Later modules add
// their pages here; the side menu and route guards are built from this table.
export interface AppRoute {
  /** Absolute path under the authenticated layout. */
  path: string;
  /** Menu key; stable, used for selection and in tests. */
  key: string;
  label: MessageKey;
  icon: ReactNode;
  /** Omitted = every signed-in role. */
  access?: AccessFlag;
  /**
   * Not a menu entry (a detail page such as /enterprises/:uscc). The menu
   * highlight and the access check come from the entry whose path is its prefix.
   */
  hidden?: boolean;
  element: ReactNode;
}

export const appRoutes: readonly AppRoute[] = [
  { path: '/', key: 'home', label: 'menu.home', icon: <HomeOutlined />, element: <HomePage /> },
  { path: '/enterprises', key: 'enterprises', label: 'menu.enterprises', icon: <BankOutlined />, access: 'viewEnterprises', element: <EnterpriseListPage /> },
  { path: '/enterprises/:uscc', key: 'enterprise-page', label: 'menu.enterprisePage', icon: <BankOutlined />, access: 'viewEnterprises', hidden: true, element: <EnterpriseDetailPage /> },
  { path: '/my-enterprise', key: 'my-enterprise', label: 'menu.myEnterprise', icon: <ShopOutlined />, access: 'ownEnterprise', element: <MyEnterprisePage /> },
  { path: '/policies', key: 'policies', label: 'menu.policies', icon: <FileSearchOutlined />, element: <PolicyListPage /> },
  { path: '/policies/new', key: 'policy-new', label: 'menu.policyNew', icon: <FileSearchOutlined />, access: 'managePolicies', hidden: true, element: <PolicyEditPage /> },
  { path: '/policies/:id', key: 'policy', label: 'menu.policies', icon: <FileSearchOutlined />, hidden: true, element: <PolicyDetailPage /> },
  { path: '/policies/:id/edit', key: 'policy-edit', label: 'menu.policyEdit', icon: <FileSearchOutlined />, access: 'managePolicies', hidden: true, element: <PolicyEditPage /> },
  { path: '/policy-checkup', key: 'policy-checkup', label: 'menu.policyCheckup', icon: <MedicineBoxOutlined />, access: 'ownEnterprise', element: <PolicyCheckupPage /> },
  // 申报 (P-7): the enterprise's applications, the department's review list, one application.
  { path: '/my-applications', key: 'my-applications', label: 'menu.myApplications', icon: <FormOutlined />, access: 'ownEnterprise', element: <MyApplicationsPage /> },
  { path: '/application-review', key: 'application-review', label: 'menu.applicationReview', icon: <FileDoneOutlined />, access: 'policyStaff', element: <ApplicationReviewListPage /> },
  { path: '/applications/:id', key: 'application', label: 'menu.application', icon: <FormOutlined />, hidden: true, element: <ApplicationDetailPage /> },
  // 消息 (P-6): opened from the header bell, not a menu entry.
  { path: '/messages', key: 'messages', label: 'menu.messages', icon: <BellOutlined />, access: 'ownEnterprise', hidden: true, element: <MessagesPage /> },
  // 免申即享兑付 (P-5): batches for department staff, 已享受 for the enterprise.
  { path: '/benefits', key: 'benefits', label: 'menu.benefitBatches', icon: <PayCircleOutlined />, access: 'policyStaff', element: <BenefitBatchListPage /> },
  { path: '/benefits/:id', key: 'benefit-batch', label: 'menu.benefitBatch', icon: <PayCircleOutlined />, access: 'policyStaff', hidden: true, element: <BenefitBatchDetailPage /> },
  { path: '/my-benefits', key: 'my-benefits', label: 'menu.myBenefits', icon: <GiftOutlined />, access: 'ownEnterprise', element: <EnjoyedBenefitsPage /> },
  // 政策评估 (P-8) for leader, admin and department staff; 部门提醒 (P-6) for department staff.
  { path: '/evaluation', key: 'evaluation', label: 'menu.evaluation', icon: <BarChartOutlined />, access: 'policyStaff', element: <EvaluationPage /> },
  { path: '/staff-messages', key: 'staff-messages', label: 'menu.staffMessages', icon: <AlertOutlined />, access: 'managePolicies', element: <StaffMessagesPage /> },
  { path: '/enterprise-attributes', key: 'enterprise-attributes', label: 'menu.enterpriseAttributes', icon: <ProfileOutlined />, access: 'viewEnterprises', element: <AttributeCatalogPage /> },
  { path: '/users', key: 'users', label: 'menu.users', icon: <TeamOutlined />, access: 'manageUsers', element: <UserListPage /> },
  // API 令牌 (F-3): every user's own, opened from the user menu; the admin also sees all (?scope=all).
  { path: '/tokens', key: 'tokens', label: 'menu.tokens', icon: <ApiOutlined />, hidden: true, element: <TokensPage /> },
  { path: '/audit', key: 'audit', label: 'menu.audit', icon: <AuditOutlined />, access: 'viewAudit', element: <AuditListPage /> },
  // 工作日历 (F-9): covered years, loading a new year's holiday schedule.
  { path: '/calendar', key: 'calendar', label: 'menu.calendar', icon: <CalendarOutlined />, access: 'manageCalendar', element: <CalendarAdminPage /> },
];

/** Pages anyone may open without signing in, outside the signed-in layout. */
export interface PublicRoute {
  path: string;
  element: ReactNode;
}

export const publicRoutes: readonly PublicRoute[] = [
  // 企业码 (E-4): the QR code's URL, and a form to paste a token.
  { path: '/ec', element: <EnterpriseCodeVerifyPage /> },
  { path: '/ec/:token', element: <EnterpriseCodeVerifyPage /> },
  // 惠企政策 (P-3): search and read published policies without signing in.
  { path: '/public/policies', element: <PublicPolicyListPage /> },
  { path: '/public/policies/:id', element: <PublicPolicyDetailPage /> },
];
