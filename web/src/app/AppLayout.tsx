import { DownOutlined, KeyOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Breadcrumb, Button, Dropdown, Flex, Layout, Menu, Result, Spin, Typography, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { matchPath, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { accessFor, allowed } from '../access';
import type { Session } from '../api/types';
import { MessageBell } from '../pages/messages/Bell';
import { StaffBell } from '../pages/evaluation/StaffBell';
import { appRoutes, type AppRoute } from '../routes';
import { useAuthActions, useOrg, useSession } from './auth';
import { ChangePasswordModal } from './ChangePasswordModal';
import { errorText } from './errors';
import { useI18n } from './i18n';
import { LangSwitch } from './LangSwitch';
import { Logo } from './Logo';
import { VisibleRoutesContext } from './menu-context';
import { describeScope } from './scope';

const { Header, Sider, Content } = Layout;

/** The menu entry for a location: exact match, else the most specific pattern (/policies/:id/edit), else the longest path prefix. */
function activeRoute(routes: readonly AppRoute[], pathname: string): AppRoute | undefined {
  const exact = routes.find((r) => r.path === pathname);
  if (exact) return exact;
  const statics = (p: string) => p.split('/').filter((s) => s && !s.startsWith(':')).length;
  const pattern = routes.filter((r) => r.path.includes(':') && matchPath({ path: r.path, end: true }, pathname)).sort((a, b) => statics(b.path) - statics(a.path))[0];
  if (pattern) return pattern;
  return routes
    .filter((r) => r.path !== '/' && pathname.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** Guards the signed-in area: waits for the session, sends strangers to /login. */
export function AuthenticatedLayout() {
  const session = useSession();
  const location = useLocation();
  const { t, lang } = useI18n();
  if (session.isPending) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (session.isError) {
    return (
      <Result
        status="error"
        title={t('common.loadFailed')}
        subTitle={errorText(session.error, lang, t)}
        extra={
          <Button type="primary" onClick={() => void session.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (!session.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Shell session={session.data} />;
}

function Shell({ session }: { session: Session }) {
  const { user } = session;
  const { t } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const navigate = useNavigate();
  const location = useLocation();
  const { logout } = useAuthActions();
  // Below 768 px (a phone) the menu folds away entirely (opened from its edge tab) and the header keeps only its controls.
  const [phone, setPhone] = useState(() => typeof window !== 'undefined' && window.innerWidth < 768);
  const [collapsed, setCollapsed] = useState(phone);
  const [passwordOpen, setPasswordOpen] = useState(false);

  const access = accessFor(user.role);
  // Hidden routes (detail pages) are reachable by link but are no menu entries or shortcuts.
  const visible = useMemo(() => appRoutes.filter((r) => !r.hidden && allowed(access, r.access)), [access]);
  const active = activeRoute(appRoutes, location.pathname);
  // Detail pages highlight the menu entry they belong to (/policies/12/edit → 惠企政策).
  const menuEntry = active && !active.hidden ? active : activeRoute(appRoutes.filter((r) => !r.hidden), location.pathname);
  const scope = describeScope(user, org.data, t);

  const menuItems: MenuProps['items'] = visible.map((r) => ({ key: r.key, icon: r.icon, label: t(r.label) }));

  const userMenu: MenuProps['items'] = [
    {
      key: 'profile',
      disabled: true,
      style: { cursor: 'default' },
      label: (
        <Flex vertical style={{ minWidth: 200, padding: '4px 0' }} data-testid="user-profile">
          <Typography.Text strong>{user.displayName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('user.menu.role')}
            {t('common.colon')}
            {t(`roles.${user.role}`)}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('user.menu.scope')}
            {t('common.colon')}
            {scope.name}
          </Typography.Text>
        </Flex>
      ),
    },
    { type: 'divider' },
    { key: 'password', icon: <KeyOutlined />, label: t('user.menu.changePassword') },
    { key: 'logout', icon: <LogoutOutlined />, label: t('user.menu.logout'), danger: true },
  ];

  async function onUserMenu(key: string) {
    if (key === 'password') setPasswordOpen(true);
    if (key === 'logout') {
      try {
        await logout();
        message.success(t('user.loggedOut'));
      } finally {
        navigate('/login', { replace: true });
      }
    }
  }

  // A page the role may not open (typed URL, stale bookmark) gets 403, not a blank.
  let page = <Outlet />;
  if ((active && !allowed(access, active.access)) || (menuEntry && !allowed(access, menuEntry.access))) {
    page = <Result status="403" title="403" subTitle={t('errors.FORBIDDEN')} extra={<Button onClick={() => navigate('/')}>{t('common.backHome')}</Button>} />;
  }

  return (
    <VisibleRoutesContext.Provider value={visible}>
      <Layout style={{ minHeight: '100vh' }}>
        <Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="md"
          onBreakpoint={(broken) => {
            setPhone(broken);
            setCollapsed(broken);
          }}
          collapsedWidth={phone ? 0 : 80}
          // On a phone the menu opens over the page from the header's menu button.
          trigger={phone ? null : undefined}
          style={phone ? { position: 'fixed', insetBlock: 0, insetInlineStart: 0, zIndex: 1000, overflowY: 'auto' } : undefined}
          width={220}
          theme="dark"
        >
          <Flex align="center" gap={10} style={{ height: 64, padding: collapsed ? '0 24px' : '0 20px', overflow: 'hidden' }}>
            <Logo size={32} />
            {collapsed ? null : (
              <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
                {t('app.sideTitle')}
              </Typography.Text>
            )}
          </Flex>
          <Menu
            theme="dark"
            mode="inline"
            data-testid="side-menu"
            selectedKeys={menuEntry ? [menuEntry.key] : []}
            items={menuItems}
            onClick={({ key }) => {
              const target = visible.find((r) => r.key === key);
              if (target) navigate(target.path);
              if (phone) setCollapsed(true);
            }}
          />
        </Sider>
        <Layout>
          <Header
            style={{
              background: '#fff',
              padding: phone ? '0 12px' : '0 24px',
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              borderBottom: '1px solid #f0f0f0',
            }}
          >
            {phone ? (
              <Button type="text" icon={<MenuOutlined />} aria-label={t('app.menuToggle')} onClick={() => setCollapsed((c) => !c)} data-testid="menu-toggle" />
            ) : (
              <Breadcrumb
                items={[
                  { key: 'district', title: org.data?.district.name ?? t('app.name') },
                  ...(active ? [{ key: active.key, title: t(active.label) }] : []),
                ]}
              />
            )}
            <Flex align="center" gap={phone ? 10 : 20}>
              {user.role === 'enterprise' ? <MessageBell /> : null}
              {user.role === 'dept' ? <StaffBell /> : null}
              <LangSwitch />
              <Dropdown menu={{ items: userMenu, onClick: ({ key }) => void onUserMenu(key) }} trigger={['click']} placement="bottomRight">
                <Button type="text" data-testid="user-menu" style={{ height: 40 }}>
                  <Flex align="center" gap={8}>
                    <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1677ff' }} />
                    {phone ? null : (
                      <>
                        <span>{user.displayName}</span>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t(`roles.${user.role}`)}
                        </Typography.Text>
                      </>
                    )}
                    <DownOutlined style={{ fontSize: 10 }} />
                  </Flex>
                </Button>
              </Dropdown>
            </Flex>
          </Header>
          <Content style={{ margin: phone ? 12 : 24, minWidth: 0 }}>{page}</Content>
        </Layout>
      </Layout>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </VisibleRoutesContext.Provider>
  );
}
