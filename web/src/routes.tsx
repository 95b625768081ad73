import { AuditOutlined, HomeOutlined, TeamOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { AccessFlag } from './access';
import type { MessageKey } from './locales';
import { AuditListPage } from './pages/audit/list';
import { HomePage } from './pages/home/welcome';
import { UserListPage } from './pages/users/list';

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
  element: ReactNode;
}

export const appRoutes: readonly AppRoute[] = [
  { path: '/', key: 'home', label: 'menu.home', icon: <HomeOutlined />, element: <HomePage /> },
  { path: '/users', key: 'users', label: 'menu.users', icon: <TeamOutlined />, access: 'manageUsers', element: <UserListPage /> },
  { path: '/audit', key: 'audit', label: 'menu.audit', icon: <AuditOutlined />, access: 'viewAudit', element: <AuditListPage /> },
];
