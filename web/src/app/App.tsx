import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider, useNavigate, type RouteObject } from 'react-router';
import { ApiError } from '../api/client';
import { LoginPage } from '../pages/auth/login';
import { appRoutes, publicRoutes } from '../routes';
import { AuthenticatedLayout } from './AppLayout';
import { forgetSession, SESSION_KEY } from './auth';
import { I18nProvider, useI18n } from './i18n';

function NotFound() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}

const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  ...publicRoutes.map((r): RouteObject => ({ path: r.path, element: r.element })),
  {
    path: '/',
    element: <AuthenticatedLayout />,
    children: [
      ...appRoutes.map((r): RouteObject => (r.path === '/' ? { index: true, element: r.element } : { path: r.path.slice(1), element: r.element })),
      { path: '*', element: <NotFound /> },
    ],
  },
];

function makeQueryClient(): QueryClient {
  // Any 401 means the session is gone (expired, logged out elsewhere):
  // forgetting it makes the layout send the user to the login page.
  const on401 = (err: unknown, key?: readonly unknown[]) => {
    if (err instanceof ApiError && err.status === 401 && key?.[0] !== SESSION_KEY[0]) forgetSession(client);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (err, query) => on401(err, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (err) => on401(err) }),
    defaultOptions: {
      queries: {
        // 4xx answers will not change on retry; network blips might.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  return client;
}

// Honour the system's "reduce motion" setting (accessibility; also keeps browser tests steady).
const reduceMotion = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function Themed() {
  const { lang } = useI18n();
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCN : enUS}
      theme={{
        token: {
          colorPrimary: '#1677ff',
          borderRadius: 6,
          motion: !reduceMotion,
          // Chinese first: system CJK fonts before Latin fallbacks.
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        },
      }}
    >
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function Root() {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}
