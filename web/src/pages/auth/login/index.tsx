import { FileSearchOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useAuthActions, useOrg, useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { LangSwitch } from '../../../app/LangSwitch';
import { Logo } from '../../../app/Logo';

interface LoginForm {
  username: string;
  password: string;
}

/** Where to go after login: the page that sent us here, else home. */
function targetOf(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string' && state.from.startsWith('/')) {
    return state.from;
  }
  return '/';
}

export function LoginPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const org = useOrg();
  const { login } = useAuthActions();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);

  if (session.data) return <Navigate to={targetOf(location.state)} replace />;

  async function onFinish(values: LoginForm) {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      navigate(targetOf(location.state), { replace: true });
    } catch (err) {
      setError(err);
      setSubmitting(false);
    }
  }

  const district = org.data?.district.name;
  return (
    <Flex
      vertical
      style={{
        minHeight: '100vh',
        background: 'linear-gradient(160deg, #e6f0ff 0%, #f5f8ff 45%, #ffffff 100%)',
      }}
    >
      <Flex justify="flex-end" style={{ padding: 16 }}>
        <LangSwitch />
      </Flex>
      <Flex vertical align="center" justify="center" flex={1} style={{ padding: '0 16px 64px' }}>
        <Flex vertical align="center" gap={8} style={{ marginBottom: 28 }}>
          <Flex align="center" gap={12}>
            <Logo size={44} />
            <Typography.Title level={2} style={{ margin: 0 }} data-testid="product-name">
              {t('app.fullName')}
            </Typography.Title>
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 16 }} data-testid="district-name">
            {district ? `${district} · ${t('app.tagline')}` : t('pages.login.districtUnknown')}
          </Typography.Text>
        </Flex>
        <Card style={{ width: 380, maxWidth: '100%', boxShadow: '0 8px 24px rgba(22, 119, 255, 0.08)' }}>
          <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 4 }}>
            {t('pages.login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 20 }}>
            {t('pages.login.hint')}
          </Typography.Paragraph>
          {error ? (
            <Alert type="error" showIcon role="alert" data-testid="login-error" title={errorText(error, lang, t)} style={{ marginBottom: 16 }} />
          ) : null}
          <Form<LoginForm> name="login" layout="vertical" size="large" onFinish={onFinish} requiredMark={false} autoComplete="on">
            <Form.Item name="username" rules={[{ required: true, whitespace: true, message: t('pages.login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} placeholder={t('pages.login.username')} autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item name="password" rules={[{ required: true, message: t('pages.login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} placeholder={t('pages.login.password')} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
              {t('pages.login.submit')}
            </Button>
          </Form>
          <Flex justify="center" style={{ marginTop: 16 }}>
            <Link to="/public/policies" data-testid="public-policies-link">
              <FileSearchOutlined /> {t('pages.login.publicPolicies')}
            </Link>
          </Flex>
        </Card>
        <Typography.Text type="secondary" style={{ marginTop: 32, fontSize: 12 }}>
          {t('app.footer')}
        </Typography.Text>
      </Flex>
    </Flex>
  );
}
