import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, List, Select, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useOrg } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { useListParams, listPagination } from '../../../app/list-params';
import { CATEGORIES, listPolicies, POLICY_STATUSES, type PolicyFilter, type PolicySummary } from '../api';
import { deptName, statusColor, statusKey } from '../format';
import { ModeTag } from './ModeTag';
import { Highlight } from './Highlight';

interface FilterForm {
  q?: string;
  category?: string;
  mode?: string;
  status?: string;
  openNow?: boolean;
}
const FILTER_NAMES = ['q', 'category', 'mode', 'status', 'openNow'] as const;

/**
 * 惠企政策 search (P-3): full-text query with hits in bold, filters in the URL.
 * `basePath` is where a policy opens: /policies (signed in) or /public/policies.
 */
export function PolicySearch({ basePath, showStatus }: { basePath: string; showStatus: boolean }) {
  const { t, lang } = useI18n();
  const org = useOrg();
  const list = useListParams(10);
  const [form] = Form.useForm<FilterForm>();

  const filter: PolicyFilter = {
    q: list.get('q'),
    category: list.get('category'),
    mode: list.get('mode'),
    status: showStatus ? list.get('status') : undefined,
    openNow: list.get('openNow') === 'true' ? 'true' : undefined,
  };

  useEffect(() => {
    form.setFieldsValue({ q: filter.q, category: filter.category, mode: filter.mode, status: filter.status, openNow: filter.openNow === 'true' });
  }, [form, filter.q, filter.category, filter.mode, filter.status, filter.openNow]);

  const query = useQuery({
    queryKey: ['policies', list.page, list.pageSize, ...FILTER_NAMES.map((k) => filter[k] ?? '')],
    queryFn: () => listPolicies(list.page, list.pageSize, filter),
    placeholderData: keepPreviousData,
  });

  return (
    <Card>
      <Form<FilterForm>
        form={form}
        name="policy-filter"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 12 }}
        onFinish={(v) => list.setFilters({ q: v.q?.trim(), category: v.category, mode: v.mode, status: v.status, openNow: v.openNow ? 'true' : undefined })}
      >
        <Form.Item name="q">
          <Input.Search allowClear enterButton={t('common.search')} placeholder={t('pages.policies.searchPlaceholder')} style={{ width: 360 }} onSearch={() => form.submit()} data-testid="policy-search" />
        </Form.Item>
        <Form.Item name="category" label={t('pages.policies.category')}>
          <Select allowClear placeholder={t('common.all')} style={{ width: 130 }} options={CATEGORIES.map((c) => ({ value: c, label: c }))} onChange={() => form.submit()} />
        </Form.Item>
        <Form.Item name="mode" label={t('pages.policies.mode')}>
          <Select
            allowClear
            placeholder={t('common.all')}
            style={{ width: 120 }}
            options={[
              { value: 'apply', label: t('pages.policies.mode.apply') },
              { value: 'auto', label: t('pages.policies.mode.auto') },
            ]}
            onChange={() => form.submit()}
          />
        </Form.Item>
        {showStatus ? (
          <Form.Item name="status" label={t('pages.policies.status')}>
            <Select allowClear placeholder={t('common.all')} style={{ width: 110 }} options={POLICY_STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))} onChange={() => form.submit()} />
          </Form.Item>
        ) : null}
        <Form.Item name="openNow" valuePropName="checked">
          <Checkbox onChange={() => form.submit()}>{t('pages.policies.openNow')}</Checkbox>
        </Form.Item>
        <Form.Item>
          <Button
            onClick={() => {
              form.resetFields();
              list.setFilters(Object.fromEntries(FILTER_NAMES.map((k) => [k, undefined])));
            }}
          >
            {t('common.reset')}
          </Button>
        </Form.Item>
      </Form>
      {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
      <List<PolicySummary>
        data-testid="policies-list"
        loading={query.isFetching}
        itemLayout="vertical"
        dataSource={query.data?.items ?? []}
        pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
        renderItem={(p) => (
          <List.Item key={p.id} className="policy-item" data-testid={`policy-item-${p.id}`}>
            <Flex vertical gap={6}>
              <Flex gap={8} align="center" wrap>
                <Link to={`${basePath}/${p.id}`} className="policy-title" style={{ fontSize: 16 }}>
                  <Highlight segments={p.highlight} fallback={p.title} />
                </Link>
                <ModeTag mode={p.mode} />
                <Tag>{p.category}</Tag>
                {showStatus || p.status !== 'published' ? <Tag color={statusColor(p.status)}>{t(statusKey(p.status))}</Tag> : null}
              </Flex>
              <Typography.Text type="secondary">
                {deptName(org.data, p.department)}
                {p.applyTo ? ` · ${t('pages.policies.applyUntil', { date: p.applyTo })}` : ''}
                {p.validTo ? ` · ${t('pages.policies.validUntil', { date: p.validTo })}` : ''}
              </Typography.Text>
              {p.keyPoints.length ? (
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                  {p.keyPoints.join('；')}
                </Typography.Paragraph>
              ) : null}
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}
