import { CalendarOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Col, Empty, Flex, Input, Modal, Row, Segmented, Statistic, Table, Tag, Typography, Upload, type ButtonProps, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { useI18n } from '../../app/i18n';
import { PageHeader } from '../../app/PageHeader';
import type { MessageKey } from '../../locales';
import { calendarKeys, fetchStatus, fetchYear, listYears, loadYear, previewYear, type HolidayPeriod, type LoadPlan, type YearSummary } from './api';

const weekdayKey = (d: number) => `pages.calendar.weekday.${d}` as MessageKey;
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** A year's holidays and make-up workdays (the year view). */
function YearView({ year }: { year: number }) {
  const { t, lang } = useI18n();
  const query = useQuery({ queryKey: calendarKeys.year(year), queryFn: () => fetchYear(year) });
  const y = query.data;
  const columns: TableColumnsType<HolidayPeriod> = [
    { title: t('pages.calendar.col.festival'), dataIndex: 'name', key: 'name' },
    {
      title: t('pages.calendar.col.dates'),
      key: 'dates',
      render: (_: unknown, h) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {h.start} {t(weekdayKey(weekdayOf(h.start)))}
          {h.end === h.start ? '' : ` – ${h.end} ${t(weekdayKey(weekdayOf(h.end)))}`}
        </span>
      ),
    },
    { title: t('pages.calendar.col.days'), dataIndex: 'days', key: 'days', width: 80, align: 'right', render: (n: number) => t('pages.calendar.daysText', { n }) },
  ];
  return (
    <Card title={t('pages.calendar.yearTitle', { year })} loading={query.isPending} data-testid="calendar-year-view">
      {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} /> : null}
      {y ? (
        <Flex vertical gap={16}>
          <Typography.Text type="secondary">
            {y.title} · {y.notice}
            {y.sources.map((s) => (
              <Typography.Link key={s} href={s} target="_blank" rel="noreferrer" style={{ marginInlineStart: 8, wordBreak: 'break-all' }}>
                {t('pages.calendar.sources')}
              </Typography.Link>
            ))}
          </Typography.Text>
          <Table<HolidayPeriod> rowKey={(h) => `${h.name}-${h.start}`} size="small" pagination={false} columns={columns} dataSource={y.holidays} data-testid="calendar-holidays" scroll={{ x: 'max-content' }} />
          <div>
            <Typography.Title level={5}>{t('pages.calendar.makeupTitle')}</Typography.Title>
            {y.makeupWorkdays.length === 0 ? (
              <Typography.Text type="secondary">{t('pages.calendar.noMakeup')}</Typography.Text>
            ) : (
              <Flex wrap gap={8} data-testid="calendar-makeup">
                {y.makeupWorkdays.map((m) => (
                  <Tag key={m.date} color="orange">
                    {m.date} {t(weekdayKey(m.weekday))} · {m.for}
                  </Tag>
                ))}
              </Flex>
            )}
          </div>
        </Flex>
      ) : null}
    </Card>
  );
}

