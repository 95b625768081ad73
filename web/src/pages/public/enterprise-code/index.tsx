import { CheckCircleFilled, CloseCircleFilled, SafetyCertificateOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Flex, Form, Input, Layout, Result, Spin, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { LangSwitch } from '../../../app/LangSwitch';
import { Logo } from '../../../app/Logo';
import { verifyEnterpriseCode, type VerifiedCode } from '../../enterprises/api';
import { statusColor } from '../../enterprises/format';

/** A pasted link (…/ec/EC1.…) or a bare token → the token. */
export function tokenFrom(input: string): string {
  const s = input.trim();
  const m = /\/ec\/([^/?#\s]+)/.exec(s);
  return m?.[1] ? decodeURIComponent(m[1]) : s;
}

function TokenForm({ compact = false }: { compact?: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Form<{ token: string }>
      name="ec-verify"
      layout={compact ? 'inline' : 'vertical'}
      onFinish={(v) => navigate(`/ec/${encodeURIComponent(tokenFrom(v.token))}`)}
      style={{ width: '100%' }}
    >
      <Form.Item name="token" label={compact ? undefined : t('pages.ec.token')} rules={[{ required: true, whitespace: true, message: t('pages.ec.tokenRequired') }]} style={{ flex: 1 }}>
        <Input.TextArea autoSize={{ minRows: compact ? 1 : 3, maxRows: 6 }} placeholder={t('pages.ec.tokenPlaceholder')} style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" icon={<SafetyCertificateOutlined />} data-testid="ec-submit">
          {t('pages.ec.verify')}
        </Button>
      </Form.Item>
    </Form>
  );
}

function Verified({ data }: { data: VerifiedCode }) {
  const { t } = useI18n();
  const e = data.enterprise;
  return (
    <Flex vertical gap={8}>
      <Result
        status="success"
        icon={<CheckCircleFilled />}
        title={<span data-testid="ec-valid">{t('pages.ec.valid')}</span>}
        subTitle={t('pages.ec.validSub')}
        style={{ padding: '16px 0' }}
      />
      <Descriptions
        column={1}
        bordered
        size="small"
        data-testid="ec-enterprise"
        items={[
          { key: 'name', label: t('pages.enterprises.attr.name'), children: <Typography.Text strong>{e.name}</Typography.Text> },
          { key: 'uscc', label: t('pages.enterprises.attr.uscc'), children: <span style={{ fontFamily: 'monospace' }}>{e.uscc}</span> },
          { key: 'status', label: t('pages.enterprises.attr.status'), children: <Tag color={statusColor(e.status)}>{e.status}</Tag> },
          { key: 'entityType', label: t('pages.enterprises.attr.entityType'), children: e.entityType ?? t('common.none') },
          { key: 'industry', label: t('pages.enterprise.industry'), children: e.industry ? `${e.industryName ?? ''}（${e.industry}）` : t('common.none') },
          { key: 'established', label: t('pages.enterprises.attr.established'), children: e.established ?? t('common.none') },
          { key: 'location', label: t('pages.ec.location'), children: [e.districtName, e.streetName].filter(Boolean).join(' ') || t('common.none') },
          {
            key: 'tags',
            label: t('pages.enterprises.attr.tags'),
            children: e.tags.length ? (
              <Flex gap={4} wrap>
                {e.tags.map((tag) => (
                  <Tag key={tag} color="blue" style={{ marginInlineEnd: 0 }}>
                    {tag}
                  </Tag>
                ))}
              </Flex>
            ) : (
              t('common.none')
            ),
          },
          { key: 'exp', label: t('pages.ec.expiresAt'), children: formatDateTime(data.expiresAt) },
        ]}
      />
    </Flex>
  );
}

function Verify({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const check = useQuery({ queryKey: ['ec-verify', token], queryFn: () => verifyEnterpriseCode(token), retry: false, staleTime: 60_000 });
  if (check.isPending) {
    return (
      <Flex vertical align="center" gap={12} style={{ padding: 48 }}>
        <Spin size="large" />
        <Typography.Text type="secondary">{t('pages.ec.verifying')}</Typography.Text>
      </Flex>
    );
  }
  if (check.isError) {
    return (
      <Result
        status="error"
        icon={<CloseCircleFilled />}
        title={<span data-testid="ec-invalid">{t('pages.ec.invalid')}</span>}
        style={{ padding: '16px 0' }}
        subTitle={
          <Typography.Text type="danger" strong style={{ fontSize: 16 }} data-testid="ec-reason">
            {errorText(check.error, lang, t)}
          </Typography.Text>
        }
      />
    );
  }
  return <Verified data={check.data} />;
}

/** /ec/:token and /ec — public 企业码 verification (E-4), no sign-in. */
export function EnterpriseCodeVerifyPage() {
  const { t } = useI18n();
  const { token } = useParams();
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #f0f0f0', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Flex align="center" gap={10}>
          <Logo size={28} />
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t('app.fullName')}
          </Typography.Text>
        </Flex>
        <LangSwitch />
      </Layout.Header>
      <Layout.Content style={{ padding: '32px 16px' }}>
        <Flex vertical gap={16} style={{ maxWidth: 720, margin: '0 auto' }}>
          <div>
            <Typography.Title level={3} style={{ marginBottom: 4 }}>
              {t('pages.ec.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('pages.ec.subtitle')}</Typography.Text>
          </div>
          <Card>{token ? <Verify key={token} token={token} /> : <TokenForm />}</Card>
          {token ? (
            <Card size="small" title={t('pages.ec.another')}>
              <TokenForm compact />
            </Card>
          ) : null}
          <Typography.Text type="secondary" style={{ textAlign: 'center', fontSize: 12 }}>
            {t('pages.ec.footer')}
          </Typography.Text>
        </Flex>
      </Layout.Content>
    </Layout>
  );
}
