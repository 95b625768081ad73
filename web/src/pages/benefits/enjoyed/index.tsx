import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Table, Tag, type TableColumnsType } from 'antd';
import { Link } from 'react-router';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { PageHeader } from '../../../app/PageHeader';
import { fetchEnjoyed, yuan, type EnjoyedBenefit } from '../api';

/** 已享受: what an enterprise has received, with the amount and the policy version it was paid under. */
export function EnjoyedBenefitsPage() {
  const { t, lang } = useI18n();
  const uscc = useSession().data?.user.uscc;
  const query = useQuery({ queryKey: ['enjoyed-benefits', uscc], queryFn: () => fetchEnjoyed(uscc!), enabled: !!uscc });
  const columns: TableColumnsType<EnjoyedBenefit> = [
    { title: t('pages.benefits.col.policy'), dataIndex: 'title', key: 'title', render: (v: string, r) => <Link to={`/policies/${r.policyId}`}>{v}</Link> },
    { title: t('pages.benefits.col.version'), dataIndex: 'version', key: 'version', width: 90, render: (v: number) => <Tag>{t('pages.benefits.versionN', { n: v })}</Tag> },
    { title: t('pages.benefits.period'), dataIndex: 'period', key: 'period', width: 110 },
    { title: t('pages.benefits.col.amount'), dataIndex: 'amountFen', key: 'amount', width: 160, align: 'right', render: (v: number) => yuan(v) },
    { title: t('pages.benefits.col.paidAt'), dataIndex: 'paidAt', key: 'paidAt', width: 180, render: (v: string) => formatDateTime(v) },
    { title: t('pages.benefits.col.state'), key: 'state', width: 100, render: () => <Tag color="green">{t('pages.benefits.enjoyed')}</Tag> },
  ];
  const total = (query.data ?? []).reduce((s, r) => s + r.amountFen, 0);
  return (
    <>
      <PageHeader title={t('pages.benefits.enjoyedTitle')} extra={query.data?.length ? <span data-testid="enjoyed-total">{t('pages.benefits.enjoyedTotal', { amount: yuan(total) })}</span> : null} />
      <Card>
        {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<EnjoyedBenefit>
          rowKey={(r) => `${r.policyId}|${r.period}`}
          data-testid="enjoyed-benefits"
          columns={columns}
          dataSource={query.data ?? []}
          loading={query.isFetching}
          locale={{ emptyText: <Empty description={t('pages.benefits.enjoyedEmpty')} /> }}
          pagination={{ pageSize: 20, showTotal: (n) => t('common.total', { total: n }) }}
        />
      </Card>
    </>
  );
}
