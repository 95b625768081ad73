import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { listPagination, useListParams } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { APPLICATION_STATUSES, applicationKeys, listApplications, type ApplicationStatus, type ApplicationSummary } from '../api';
import { ProvisionalTag } from '../components/ProvisionalTag';
import { STATUS_COLORS, useAppText, yuan } from '../i18n';

/**
 * 我的申报 (enterprise) and 申报审核 (department, admin; leader read-only):
 * the same list, scoped by the server; filters and page in the URL.
 */
function ApplicationList({ review }: { review: boolean }) {
  const { t, lang } = useI18n();
  const { tx, statusText } = useAppText();
  const list = useListParams();
  const [form] = Form.useForm<{ status?: string; q?: string }>();
  const user = useSession().data?.user;
  const filter = { status: list.get('status'), q: list.get('q') };
  useEffect(() => {
    form.setFieldsValue({ status: filter.status, q: filter.q });
  }, [form, filter.status, filter.q]);
  const params = { ...filter, page: list.page, pageSize: list.pageSize };
  const query = useQuery({ queryKey: applicationKeys.list(params), queryFn: () => listApplications(params), placeholderData: keepPreviousData, enabled: !!user });

  const columns: TableColumnsType<ApplicationSummary> = [
    { title: tx('col_policy'), dataIndex: 'policyTitle', key: 'policy', render: (title: string, row) => <Link to={`/applications/${row.id}`}>{title}</Link> },
    ...(review ? [{ title: tx('col_enterprise'), dataIndex: 'enterpriseName', key: 'enterprise', width: 220 }] : []),
    { title: tx('col_period'), dataIndex: 'period', key: 'period', width: 70 },
    { title: tx('col_status'), dataIndex: 'status', key: 'status', width: 100, render: (s: ApplicationStatus) => <Tag color={STATUS_COLORS[s]}>{statusText(s)}</Tag> },
    {
      title: tx('col_deadline'),
      dataIndex: 'deadline',
      key: 'deadline',
      width: 150,
      render: (d: string | null, row) =>
        d ? (
          <Flex gap={4} align="center">
            <span>{d}</span>
            <ProvisionalTag show={row.deadlineProvisional} />
            {row.overdue ? <Tag color="red">{tx('overdue')}</Tag> : null}
          </Flex>
        ) : (
          '—'
        ),
    },
    { title: tx('col_amount'), dataIndex: 'amountFen', key: 'amount', width: 130, align: 'right', render: (v: number | null) => yuan(v) },
    { title: tx('col_updated'), dataIndex: 'updatedAt', key: 'updated', width: 170, render: (v: string) => formatDateTime(v) },
  ];

  return (
    <>
      <PageHeader title={review ? tx('reviewTitle') : tx('myTitle')} />
      <Card>
        <Flex vertical gap={12}>
          <Form form={form} layout="inline" onFinish={(v) => list.setFilters({ status: v.status, q: v.q?.trim() })}>
            <Form.Item name="status" label={tx('filter_status')}>
              <Select allowClear style={{ width: 140 }} options={APPLICATION_STATUSES.map((s) => ({ value: s, label: statusText(s) }))} data-testid="applications-status-filter" />
            </Form.Item>
            {review ? (
              <Form.Item name="q">
                <Input allowClear placeholder={tx('filter_q')} style={{ width: 280 }} />
              </Form.Item>
            ) : null}
            <Form.Item>
              <Button type="primary" htmlType="submit">
                {tx('search')}
              </Button>
            </Form.Item>
          </Form>
          {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} /> : null}
          <Table<ApplicationSummary>
            rowKey="id"
            size="middle"
            data-testid="applications-table"
            loading={query.isFetching}
            columns={columns}
            dataSource={query.data?.items ?? []}
            locale={{ emptyText: <Typography.Text type="secondary">{tx('empty')}</Typography.Text> }}
            pagination={listPagination(list, query.data?.total ?? 0, (n) => tx('total', { n }))}
          />
        </Flex>
      </Card>
    </>
  );
}

export function MyApplicationsPage() {
  return <ApplicationList review={false} />;
}

export function ApplicationReviewListPage() {
  return <ApplicationList review />;
}
