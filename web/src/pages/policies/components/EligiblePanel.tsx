import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Flex, Row, Skeleton, Statistic, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { PAGE_SIZES } from '../../../app/list-params';
import { exportEligible, fetchEligibleEnterprises, fetchEligibleStats, type CountBucket, type EligibleEnterprise, type PolicyDetail } from '../api';
import { EChart, type EChartOption } from './EChart';

function barOption(buckets: CountBucket[], seriesName: string): EChartOption {
  // Largest at the top of a horizontal bar chart: ECharts draws categories bottom-up.
  const rows = [...buckets].reverse();
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((b) => b.name), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [{ type: 'bar', name: seriesName, data: rows.map((b) => b.count), label: { show: true, position: 'right' }, itemStyle: { color: '#1677ff' } }],
  };
}

function pieOption(buckets: CountBucket[], seriesName: string): EChartOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { width: 150, overflow: 'truncate' } },
    series: [{ type: 'pie', name: seriesName, radius: ['35%', '65%'], center: ['32%', '50%'], label: { show: false }, data: buckets.map((b) => ({ name: b.name, value: b.count })) }],
  };
}

/** 可享企业 of a policy's published version: counts by street and 门类 as charts, the list, and Excel export (P-4). */
export function EligiblePanel({ policy }: { policy: PolicyDetail }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [exporting, setExporting] = useState(false);
  const stats = useQuery({ queryKey: ['policy-eligible-stats', policy.id, policy.version], queryFn: () => fetchEligibleStats(policy.id), retry: false });
  const list = useQuery({
    queryKey: ['policy-eligible', policy.id, policy.version, page, pageSize],
    queryFn: () => fetchEligibleEnterprises(policy.id, page, pageSize),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const count = t('pages.policies.eligible.count');
  const streetOption = useMemo(() => (stats.data ? barOption(stats.data.byStreet, count) : null), [stats.data, count]);
  const industryOption = useMemo(() => (stats.data ? pieOption(stats.data.byIndustry, count) : null), [stats.data, count]);

  if (policy.version === 0) return <Alert type="info" showIcon title={t('pages.policies.matches.notPublished')} />;
  if (stats.isPending) return <Skeleton active />;
  if (stats.isError) return <Alert type="error" showIcon title={errorText(stats.error, lang, t)} data-testid="eligible-error" />;

  async function onExport() {
    setExporting(true);
    try {
      const name = await exportEligible(policy.id);
      message.success(t('common.exported', { name }));
    } catch (err) {
      message.error(errorText(err, lang, t));
    } finally {
      setExporting(false);
    }
  }

  const columns: TableColumnsType<EligibleEnterprise> = [
    {
      title: t('pages.policies.eligible.col.uscc'),
      dataIndex: 'uscc',
      key: 'uscc',
      width: 190,
      render: (uscc: string) => (
        <Link to={`/enterprises/${uscc}`} style={{ fontFamily: 'monospace', fontSize: 13 }}>
          {uscc}
        </Link>
      ),
    },
    { title: t('pages.policies.eligible.col.name'), dataIndex: 'name', key: 'name' },
    { title: t('pages.policies.eligible.col.street'), key: 'street', width: 140, render: (_, e) => e.streetName ?? e.street ?? t('common.none') },
    {
      title: t('pages.policies.eligible.col.industry'),
      key: 'industry',
      render: (_, e) =>
        e.industry ? (
          <Flex vertical>
            <span>{e.industryName ?? e.industry}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {e.industry}
              {e.sectionName ? ` · ${e.sectionName}` : ''}
            </Typography.Text>
          </Flex>
        ) : (
          t('common.none')
        ),
    },
  ];

  const s = stats.data;
  return (
    <Flex vertical gap={16} data-testid="eligible-panel">
      <Card>
        <Flex justify="space-between" align="center" wrap gap={16}>
          <Flex vertical gap={4}>
            <Typography.Text strong>{policy.content.title}</Typography.Text>
            <Statistic title={t('pages.policies.eligible.total', { n: policy.version })} value={s.total} data-testid="eligible-total" />
          </Flex>
          <Button icon={<DownloadOutlined />} loading={exporting} disabled={s.total === 0} onClick={() => void onExport()} data-testid="eligible-export">
            {t('common.exportExcel')}
          </Button>
        </Flex>
      </Card>
      {s.total === 0 ? (
        <Empty description={t('pages.policies.eligible.none')} />
      ) : (
        <>
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Card title={t('pages.policies.eligible.byStreet')} size="small">
                {streetOption ? <EChart option={streetOption} style={{ height: Math.max(240, s.byStreet.length * 26 + 40) }} testId="eligible-chart-street" /> : null}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('pages.policies.eligible.byIndustry')} size="small">
                {industryOption ? <EChart option={industryOption} style={{ height: Math.max(240, s.byStreet.length * 26 + 40) }} testId="eligible-chart-industry" /> : null}
              </Card>
            </Col>
          </Row>
          <Card title={t('pages.policies.eligible.list')} size="small">
            <Table<EligibleEnterprise>
              rowKey="uscc"
              size="small"
              data-testid="eligible-table"
              columns={columns}
              dataSource={list.data?.items ?? []}
              loading={list.isFetching}
              locale={list.isError ? { emptyText: errorText(list.error, lang, t) } : undefined}
              pagination={{
                current: page,
                pageSize,
                total: list.data?.total ?? s.total,
                showSizeChanger: true,
                pageSizeOptions: PAGE_SIZES.map(String),
                showTotal: (n) => t('common.total', { total: n }),
                onChange: (p, size) => {
                  setPage(size === pageSize ? p : 1);
                  setPageSize(size);
                },
              }}
            />
          </Card>
        </>
      )}
    </Flex>
  );
}
