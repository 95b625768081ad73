import { CalculatorOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Table, type ButtonProps, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatDateTime, shanghaiYear } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { listPagination, useListParams } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { computeBatch, fetchAutoPolicies, listBatches, yuan, type BatchSummary } from '../api';
import { BatchStatusTag } from '../format';

const PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$/;

/** 计算兑付批次: pick a published 免申即享 policy and a period. */
function ComputeDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const user = useSession().data?.user;
  const navigate = useNavigate();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ policyId: number; period: string }>();
  const policies = useQuery({ queryKey: ['benefit-auto-policies', user?.department ?? ''], queryFn: () => fetchAutoPolicies(user?.role === 'dept' ? (user.department ?? null) : null), enabled: open });
  const compute = useMutation({
    mutationFn: (v: { policyId: number; period: string }) => computeBatch(v.policyId, v.period.trim()),
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: ['benefit-batches'] });
      message.success(b.recomputed ? t('pages.benefits.computed', { count: b.itemCount }) : t('pages.benefits.alreadyApproved'));
      onClose();
      navigate(`/benefits/${b.id}`);
    },
  });
  return (
    <Modal
      open={open}
      title={t('pages.benefits.compute')}
      okText={t('pages.benefits.computeOk')}
      cancelText={t('common.cancel')}
      confirmLoading={compute.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'benefits-compute-ok' } as ButtonProps}
    >
      {compute.isError ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={errorText(compute.error, lang, t)} /> : null}
      <Form form={form} layout="vertical" name="benefit-compute" preserve={false} onFinish={(v) => compute.mutate(v)} initialValues={{ period: shanghaiYear() }}>
        <Form.Item name="policyId" label={t('pages.benefits.policy')} rules={[{ required: true, message: t('pages.benefits.policyRequired') }]}>
          <Select
            data-testid="benefits-policy-select"
            showSearch={{ optionFilterProp: 'label' }}
            loading={policies.isPending}
            options={(policies.data ?? []).map((p) => ({ value: p.id, label: p.title }))}
            placeholder={t('pages.benefits.policyPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="period" label={t('pages.benefits.period')} extra={t('pages.benefits.periodHelp')} rules={[{ required: true, pattern: PERIOD_RE, message: t('pages.benefits.periodInvalid') }]}>
          <Input data-testid="benefits-period" style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 兑付批次 (P-5): dept sees its department's batches, leader and admin all. */
export function BenefitBatchListPage() {
  const { t, lang } = useI18n();
  const role = useSession().data?.user.role;
  const list = useListParams();
  const status = list.get('status');
  const [open, setOpen] = useState(false);
  const query = useQuery({ queryKey: ['benefit-batches', list.page, list.pageSize, status ?? ''], queryFn: () => listBatches(list.page, list.pageSize, status), placeholderData: keepPreviousData });
  const columns: TableColumnsType<BatchSummary> = [
    { title: t('pages.benefits.col.id'), dataIndex: 'id', key: 'id', width: 70, render: (id: number) => <Link to={`/benefits/${id}`}>{id}</Link> },
    { title: t('pages.benefits.col.policy'), dataIndex: 'policyTitle', key: 'policy', ellipsis: true, render: (v: string, b) => <Link to={`/benefits/${b.id}`}>{v}</Link> },
    { title: t('pages.benefits.col.version'), dataIndex: 'version', key: 'version', width: 70, render: (v: number) => `v${v}` },
    { title: t('pages.benefits.period'), dataIndex: 'period', key: 'period', width: 100 },
    { title: t('pages.benefits.col.status'), dataIndex: 'status', key: 'status', width: 100, render: (s: BatchSummary['status']) => <BatchStatusTag status={s} t={t} /> },
    { title: t('pages.benefits.col.count'), key: 'count', width: 120, render: (_, b) => `${b.paidCount} / ${b.payableCount} / ${b.itemCount}` },
    { title: t('pages.benefits.col.payable'), dataIndex: 'payableFen', key: 'payable', width: 150, align: 'right', render: (v: number) => yuan(v) },
    { title: t('pages.benefits.col.paid'), dataIndex: 'paidFen', key: 'paid', width: 150, align: 'right', render: (v: number) => yuan(v) },
    { title: t('pages.benefits.col.computedAt'), dataIndex: 'computedAt', key: 'computedAt', width: 170, render: (v: string) => formatDateTime(v) },
  ];
  return (
    <>
      <PageHeader
        title={t('pages.benefits.title')}
        extra={
          role === 'admin' || role === 'dept' ? (
            <Button type="primary" icon={<CalculatorOutlined />} onClick={() => setOpen(true)} data-testid="benefits-compute">
              {t('pages.benefits.compute')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Form layout="inline" style={{ marginBottom: 16 }}>
          <Form.Item label={t('pages.benefits.col.status')}>
            <Select
              allowClear
              style={{ width: 160 }}
              value={status}
              placeholder={t('common.all')}
              onChange={(v?: string) => list.setFilters({ status: v })}
              options={(['draft', 'approved', 'paying', 'paid'] as const).map((s) => ({ value: s, label: t(`pages.benefits.status.${s}`) }))}
            />
          </Form.Item>
        </Form>
        {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<BatchSummary>
          rowKey="id"
          data-testid="benefit-batches"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: 1000 }}
          pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
        />
      </Card>
      <ComputeDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}
