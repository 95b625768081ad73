import { ArrowLeftOutlined, EditOutlined, InfoCircleOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Flex, List, Result, Skeleton, Table, Tabs, Tag, Timeline, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { accessFor } from '../../../../access';
import { useSession } from '../../../../app/auth';
import { errorText } from '../../../../app/errors';
import { formatDateTime } from '../../../../app/format';
import { useI18n } from '../../../../app/i18n';
import type { Translate } from '../../../../locales';
import { ApiError } from '../../../../api/client';
import { fetchEnterprisePage, type AttrValue, type EnterprisePage, type HistoryEntry, type PageAttribute, type PageSection } from '../../api';
import { EnterpriseFormDrawer } from '../../components/EnterpriseFormDrawer';
import { attrLabel, creditColor, formatMoney, formatValue, statusColor } from '../../format';
import { EnterpriseCodeModal } from './EnterpriseCodeModal';

function none(t: Translate, v: string | number | null | undefined): ReactNode {
  return v === null || v === undefined || v === '' ? t('common.none') : v;
}

function AttributeValue({ attr }: { attr: PageAttribute }) {
  const { t } = useI18n();
  if (attr.type === 'tags' && Array.isArray(attr.value) && attr.value.length) {
    return (
      <Flex gap={4} wrap>
        {attr.value.map((v) => (
          <Tag key={v} color="blue">
            {v}
          </Tag>
        ))}
      </Flex>
    );
  }
  return <>{formatValue(t, attr.type, attr.unit === '分' ? null : attr.unit, attr.value)}</>;
}

function SectionCard({ section }: { section: PageSection }) {
  return (
    <Card title={section.title} data-testid={`section-${section.key}`}>
      <List
        size="small"
        dataSource={section.items}
        renderItem={(item, i) => (
          <List.Item key={`${item.title}-${i}`} extra={item.date ? <Typography.Text type="secondary">{item.date}</Typography.Text> : null}>
            <Flex vertical gap={2}>
              <Flex gap={8} align="center" wrap>
                {item.link ? (
                  <Typography.Link href={item.link}>{item.title}</Typography.Link>
                ) : (
                  <Typography.Text>{item.title}</Typography.Text>
                )}
                {item.status ? <Tag>{item.status}</Tag> : null}
              </Flex>
              {item.detail ? <Typography.Text type="secondary">{item.detail}</Typography.Text> : null}
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}

function HistoryTimeline({ history, attributes }: { history: HistoryEntry[]; attributes: PageAttribute[] }) {
  const { t } = useI18n();
  if (history.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pages.enterprise.noHistory')} />;
  const byKey = new Map(attributes.map((a) => [a.key, a]));
  const show = (field: string, v: unknown) => {
    const a = byKey.get(field);
    if (!a) return v === null || v === undefined ? t('common.none') : Array.isArray(v) ? v.join('、') : String(v);
    return formatValue(t, a.type, a.unit === '分' ? null : a.unit, v as AttrValue);
  };
  const actionText = (action: string) => (action === 'create' || action === 'update' || action === 'import' ? t(`pages.enterprise.action.${action}`) : action);
  const sourceText = (source: string | null) => {
    if (!source) return null;
    if (source === 'api') return t('pages.enterprise.source.api');
    const m = /^import:(\d+)$/.exec(source);
    return m ? t('pages.enterprise.source.import', { id: m[1] ?? '' }) : source;
  };
  return (
    <Timeline
      data-testid="enterprise-history"
      items={history.map((h, i) => ({
        key: `${h.at}-${i}`,
        color: h.action === 'create' ? 'green' : 'blue',
        content: (
          <Flex vertical gap={4}>
            <Flex gap={8} wrap align="center">
              <Typography.Text strong>{actionText(h.action)}</Typography.Text>
              <Typography.Text type="secondary">{formatDateTime(h.at)}</Typography.Text>
              <Typography.Text type="secondary">{h.actor}</Typography.Text>
              {sourceText(h.source) ? <Tag>{sourceText(h.source)}</Tag> : null}
            </Flex>
            {h.changes.map((c) => (
              <Typography.Text key={c.field} style={{ fontSize: 13 }}>
                <Typography.Text type="secondary">{attrLabel(t, c.field, byKey.get(c.field)?.label ?? c.field)}</Typography.Text>
                {t('common.colon')}
                {h.action === 'create' ? null : (
                  <>
                    <Typography.Text delete type="secondary">
                      {show(c.field, c.before)}
                    </Typography.Text>
                    {' → '}
                  </>
                )}
                {show(c.field, c.after)}
              </Typography.Text>
            ))}
          </Flex>
        ),
      }))}
    />
  );
}

function Profile({ data, selfOnly, canEdit, showBack }: { data: EnterprisePage; selfOnly: boolean; canEdit: boolean; showBack: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [codeOpen, setCodeOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const e = data.enterprise;

  const legalRep = e.legalRepMasked ? (
    <Flex gap={6} align="center">
      <span data-testid="legal-rep">{e.legalRep}</span>
      <Tooltip title={t('pages.enterprise.masked')}>
        <InfoCircleOutlined style={{ color: '#8c8c8c' }} data-testid="legal-rep-masked" />
      </Tooltip>
    </Flex>
  ) : (
    <span data-testid="legal-rep">{none(t, e.legalRep)}</span>
  );

  const a = (key: string) => attrLabel(t, key, key);
  const basic = [
    { key: 'uscc', label: a('uscc'), children: <span style={{ fontFamily: 'monospace' }}>{e.uscc}</span> },
    { key: 'legalRep', label: a('legalRep'), children: legalRep },
    { key: 'entityType', label: a('entityType'), children: none(t, e.entityType) },
    { key: 'industry', label: t('pages.enterprise.industry'), children: e.industry ? `${e.industryName ?? ''}（${e.industry}）` : t('common.none') },
    { key: 'registeredCapital', label: a('registeredCapital'), children: formatMoney(t, e.registeredCapital) },
    { key: 'established', label: a('established'), children: none(t, e.established) },
    { key: 'status', label: a('status'), children: <Tag color={statusColor(e.status)}>{e.status}</Tag> },
    { key: 'street', label: a('street'), children: [e.districtName, e.streetName].filter(Boolean).join(' ') || t('common.none') },
    { key: 'park', label: a('park'), children: none(t, e.park) },
    { key: 'address', label: a('address'), children: none(t, e.address), span: 3 },
    { key: 'employees', label: a('employees'), children: e.employees === null ? t('common.none') : `${e.employees.toLocaleString('zh-CN')} 人` },
    { key: 'insuredEmployees', label: a('insuredEmployees'), children: e.insuredEmployees === null ? t('common.none') : `${e.insuredEmployees.toLocaleString('zh-CN')} 人` },
    { key: 'revenue', label: a('revenue'), children: formatMoney(t, e.revenue) },
    { key: 'taxPaid', label: a('taxPaid'), children: formatMoney(t, e.taxPaid) },
    { key: 'rdSpending', label: a('rdSpending'), children: formatMoney(t, e.rdSpending) },
    { key: 'creditGrade', label: a('creditGrade'), children: e.creditGrade ? <Tag color={creditColor(e.creditGrade)}>{e.creditGrade}</Tag> : t('common.none') },
    { key: 'riskGrade', label: a('riskGrade'), children: none(t, e.riskGrade) },
    { key: 'updatedAt', label: t('pages.enterprise.updatedAt'), children: formatDateTime(e.updatedAt) },
  ];

  const attrColumns: TableColumnsType<PageAttribute> = [
    {
      title: t('pages.attributes.col.label'),
      dataIndex: 'label',
      key: 'label',
      width: 220,
      render: (label: string, row) => (
        <Flex gap={6} align="center">
          <span>{attrLabel(t, row.key, label)}</span>
          {row.builtin ? null : <Tag color="purple">{t('pages.enterprise.custom')}</Tag>}
        </Flex>
      ),
    },
    { title: t('pages.attributes.col.key'), dataIndex: 'key', key: 'key', width: 180, render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
    { title: t('pages.attributes.col.type'), dataIndex: 'type', key: 'type', width: 90, render: (ty: PageAttribute['type']) => t(`pages.attributes.type.${ty}`) },
    { title: '', key: 'value', render: (_, row) => (row.key === 'legalRep' ? legalRep : <AttributeValue attr={row} />) },
  ];

  return (
    <Flex vertical gap={16} data-testid="enterprise-page">
      <Card>
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <Flex vertical gap={8}>
            <Flex align="center" gap={12} wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="enterprise-name">
                {e.name}
              </Typography.Title>
              <Tag color={statusColor(e.status)} style={{ fontSize: 14, padding: '2px 10px' }} data-testid="enterprise-status">
                {e.status}
              </Tag>
            </Flex>
            <Typography.Text type="secondary">
              {a('uscc')}
              {t('common.colon')}
              <Typography.Text copyable style={{ fontFamily: 'monospace' }} data-testid="enterprise-uscc">
                {e.uscc}
              </Typography.Text>
            </Typography.Text>
            {e.tags.length ? (
              <Flex gap={6} wrap data-testid="enterprise-tags">
                {e.tags.map((tag) => (
                  <Tag key={tag} color="blue">
                    {tag}
                  </Tag>
                ))}
              </Flex>
            ) : null}
          </Flex>
          <Flex gap={8} wrap>
            {showBack ? (
              <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
                {t('pages.enterprise.backToList')}
              </Button>
            ) : null}
            <Button icon={<QrcodeOutlined />} onClick={() => setCodeOpen(true)} data-testid="enterprise-code-open">
              {t('pages.enterprise.code')}
            </Button>
            {canEdit ? (
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="enterprise-edit">
                {t('common.edit')}
              </Button>
            ) : null}
          </Flex>
        </Flex>
      </Card>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          data-testid="enterprise-tabs"
          items={[
            {
              key: 'basic',
              label: t('pages.enterprise.basic'),
              children: <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" items={basic} data-testid="enterprise-basic" />,
            },
            {
              key: 'attributes',
              label: t('pages.enterprise.allAttributes'),
              children: (
                <Table<PageAttribute>
                  size="small"
                  rowKey="key"
                  columns={attrColumns}
                  dataSource={data.attributes}
                  pagination={false}
                  showHeader={false}
                  data-testid="enterprise-attributes"
                />
              ),
            },
          ]}
        />
      </Card>
      {data.sections.map((s) => (
        <SectionCard key={s.key} section={s} />
      ))}
      <Card title={t('pages.enterprise.history')}>
        <HistoryTimeline history={data.history} attributes={data.attributes} />
      </Card>
      <EnterpriseCodeModal uscc={e.uscc} name={e.name} open={codeOpen} onClose={() => setCodeOpen(false)} />
      {canEdit ? <EnterpriseFormDrawer open={editing} onClose={() => setEditing(false)} enterprise={e} selfOnly={selfOnly} /> : null}
    </Flex>
  );
}

/** 一企一页 (E-3): profile, all catalog attributes, other modules' sections, change history. */
export function EnterpriseProfile({ uscc, showBack = true }: { uscc: string; showBack?: boolean }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const role = session.data?.user.role;
  const access = accessFor(role);
  const query = useQuery({ queryKey: ['enterprise-page', uscc], queryFn: () => fetchEnterprisePage(uscc) });

  if (query.isPending) return <Card><Skeleton active paragraph={{ rows: 8 }} /></Card>;
  if (query.isError) {
    const status = query.error instanceof ApiError ? query.error.status : 0;
    return (
      <Result
        status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
        title={status === 403 || status === 404 ? status : t('common.loadFailed')}
        subTitle={errorText(query.error, lang, t)}
        extra={
          status === 403 || status === 404 ? (
            <Button onClick={() => navigate(access.viewEnterprises ? '/enterprises' : '/')}>{access.viewEnterprises ? t('pages.enterprise.backToList') : t('common.backHome')}</Button>
          ) : (
            <Button type="primary" onClick={() => void query.refetch()}>
              {t('common.retry')}
            </Button>
          )
        }
      />
    );
  }
  const own = role === 'enterprise' && session.data?.user.uscc === query.data.enterprise.uscc;
  return <Profile data={query.data} canEdit={access.manageEnterprises || own} selfOnly={!access.manageEnterprises} showBack={showBack} />;
}
