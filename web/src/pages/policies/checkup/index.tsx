import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Empty, Flex, List, Result, Skeleton, Tabs, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { ApplyButton } from '../../applications/components/ApplyButton';
import { formatMoney, labelOf, useAttributes } from '../../enterprises/format';
import { fetchCheckup, type CheckupItem } from '../api';
import { ModeTag } from '../components/ModeTag';

type Kind = 'eligible' | 'near' | 'unknown';

function Item({ item, kind }: { item: CheckupItem; kind: Kind }) {
  const { t } = useI18n();
  const catalog = useAttributes();
  const e = item.explanation;
  return (
    <List.Item className="checkup-item" data-testid={`checkup-item-${item.policyId}`}>
      <Flex vertical gap={6} style={{ width: '100%' }}>
        <Flex gap={8} align="center" wrap>
          <Link to={`/policies/${item.policyId}`} style={{ fontSize: 15 }}>
            {item.title}
          </Link>
          <ModeTag mode={item.mode} />
          <Tag>{item.category}</Tag>
          {item.applyTo ? <Typography.Text type="secondary">{t('pages.policies.applyUntil', { date: item.applyTo })}</Typography.Text> : null}
          {kind !== 'near' ? <ApplyButton policyId={item.policyId} mode={item.mode} size="small" /> : null}
        </Flex>
        {kind === 'eligible' && item.benefit ? (
          <Typography.Text data-testid="checkup-benefit">
            {item.benefit.status === 'ok'
              ? t('pages.checkup.benefit', { amount: formatMoney(t, item.benefit.fen) })
              : t('pages.checkup.benefitUnknown', { list: item.benefit.missing.map((k) => labelOf(t, catalog.data, k)).join('、') })}
          </Typography.Text>
        ) : null}
        {kind === 'near'
          ? e.nearMisses.slice(0, 3).map((nm, i) => (
              <Typography.Text key={i} type="warning" className="near-miss">
                {t('pages.checkup.nearMiss')}
                {nm.changes.map((c) => c.text).join('；')}
              </Typography.Text>
            ))
          : null}
        {kind === 'unknown' ? (
          <Typography.Text type="secondary">
            {t('pages.checkup.toConfirm', { list: e.missing.map((k) => labelOf(t, catalog.data, k)).join('、') })}
          </Typography.Text>
        ) : null}
      </Flex>
    </List.Item>
  );
}

function ItemList({ items, kind, footer }: { items: CheckupItem[]; kind: Kind; footer?: ReactNode }) {
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return <List data-testid={`checkup-${kind}`} dataSource={items} renderItem={(item) => <Item key={item.policyId} item={item} kind={kind} />} footer={footer} />;
}

/** 政策体检 (P-4) for the signed-in enterprise: 可享政策, 差一点, 待确认. */
export function PolicyCheckupPage() {
  const { t, lang } = useI18n();
  const uscc = useSession().data?.user.uscc;
  // The server lists the nearest near misses first and only the first few unless asked for all.
  const [allNear, setAllNear] = useState(false);
  const query = useQuery({ queryKey: ['policy-checkup', uscc, allNear], queryFn: () => fetchCheckup(uscc!, allNear), enabled: !!uscc, placeholderData: (prev) => prev });
  if (!uscc) return <Result status="404" title="404" subTitle={t('common.notFound')} />;
  if (query.isPending) return <Skeleton active />;
  if (query.isError) return <Alert type="error" showIcon title={errorText(query.error, lang, t)} />;
  const d = query.data;
  const label = (key: Parameters<typeof t>[0], n: number) => (
    <span>
      {t(key)} <Badge count={n} showZero color={n ? '#1677ff' : '#bfbfbf'} overflowCount={999} />
    </span>
  );
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('pages.checkup.title')}
      </Typography.Title>
      <Alert type="info" showIcon title={t('pages.checkup.hint')} />
      <Card>
        <Tabs
          data-testid="checkup-tabs"
          items={[
            { key: 'eligible', label: label('pages.checkup.eligible', d.totals.eligible), children: <ItemList items={d.eligible} kind="eligible" /> },
            {
              key: 'near',
              label: label('pages.checkup.near', d.totals.nearMiss),
              children: (
                <ItemList
                  items={d.nearMiss}
                  kind="near"
                  footer={
                    d.nearMiss.length < d.totals.nearMiss ? (
                      <Flex justify="space-between" align="center" wrap gap={8}>
                        <Typography.Text type="secondary">{t('pages.checkup.nearShown', { shown: d.nearMiss.length, total: d.totals.nearMiss })}</Typography.Text>
                        <Button data-testid="checkup-near-all" loading={query.isFetching} onClick={() => setAllNear(true)}>
                          {t('pages.checkup.nearAll', { total: d.totals.nearMiss })}
                        </Button>
                      </Flex>
                    ) : null
                  }
                />
              ),
            },
            { key: 'unknown', label: label('pages.checkup.unknown', d.totals.unknown), children: <ItemList items={d.unknown} kind="unknown" /> },
          ]}
        />
      </Card>
    </Flex>
  );
}