/** Choose a file, preview what it would change, then load it. */
function LoadModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [file, setFile] = useState<{ name: string; json: unknown } | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [replace, setReplace] = useState(false);
  const input = file ? { file: file.json, replace, ...(notice.trim() ? { notice: notice.trim() } : {}) } : null;
  const preview = useMutation({ mutationFn: previewYear });
  const load = useMutation({
    mutationFn: loadYear,
    onSuccess: (r) => {
      message.success(r.unchanged ? t('pages.calendar.unchanged') : t('pages.calendar.loaded', { year: r.year }));
      void client.invalidateQueries({ queryKey: calendarKeys.all });
      // Deadlines on other pages may change once the job has run.
      void client.invalidateQueries({ queryKey: ['applications'] });
      close();
    },
  });
  const { mutate: runPreview, reset: resetPreview } = preview;

  // Preview again whenever the file or the options change.
  const key = input ? JSON.stringify(input) : '';
  useEffect(() => {
    if (key) runPreview(JSON.parse(key) as Parameters<typeof previewYear>[0]);
  }, [key, runPreview]);

  function close() {
    setFile(null);
    setReadError(null);
    setNotice('');
    setReplace(false);
    resetPreview();
    load.reset();
    onClose();
  }

  async function choose(f: File) {
    setReadError(null);
    setFile(null);
    resetPreview();
    try {
      setFile({ name: f.name, json: JSON.parse(await f.text()) as unknown });
    } catch (e) {
      setReadError(t('pages.calendar.notJson', { error: e instanceof Error ? e.message : String(e) }));
    }
  }

  const p: LoadPlan | undefined = preview.data;
  const sourceText = (s: 'builtin' | 'loaded') => t(`pages.calendar.source.${s}`);
  const canLoad = !!p && !preview.isPending && !p.unchanged && (!p.needsReplace || replace);
  return (
    <Modal
      title={t('pages.calendar.uploadTitle')}
      open={open}
      onCancel={close}
      onOk={() => input && load.mutate(input)}
      okText={t('pages.calendar.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !canLoad, loading: load.isPending, 'data-testid': 'calendar-confirm' } as ButtonProps}
      destroyOnHidden
      width={640}
    >
      <Flex vertical gap={12}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('pages.calendar.uploadHint')}
        </Typography.Paragraph>
        <Upload
          accept=".json,application/json"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(f) => {
            void choose(f);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} data-testid="calendar-choose">
            {t('pages.calendar.choose')}
          </Button>
        </Upload>
        {file ? <Typography.Text data-testid="calendar-chosen">{t('pages.calendar.chosen', { name: file.name })}</Typography.Text> : null}
        {readError ? <Alert type="error" showIcon title={readError} data-testid="calendar-read-error" /> : null}
        <Flex vertical gap={4}>
          <Typography.Text>{t('pages.calendar.notice')}</Typography.Text>
          <Input value={notice} onChange={(e) => setNotice(e.target.value)} maxLength={200} placeholder={t('pages.calendar.noticePlaceholder')} data-testid="calendar-notice" />
        </Flex>
        <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="calendar-replace">
          {t('pages.calendar.replace')}
        </Checkbox>
        {preview.isError ? <Alert type="error" showIcon title={errorText(preview.error, lang, t)} data-testid="calendar-preview-error" /> : null}
        {load.isError ? <Alert type="error" showIcon title={errorText(load.error, lang, t)} /> : null}
        {p ? (
          <Card size="small" data-testid="calendar-preview">
            <Flex vertical gap={8}>
              <Typography.Text strong>{t('pages.calendar.previewSummary', { year: p.year, periods: p.data.holidays.length, makeup: p.data.makeupWorkdays.length, workdays: p.workdays })}</Typography.Text>
              {p.unchanged ? (
                <Alert type="info" showIcon title={t('pages.calendar.previewUnchanged')} />
              ) : p.existing ? (
                <Alert
                  type={replace ? 'warning' : 'error'}
                  showIcon
                  title={replace ? t('pages.calendar.previewReplaces', { source: sourceText(p.existing.source), notice: p.existing.notice }) : t('pages.calendar.previewNeedsReplace', { source: sourceText(p.existing.source), notice: p.existing.notice })}
                />
              ) : (
                <Alert type="success" showIcon title={t('pages.calendar.previewNew')} />
              )}
              <Typography.Text>{t('pages.calendar.previewRecompute', { n: p.provisionalDeadlines })}</Typography.Text>
              <Table<HolidayPeriod>
                rowKey={(h) => `${h.name}-${h.start}`}
                size="small"
                pagination={false}
                scroll={{ x: 'max-content' }}
                dataSource={p.data.holidays}
                columns={[
                  { title: t('pages.calendar.col.festival'), dataIndex: 'name', key: 'name' },
                  { title: t('pages.calendar.col.dates'), key: 'dates', render: (_: unknown, h) => (h.start === h.end ? h.start : `${h.start} – ${h.end}`) },
                  { title: t('pages.calendar.col.days'), dataIndex: 'days', key: 'days', align: 'right' },
                ]}
              />
              {p.data.makeupWorkdays.length ? (
                <Typography.Text type="secondary">
                  {t('pages.calendar.makeupTitle')}
                  {t('common.colon')}
                  {p.data.makeupWorkdays.map((m) => `${m.date}（${m.for}）`).join('、')}
                </Typography.Text>
              ) : null}
            </Flex>
          </Card>
        ) : null}
      </Flex>
    </Modal>
  );
}

