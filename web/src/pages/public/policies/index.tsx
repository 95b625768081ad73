import { ArrowLeftOutlined, LoginOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Layout, Result, Skeleton, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { LangSwitch } from '../../../app/LangSwitch';
import { Logo } from '../../../app/Logo';
import { fetchPolicy } from '../../policies/api';
import { PolicySearch } from '../../policies/components/PolicySearch';
import { PolicyView } from '../../policies/components/PolicyView';

function PublicShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #f0f0f0', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Link to="/public/policies">
          <Flex align="center" gap={10}>
            <Logo size={28} />
            <Typography.Text strong style={{ fontSize: 16 }}>
              {t('app.fullName')}
            </Typography.Text>
          </Flex>
        </Link>
        <Flex align="center" gap={12}>
          <Link to="/login">
            <Button type="link" icon={<LoginOutlined />}>
              {t('pages.publicPolicies.login')}
            </Button>
          </Link>
          <LangSwitch />
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: '24px 16px' }}>
        <Flex vertical gap={16} style={{ maxWidth: 1100, margin: '0 auto' }}>
          {children}
        </Flex>
      </Layout.Content>
    </Layout>
  );
}

/** /public/policies — 惠企政策 search for anyone, no sign-in (published and expired policies). */
export function PublicPolicyListPage() {
  const { t } = useI18n();
  return (
    <PublicShell>
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('pages.publicPolicies.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('pages.publicPolicies.subtitle')}</Typography.Text>
      </div>
      <PolicySearch basePath="/public/policies" showStatus={false} />
    </PublicShell>
  );
}

/** /public/policies/:id — one published policy for anyone. */
export function PublicPolicyDetailPage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const query = useQuery({ queryKey: ['public-policy', id], queryFn: () => fetchPolicy(id), retry: false });
  let body: ReactNode;
  if (query.isPending) body = <Skeleton active />;
  else if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    body = <Result status={notFound ? '404' : 'error'} title={notFound ? '404' : t('common.loadFailed')} subTitle={errorText(query.error, lang, t)} />;
  } else body = <PolicyView policy={query.data} staff={false} />;
  return (
    <PublicShell>
      <div>
        <Link to="/public/policies">
          <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
            {t('pages.policies.backToList')}
          </Button>
        </Link>
      </div>
      {body}
    </PublicShell>
  );
}
