import { SafetyCertificateOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect } from 'react';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { useListParams, listPagination } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { isRole } from '../../../api/types';
import { listAudit, verifyAudit, type AnchorStatus, type AuditFilter, type AuditRecord } from './api';

const MONO = { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace", fontSize: 12, whiteSpace: 'nowrap' } as const;

/** Long hex strings: show the head, the whole value on hover and on copy. */
function Hex({ value }: { value: string }) {
  return (
    <Tooltip title={<span style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{value}</span>}>
      <Typography.Text copyable={{ text: value }} style={MONO}>
        {value.length > 8 ? `${value.slice(0, 8)}…` : value}
      </Typography.Text>
    </Tooltip>
  );
}

const LOG_PROBLEMS = ['CHECKPOINT_MALFORMED', 'CHECKPOINT_LINK_BROKEN', 'CHECKPOINT_NOT_MONOTONE', 'CHECKPOINT_UNKNOWN_KEY', 'CHECKPOINT_BAD_SIGNATURE', 'ANCHOR_UNREADABLE'] as const;
const isLogProblem = (r: string): r is (typeof LOG_PROBLEMS)[number] => (LOG_PROBLEMS as readonly string[]).includes(r);

/** How the chain stands against the signed checkpoints outside the database (SPEC §11). */
function AnchorAlert({ anchor }: { anchor: AnchorStatus }) {
  const { t } = useI18n();
  const p = anchor.problem;
  if (anchor.status === 'broken' && p) {
    const reason = isLogProblem(p.reason) ? t(`pages.audit.anchor.problem.${p.reason}`) : p.message;
    return <Alert type="error" showIcon data-testid="audit-anchor" title={t('pages.audit.anchor.logBroken', { line: p.line ?? '?', reason })} />;
  }
  if (anchor.status === 'broken') return null; // a rewritten record: the chain verdict above names it
  if (anchor.status === 'unanchored') {
    return <Alert type="warning" showIcon data-testid="audit-anchor" title={t('pages.audit.anchor.unanchored', { reason: t(`pages.audit.anchor.missing.${anchor.missing ?? 'KEY'}`) })} description={t('pages.audit.anchor.unanchoredHint')} />;
  }
  const latest = anchor.latest!;
  const covered = t('pages.audit.anchor.protected', { to: anchor.protected?.to ?? latest.seq, at: formatDateTime(latest.at), kid: latest.kid });
  const open = anchor.unprotected ? t('pages.audit.anchor.unprotected', { from: anchor.unprotected.from, to: anchor.unprotected.to }) : t('pages.audit.anchor.allProtected');
  return <Alert type={anchor.unprotected ? 'info' : 'success'} showIcon data-testid="audit-anchor" title={covered} description={open} />;
}

export function AuditListPage() {
  const { t, lang } = useI18n();
  const list = useListParams();
  const [form] = Form.useForm<AuditFilter>();
  const filter: AuditFilter = { actor: list.get('actor'), action: list.get('action') };

  useEffect(() => {
    form.setFieldsValue({ actor: filter.actor, action: filter.action });
  }, [form, filter.actor, filter.action]);

  const query = useQuery({
    queryKey: ['audit', list.page, list.pageSize, filter.actor ?? '', filter.action ?? ''],
    queryFn: () => listAudit(list.page, list.pageSize, filter),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: verifyAudit });

  const columns: TableColumnsType<AuditRecord> = [
    { title: t('pages.audit.col.seq'), dataIndex: 'seq', key: 'seq', width: 70 },
    { title: t('pages.audit.col.at'), dataIndex: 'at', key: 'at', width: 170, render: (v: string) => formatDateTime(v) },
    { title: t('pages.audit.col.actor'), dataIndex: 'actor', key: 'actor', width: 120, ellipsis: true, render: (v: string) => (v === 'system' ? t('pages.audit.system') : v) },
    {
      title: t('pages.audit.col.role'),
      dataIndex: 'role',
      key: 'role',
      width: 110,
      render: (role: string) => (isRole(role) ? t(`roles.${role}`) : role === 'system' ? t('pages.audit.system') : role),
    },
    { title: t('pages.audit.col.action'), dataIndex: 'action', key: 'action', width: 130, render: (v: string) => <span style={MONO}>{v}</span> },
    { title: t('pages.audit.col.target'), dataIndex: 'target', key: 'target', ellipsis: true },
    { title: t('pages.audit.col.digest'), dataIndex: 'digest', key: 'digest', width: 130, render: (v: string) => <Hex value={v} /> },
    { title: t('pages.audit.col.hash'), dataIndex: 'hash', key: 'hash', width: 130, render: (v: string) => <Hex value={v} /> },
  ];

  let verdict = null;
  if (verify.isError) {
    verdict = <Alert type="error" showIcon closable title={errorText(verify.error, lang, t)} />;
  } else if (verify.data) {
    const r = verify.data;
    // The links of the chain; how it stands against the checkpoints is the alert below it.
    verdict = !r.firstBad ? (
      <Alert type="success" showIcon closable data-testid="audit-verify-result" title={t('pages.audit.verifyOk', { count: r.count })} />
    ) : (
      <Alert
        type="error"
        showIcon
        closable
        data-testid="audit-verify-result"
        title={t('pages.audit.verifyBad', { seq: r.firstBad?.seq ?? '?', reason: r.firstBad?.message ?? r.firstBad?.reason ?? '', count: r.count })}
      />
    );
  }

  return (
    <>
      <PageHeader
        title={t('pages.audit.title')}
        extra={
          <Button
            type="primary"
            icon={<SafetyCertificateOutlined />}
            loading={verify.isPending}
            onClick={() => verify.mutate()}
            data-testid="audit-verify"
          >
            {t('pages.audit.verify')}
          </Button>
        }
      />
      {verdict ? <div style={{ marginBottom: 16 }}>{verdict}</div> : null}
      {verify.data?.anchor ? (
        <div style={{ marginBottom: 16 }}>
          <AnchorAlert anchor={verify.data.anchor} />
        </div>
      ) : null}
      <Card>
        <Form<AuditFilter>
          form={form}
          name="audit-filter"
          layout="inline"
          style={{ marginBottom: 16, rowGap: 12 }}
          onFinish={(v) => list.setFilters({ actor: v.actor?.trim(), action: v.action?.trim() })}
        >
          <Form.Item name="actor" label={t('pages.audit.actor')}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="action" label={t('pages.audit.action')}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                list.setFilters({ actor: undefined, action: undefined });
              }}
            >
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
        {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<AuditRecord>
          rowKey="seq"
          data-testid="audit-table"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: 950 }}
          pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
        />
      </Card>
    </>
  );
}