/** 工作日历 (F-9): covered years and where their data came from, each year's holidays, loading a new year (admin). */
export function CalendarAdminPage() {
  const { t, lang } = useI18n();
  const years = useQuery({ queryKey: calendarKeys.years, queryFn: listYears });
  const status = useQuery({
    queryKey: calendarKeys.status,
    queryFn: fetchStatus,
    // While a recomputation job waits, look again until it has run.
    refetchInterval: (q) => ((q.state.data?.pendingJobs ?? 0) > 0 ? 1500 : false),
  });
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const items = years.data?.items ?? [];
  const shown = selected ?? items.at(-1)?.year ?? null;
  const client = useQueryClient();
  const pending = status.data?.pendingJobs ?? 0;
  useEffect(() => {
    // A job finished: the deadlines it recomputed are news elsewhere too.
    if (pending === 0) void client.invalidateQueries({ queryKey: ['applications'] });
  }, [pending, client]);

  const columns: TableColumnsType<YearSummary> = [
    { title: t('pages.calendar.col.year'), dataIndex: 'year', key: 'year', width: 70, render: (y: number) => <Typography.Text strong>{y}</Typography.Text> },
    {
      title: t('pages.calendar.col.source'),
      key: 'source',
      width: 150,
      render: (_: unknown, r) => (
        <Flex vertical gap={2}>
          <span>
            <Tag color={r.source === 'loaded' ? 'blue' : 'default'}>{t(`pages.calendar.source.${r.source}`)}</Tag>
            <Typography.Text type="secondary">{t(`pages.calendar.format.${r.format}`)}</Typography.Text>
          </span>
          {r.replacesBuiltin ? <Typography.Text type="warning">{t('pages.calendar.replacesBuiltin')}</Typography.Text> : null}
        </Flex>
      ),
    },
    { title: t('pages.calendar.col.notice'), dataIndex: 'notice', key: 'notice' },
    { title: t('pages.calendar.col.holidays'), key: 'holidays', width: 120, render: (_: unknown, r) => t('pages.calendar.holidaysText', { periods: r.holidayPeriods, days: r.holidayDays }) },
    { title: t('pages.calendar.col.makeup'), dataIndex: 'makeupDays', key: 'makeup', width: 90, align: 'right' },
    { title: t('pages.calendar.col.workdays'), dataIndex: 'workdays', key: 'workdays', width: 90, align: 'right' },
    { title: t('pages.calendar.col.loaded'), key: 'loaded', width: 170, render: (_: unknown, r) => (r.loadedBy ? `${r.loadedBy} · ${formatDateTime(r.loadedAt)}` : t('common.none')) },
    {
      title: '',
      key: 'view',
      width: 70,
      render: (_: unknown, r) => (
        <Button size="small" type={r.year === shown ? 'primary' : 'default'} onClick={() => setSelected(r.year)} data-testid={`calendar-view-${r.year}`}>
          {t('pages.calendar.view')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pages.calendar.title')}
        extra={
          <Button type="primary" icon={<UploadOutlined />} onClick={() => setLoading(true)} data-testid="calendar-upload">
            {t('pages.calendar.upload')}
          </Button>
        }
      />
      <Flex vertical gap={16}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('pages.calendar.intro')}
        </Typography.Paragraph>
        {years.isError ? <Alert type="error" showIcon title={errorText(years.error, lang, t)} /> : null}
        <Row gutter={[16, 16]}>
          <Col xs={24} md={12}>
            <Card>
              <Statistic title={t('pages.calendar.coveredYears')} prefix={<CalendarOutlined />} value={items.length ? `${items[0]!.year}–${items.at(-1)!.year}` : '—'} />
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card>
              <Statistic title={t('pages.calendar.provisional')} value={status.data?.provisionalDeadlines ?? '—'} styles={(status.data?.provisionalDeadlines ?? 0) > 0 ? { content: { color: '#d46b08' } } : undefined} data-testid="calendar-provisional-count" />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('pages.calendar.provisionalHint')}
              </Typography.Text>
            </Card>
          </Col>
        </Row>
        {pending > 0 ? <Alert type="info" showIcon title={t('pages.calendar.pendingJobs', { n: pending })} data-testid="calendar-pending" /> : null}
        {(status.data?.failedJobs ?? 0) > 0 ? <Alert type="error" showIcon title={t('pages.calendar.failedJobs', { n: status.data!.failedJobs })} /> : null}
        <Card>
          <Table<YearSummary> rowKey="year" size="middle" loading={years.isFetching} columns={columns} dataSource={items} pagination={false} scroll={{ x: 900 }} data-testid="calendar-years" locale={{ emptyText: <Empty /> }} />
        </Card>
        {items.length > 1 ? (
          <Segmented<number> options={items.map((y) => ({ label: String(y.year), value: y.year }))} value={shown ?? undefined} onChange={(v) => setSelected(v)} data-testid="calendar-year-switch" style={{ alignSelf: 'flex-start', maxWidth: '100%', overflowX: 'auto' }} />
        ) : null}
        {shown !== null ? <YearView year={shown} /> : null}
      </Flex>
      <LoadModal open={loading} onClose={() => setLoading(false)} />
    </>
  );
}
