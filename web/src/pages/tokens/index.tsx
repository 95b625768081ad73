import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Popconfirm, Segmented, Select, Table, Tag, Tooltip, Typography, type ButtonProps, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { accessFor } from '../../access';
import { useSession } from '../../app/auth';
import { errorText } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { useI18n } from '../../app/i18n';
import { listPagination, useListParams } from '../../app/list-params';
import { PageHeader } from '../../app/PageHeader';
import { isTokenStatus, listAllTokens, listOwnTokens, revokeToken, TOKEN_STATUSES, type TokenFilter, type TokenRow, type TokenStatus } from './api';
import { CreateTokenModal } from './components/CreateTokenModal';

const STATUS_COLOR: Record<TokenStatus, string> = { active: 'green', expired: 'default', revoked: 'red' };

interface FilterForm {
  q?: string;
  status?: TokenStatus;
}

/** API 令牌 (F-3, §11): one's own tokens; an admin also every user's. */
export function TokensPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const client = useQueryClient();
  const list = useListParams();
  const [form] = Form.useForm<FilterForm>();
  const [creating, setCreating] = useState(false);

  const canSeeAll = accessFor(session.data?.user.role).manageAllTokens;
  const all = canSeeAll && list.get('scope') === 'all';
  const statusParam = list.get('status');
  const filter: TokenFilter = { q: list.get('q'), status: isTokenStatus(statusParam) ? statusParam : undefined };

  useEffect(() => {
    form.setFieldsValue({ q: filter.q, status: filter.status });
  }, [form, filter.q, filter.status]);

  const query = useQuery({
    queryKey: ['tokens', all ? 'all' : 'own', list.page, list.pageSize, filter.q ?? '', filter.status ?? ''],
    queryFn: () => (all ? listAllTokens : listOwnTokens)(list.page, list.pageSize, filter),
    placeholderData: keepPreviousData,
  });

  const revoke = useMutation({
    mutationFn: (row: TokenRow) => revokeToken(row.id),
    onSuccess: (_, row) => {
      message.success(t('pages.tokens.revoked', { name: row.name }));
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (err) => message.error(errorText(err, lang, t)),
  });

  const columns: TableColumnsType<TokenRow> = [
    // A phone keeps what identifies and acts on a token; the rest scrolls out of view on narrow screens.
    { title: t('pages.tokens.col.id'), dataIndex: 'id', key: 'id', width: 70, responsive: ['sm'] },
    { title: t('pages.tokens.col.name'), dataIndex: 'name', key: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    ...(all
      ? [
          {
            title: t('pages.tokens.col.user'),
            key: 'user',
            render: (_: unknown, row: TokenRow) => (
              <span>
                {row.displayName} <Typography.Text type="secondary">({row.username})</Typography.Text>
              </span>
            ),
          },
        ]
      : []),
    {
      title: t('pages.tokens.col.status'),
      dataIndex: 'status',
      key: 'status',
      width: 100,
      render: (s: TokenStatus, row) => (
        <Tooltip title={row.revokedAt ? formatDateTime(row.revokedAt) : undefined}>
          <Tag color={STATUS_COLOR[s]} data-testid="token-status">
            {t(`pages.tokens.status.${s}`)}
          </Tag>
        </Tooltip>
      ),
    },
    { title: t('pages.tokens.col.createdAt'), dataIndex: 'createdAt', key: 'createdAt', responsive: ['md'], render: (v: string) => formatDateTime(v) },
    { title: t('pages.tokens.col.lastUsedAt'), dataIndex: 'lastUsedAt', key: 'lastUsedAt', render: (v: string | null) => (v ? formatDateTime(v) : t('pages.tokens.neverUsed')) },
    { title: t('pages.tokens.col.expiresAt'), dataIndex: 'expiresAt', key: 'expiresAt', render: (v: string | null) => (v ? formatDateTime(v) : t('pages.tokens.noExpiry')) },
    {
      title: t('pages.tokens.col.actions'),
      key: 'actions',
      fixed: 'right',
      width: 90,
      render: (_, row) =>
        row.status === 'revoked' ? (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        ) : (
          <Popconfirm
            title={t('pages.tokens.revokeTitle', { name: row.name })}
            description={t('pages.tokens.revokeConfirm')}
            okText={t('pages.tokens.revoke')}
            okButtonProps={{ danger: true, 'data-testid': 'token-revoke-ok' } as ButtonProps}
            cancelText={t('common.cancel')}
            onConfirm={() => revoke.mutateAsync(row).catch(() => undefined)}
          >
            <Button type="link" danger size="small" style={{ padding: 0 }} data-testid={`token-revoke-${row.id}`}>
              {t('pages.tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pages.tokens.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="tokens-create">
            {t('pages.tokens.create')}
          </Button>
        }
      />
      <Card>
        <Flex vertical gap={16}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('pages.tokens.intro')}
          </Typography.Paragraph>
          {canSeeAll ? (
            <Segmented<'own' | 'all'>
              data-testid="tokens-scope"
              value={all ? 'all' : 'own'}
              options={[
                { value: 'own', label: t('pages.tokens.scope.own') },
                { value: 'all', label: t('pages.tokens.scope.all') },
              ]}
              onChange={(v) => list.setFilters({ scope: v === 'all' ? 'all' : undefined })}
              style={{ alignSelf: 'flex-start' }}
            />
          ) : null}
          <Form<FilterForm> form={form} name="token-filter" layout="inline" style={{ rowGap: 12 }} onFinish={(v) => list.setFilters({ q: v.q?.trim(), status: v.status })}>
            <Form.Item name="q" label={t('pages.tokens.keyword')}>
              <Input allowClear placeholder={all ? t('pages.tokens.keywordAllPlaceholder') : t('pages.tokens.keywordPlaceholder')} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="status" label={t('pages.tokens.col.status')}>
              <Select<TokenStatus> allowClear placeholder={t('common.all')} style={{ width: 120 }} options={TOKEN_STATUSES.map((s) => ({ value: s, label: t(`pages.tokens.status.${s}`) }))} />
            </Form.Item>
            <Form.Item>
              <Flex gap={8}>
                <Button type="primary" htmlType="submit">
                  {t('common.search')}
                </Button>
                <Button
                  onClick={() => {
                    form.resetFields();
                    list.setFilters({ q: undefined, status: undefined });
                  }}
                >
                  {t('common.reset')}
                </Button>
              </Flex>
            </Form.Item>
          </Form>
          {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} /> : null}
          <Table<TokenRow>
            rowKey="id"
            data-testid="tokens-table"
            columns={columns}
            dataSource={query.data?.items ?? []}
            loading={query.isFetching}
            scroll={{ x: 'max-content' }}
            pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
          />
        </Flex>
      </Card>
      <CreateTokenModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
