import { ArrowLeftOutlined, CheckOutlined, DownloadOutlined, PayCircleOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Popconfirm, Result, Select, Skeleton, Statistic, Table, Typography, type ButtonProps, type TableColumnsType } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { listPagination, useListParams } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { approveBatch, exportItems, fetchBatch, payBatch, yuan, type BatchItem } from '../api';
import { BatchStatusTag, ItemStateTag } from '../format';

/** 兑付批次详情: totals, items in the stated order (paginated, Excel), 审核通过 and 发放 with confirmation. */
export function BenefitBatchDetailPage() {
  const { t, lang } = useI18n();
  const id = Number(useParams().id);
  const navigate = useNavigate();
  const list = useListParams(50);
  const state = list.get('state');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const query = useQuery({ queryKey: ['benefit-batch', id, list.page, list.pageSize, state ?? ''], queryFn: () => fetchBatch(id, list.page, list.pageSize, state), placeholderData: keepPreviousData, enabled: Number.isInteger(id) && id > 0 });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['benefit-batch', id] });
    void qc.invalidateQueries({ queryKey: ['benefit-batches'] });
  };
  const approve = useMutation({ mutationFn: () => approveBatch(id), onSuccess: () => (message.success(t('pages.benefits.approved')), refresh()), onError: refresh });
  const pay = useMutation({ mutationFn: () => payBatch(id), onSuccess: (r) => (message.success(t('pages.benefits.paidNow', { count: r.paidNow })), refresh()), onError: refresh });
  const exporting = useMutation({ mutationFn: () => exportItems(id), onSuccess: (name) => message.success(t('common.exported', { name })) });

  if (query.isPending) return <Card><Skeleton active paragraph={{ rows: 8 }} /></Card>;
  if (query.isError || !query.data) return <Result status="warning" title={query.isError ? errorText(query.error, lang, t) : t('common.notFound')} />;
  const b = query.data;
  const actionError = approve.error ?? pay.error ?? exporting.error;

  const columns: TableColumnsType<BatchItem> = [
    { title: t('pages.benefits.col.seq'), dataIndex: 'seq', key: 'seq', width: 70 },
    { title: t('pages.benefits.col.uscc'), dataIndex: 'uscc', key: 'uscc', width: 190, render: (v: string) => <Typography.Text style={{ fontFamily: 'monospace' }}>{v}</Typography.Text> },
    { title: t('pages.benefits.col.name'), dataIndex: 'name', key: 'name', width: 280, ellipsis: true },
    { title: t('pages.benefits.col.amount'), dataIndex: 'amountFen', key: 'amount', width: 150, align: 'right', render: (v: number, it) => (it.state === 'held' ? '—' : yuan(v)) },
    { title: t('pages.benefits.col.state'), dataIndex: 'state', key: 'state', width: 140, render: (s: BatchItem['state']) => <ItemStateTag state={s} t={t} /> },
    { title: t('pages.benefits.col.reason'), dataIndex: 'reason', key: 'reason', ellipsis: true, render: (v: string | null) => v ?? '' },
    { title: t('pages.benefits.col.paidAt'), dataIndex: 'paidAt', key: 'paidAt', width: 170, render: (v: string | null) => formatDateTime(v) },
  ];

  return (
    <>
      <PageHeader
        title={
          <Flex align="center" gap={8}>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/benefits')} aria-label={t('pages.benefits.back')} />
            {t('pages.benefits.detailTitle', { id: b.id })}
            <BatchStatusTag status={b.status} t={t} />
          </Flex>
        }
        extra={
          <>
            <Button icon={<DownloadOutlined />} loading={exporting.isPending} onClick={() => exporting.mutate()} data-testid="benefits-export">
              {t('common.exportExcel')}
            </Button>
            {b.canManage && b.status === 'draft' ? (
              <Popconfirm title={t('pages.benefits.approveConfirm', { count: b.payableCount, amount: yuan(b.payableFen) })} okText={t('common.ok')} cancelText={t('common.cancel')} onConfirm={() => approve.mutate()} okButtonProps={{ 'data-testid': 'benefits-approve-ok' } as ButtonProps}>
                <Button type="primary" icon={<CheckOutlined />} loading={approve.isPending} data-testid="benefits-approve">
                  {t('pages.benefits.approve')}
                </Button>
              </Popconfirm>
            ) : null}
            {b.canManage && (b.status === 'approved' || b.status === 'paying') ? (
              <Popconfirm title={t('pages.benefits.payConfirm', { count: b.payableCount - b.paidCount, amount: yuan(b.payableFen - b.paidFen) })} okText={t('common.ok')} cancelText={t('common.cancel')} onConfirm={() => pay.mutate()} okButtonProps={{ 'data-testid': 'benefits-pay-ok' } as ButtonProps}>
                <Button type="primary" icon={<PayCircleOutlined />} loading={pay.isPending} data-testid="benefits-pay">
                  {b.status === 'paying' ? t('pages.benefits.payContinue') : t('pages.benefits.pay')}
                </Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      {actionError ? <Alert type="error" showIcon closable style={{ marginBottom: 16 }} title={errorText(actionError, lang, t)} data-testid="benefits-error" /> : null}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('pages.benefits.policy')}>
            <Typography.Link onClick={() => navigate(`/policies/${b.policyId}`)}>{b.policyTitle}</Typography.Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.col.version')}>v{b.version}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.period')}>{b.period}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.source')}>{b.source === 'auto' ? t('pages.benefits.sourceAuto') : t('pages.benefits.sourceApply')}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.budget')}>{b.budgetFen === null ? t('pages.benefits.unlimited') : yuan(b.budgetFen)}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.available')}>{b.availableFen === null ? t('pages.benefits.unlimited') : yuan(b.availableFen)}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.col.computedAt')}>{formatDateTime(b.computedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.approvedBy')}>{b.approvedBy ? `${b.approvedBy} · ${formatDateTime(b.approvedAt)}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('pages.benefits.paidAtBatch')}>{formatDateTime(b.paidAt)}</Descriptions.Item>
        </Descriptions>
        <Flex gap={48} wrap style={{ marginTop: 16 }}>
          <Statistic title={t('pages.benefits.stat.items')} value={b.itemCount} />
          <Statistic title={t('pages.benefits.stat.payable')} value={yuan(b.payableFen)} suffix={`· ${b.payableCount}`} />
          <Statistic title={t('pages.benefits.stat.paid')} value={yuan(b.paidFen)} suffix={`· ${b.paidCount}`} data-testid="benefits-paid-stat" />
          <Statistic title={t('pages.benefits.stat.waiting')} value={yuan(b.waitingFen)} suffix={`· ${b.waitingCount}`} />
          <Statistic title={t('pages.benefits.stat.held')} value={b.heldCount} />
        </Flex>
      </Card>
      <Card title={t('pages.benefits.items')}>
        <Flex style={{ marginBottom: 16 }} gap={8} align="center">
          <span>{t('pages.benefits.col.state')}</span>
          <Select
            allowClear
            style={{ width: 180 }}
            value={state}
            placeholder={t('common.all')}
            onChange={(v?: string) => list.setFilters({ state: v })}
            options={(['pending', 'waiting_budget', 'held', 'paid'] as const).map((s) => ({ value: s, label: t(`pages.benefits.itemState.${s}`) }))}
          />
          <Typography.Text type="secondary">{t('pages.benefits.orderNote')}</Typography.Text>
        </Flex>
        <Table<BatchItem>
          rowKey="uscc"
          data-testid="benefit-items"
          columns={columns}
          dataSource={b.items}
          loading={query.isFetching}
          scroll={{ x: 1250 }}
          pagination={listPagination(list, b.itemsTotal, (total) => t('common.total', { total }))}
        />
      </Card>
    </>
  );
}
