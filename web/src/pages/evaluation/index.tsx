import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Row, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../app/auth';
import { errorText } from '../../app/errors';
import { useI18n } from '../../app/i18n';
import { PageHeader } from '../../app/PageHeader';
import { EChart, type EChartOption } from '../policies/components/EChart';
import { exportEvaluation, fetchDepartmentEvaluation, fetchPolicyEvaluation, type DepartmentEvaluation, type PolicyEvaluation } from './api';

const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const FUNNEL = ['eligible', 'notified', 'applied', 'approved', 'paidCount'] as const;
const COLORS = ['#1677ff', '#13c2c2', '#faad14', '#722ed1', '#52c41a'];

/** Departments side by side: the funnel eligible → notified → applied → approved → paid. */
function funnelOption(rows: DepartmentEvaluation[], labels: Record<(typeof FUNNEL)[number], string>): EChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.departmentName), axisLabel: { interval: 0, rotate: rows.length > 6 ? 40 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: FUNNEL.map((k, i) => ({ type: 'bar', name: labels[k], data: rows.map((r) => r[k]), itemStyle: { color: COLORS[i] } })),
  };
}

function amountOption(rows: DepartmentEvaluation[], name: string): EChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.departmentName), axisLabel: { interval: 0, rotate: rows.length > 6 ? 40 : 0 } },
    yAxis: { type: 'value', name: '元' },
    series: [{ type: 'bar', name, data: rows.map((r) => r.paidFen / 100), itemStyle: { color: '#52c41a' }, label: { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ? p.value.toLocaleString('zh-CN') : '') } }],
  };
}

/** /evaluation — 政策评估 (P-8): leader and admin see every department side by side, dept staff their own department. */
export function EvaluationPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const role = session.data?.user.role;
  const seesAll = role === 'leader' || role === 'admin';
  const [department, setDepartment] = useState<string | undefined>(undefined);
  const [exporting, setExporting] = useState(false);
  const depts = useQuery({ queryKey: ['evaluation', 'departments'], queryFn: fetchDepartmentEvaluation });
  const pols = useQuery({ queryKey: ['evaluation', 'policies', department ?? ''], queryFn: () => fetchPolicyEvaluation(department) });

  const labels = useMemo(
    () => ({ eligible: t('pages.evaluation.eligible'), notified: t('pages.evaluation.notified'), applied: t('pages.evaluation.applied'), approved: t('pages.evaluation.approved'), paidCount: t('pages.evaluation.paidCount') }),
    [t],
  );
  const shown = useMemo(() => (depts.data?.items ?? []).filter((d) => !department || d.department === department), [depts.data, department]);
  // Charts compare the departments that have published policies; the table lists every department.
  const charted = useMemo(() => shown.filter((d) => d.policies > 0), [shown]);
  const funnel = useMemo(() => funnelOption(charted, labels), [charted, labels]);
  const amounts = useMemo(() => amountOption(charted, t('pages.evaluation.paidFen')), [charted, t]);

  async function onExport() {
    setExporting(true);
    try {
      const name = await exportEvaluation(department);
      message.success(t('common.exported', { name }));
    } catch (err) {
      message.error(errorText(err, lang, t));
    } finally {
      setExporting(false);
    }
  }

  const num = (v: number | null) => (v === null ? t('common.none') : v);
  const deptColumns: TableColumnsType<DepartmentEvaluation> = [
    { title: t('pages.evaluation.department'), dataIndex: 'departmentName', key: 'departmentName' },
    { title: t('pages.evaluation.policies'), dataIndex: 'policies', key: 'policies', align: 'right' },
    ...FUNNEL.map((k) => ({ title: labels[k], dataIndex: k, key: k, align: 'right' as const })),
    { title: t('pages.evaluation.paidFen'), key: 'paidFen', align: 'right', render: (_, r) => yuan(r.paidFen) },
    { title: t('pages.evaluation.medianDays'), key: 'median', align: 'right', render: (_, r) => num(r.medianDaysToPayment) },
  ];
  const policyColumns: TableColumnsType<PolicyEvaluation> = [
    { title: t('pages.evaluation.policy'), key: 'title', render: (_, p) => <Link to={`/policies/${p.policyId}`}>{p.title}</Link> },
    { title: t('pages.evaluation.department'), dataIndex: 'departmentName', key: 'departmentName', width: 140 },
    { title: t('pages.evaluation.mode'), key: 'mode', width: 100, render: (_, p) => <Tag color={p.mode === 'auto' ? 'green' : 'blue'}>{t(p.mode === 'auto' ? 'pages.evaluation.modeAuto' : 'pages.evaluation.modeApply')}</Tag> },
    ...FUNNEL.map((k) => ({ title: labels[k], key: k, align: 'right' as const, render: (_: unknown, p: PolicyEvaluation) => num(p[k]) })),
    { title: t('pages.evaluation.paidFen'), key: 'paidFen', align: 'right', render: (_, p) => yuan(p.paidFen) },
    { title: t('pages.evaluation.medianDays'), key: 'median', align: 'right', render: (_, p) => num(p.medianDaysToPayment) },
  ];

  const error = depts.error ?? pols.error;
  return (
    <>
      <PageHeader
        title={t('pages.evaluation.title')}
        extra={
          <Space>
            {seesAll ? (
              <Select
                allowClear
                style={{ minWidth: 180 }}
                placeholder={t('pages.evaluation.allDepartments')}
                value={department}
                onChange={(v?: string) => setDepartment(v || undefined)}
                options={(depts.data?.items ?? []).map((d) => ({ value: d.department, label: d.departmentName }))}
                data-testid="evaluation-department"
              />
            ) : null}
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void onExport()} data-testid="evaluation-export">
              {t('common.exportExcel')}
            </Button>
          </Space>
        }
      />
      {error ? <Alert type="error" showIcon title={errorText(error, lang, t)} style={{ marginBottom: 16 }} /> : null}
      <Typography.Paragraph type="secondary">{t('pages.evaluation.hint')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card title={t('pages.evaluation.funnelChart')} size="small" style={{ marginBottom: 16 }}>
            <EChart option={funnel} style={{ height: 320 }} testId="evaluation-chart-funnel" />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('pages.evaluation.amountChart')} size="small" style={{ marginBottom: 16 }}>
            <EChart option={amounts} style={{ height: 320 }} testId="evaluation-chart-amount" />
          </Card>
        </Col>
      </Row>
      <Card title={t('pages.evaluation.byDepartment')} size="small" style={{ marginBottom: 16 }}>
        <Table<DepartmentEvaluation> rowKey="department" size="small" data-testid="evaluation-departments" columns={deptColumns} dataSource={shown} loading={depts.isFetching} pagination={false} scroll={{ x: 'max-content' }} />
      </Card>
      <Card title={t('pages.evaluation.byPolicy')} size="small">
        <Table<PolicyEvaluation>
          rowKey="policyId"
          size="small"
          data-testid="evaluation-policies"
          columns={policyColumns}
          dataSource={pols.data?.items ?? []}
          loading={pols.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, showSizeChanger: false, showTotal: (n) => t('common.total', { total: n }) }}
        />
      </Card>
    </>
  );
}
