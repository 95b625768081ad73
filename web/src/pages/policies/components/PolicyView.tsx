import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Empty, Flex, List, Row, Statistic, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useOrg } from '../../../app/auth';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { useAttributes, formatMoney } from '../../enterprises/format';
import { fetchMatches, type PolicyDetail } from '../api';
import { deptName, statusColor, statusKey } from '../format';
import { describeRule } from '../rules';
import { ModeTag } from './ModeTag';

function range(from: string | null, to: string | null, none: string): string {
  if (!from && !to) return none;
  return `${from ?? '…'} ~ ${to ?? '…'}`;
}

/** Staff only: the eligibility rule as words, and how many enterprises the published version matches. */
function StaffPanel({ policy }: { policy: PolicyDetail }) {
  const { t } = useI18n();
  const catalog = useAttributes();
  const matches = useQuery({
    queryKey: ['policy-matches', policy.id, policy.version],
    queryFn: () => fetchMatches(policy.id),
    enabled: policy.version > 0,
  });
  const counts = matches.data?.counts;
  return (
    <Card title={t('pages.policies.eligibility')} data-testid="policy-rule">
      <Typography.Paragraph style={{ fontSize: 15 }} data-testid="policy-rule-text">
        {describeRule(policy.content.eligibility, catalog.data ?? [], t)}
      </Typography.Paragraph>
      {policy.version > 0 ? (
        counts ? (
          <Row gutter={16} data-testid="policy-matches">
            <Col span={6}>
              <Statistic title={t('pages.policies.matches.eligible')} value={counts.eligible} />
            </Col>
            <Col span={6}>
              <Statistic title={t('pages.policies.matches.unknown')} value={counts.unknown} />
            </Col>
            <Col span={6}>
              <Statistic title={t('pages.policies.matches.near')} value={counts.near} />
            </Col>
            <Col span={6}>
              <Statistic title={t('pages.policies.matches.newlyEligible')} value={counts.newlyEligible} />
            </Col>
          </Row>
        ) : (
          <Typography.Text type="secondary">{t('pages.policies.matches.pending')}</Typography.Text>
        )
      ) : (
        <Typography.Text type="secondary">{t('pages.policies.matches.notPublished')}</Typography.Text>
      )}
    </Card>
  );
}

/** One policy (P-1): the same view signed in and in public; staff also see the rule and its matches. */
export function PolicyView({ policy, staff, actions }: { policy: PolicyDetail; staff: boolean; actions?: ReactNode }) {
  const { t } = useI18n();
  const org = useOrg();
  const c = policy.content;
  const none = t('common.none');
  const latest = policy.versions[policy.versions.length - 1];
  return (
    <Flex vertical gap={16}>
      <Card>
        <Flex justify="space-between" align="start" gap={16} wrap>
          <Flex vertical gap={8} style={{ flex: 1, minWidth: 320 }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="policy-title">
              {c.title}
            </Typography.Title>
            <Flex gap={4} wrap>
              <ModeTag mode={c.mode} />
              <Tag>{c.category}</Tag>
              <Tag color={statusColor(policy.status)} data-testid="policy-status">
                {t(statusKey(policy.status))}
              </Tag>
              {policy.version > 0 ? <Tag>{t('pages.policies.versionN', { n: policy.version })}</Tag> : null}
              {c.tags.map((tag) => (
                <Tag key={tag} color="blue">
                  {tag}
                </Tag>
              ))}
            </Flex>
          </Flex>
          {actions ? <Flex gap={8} wrap>{actions}</Flex> : null}
        </Flex>
        {policy.reviewNote && policy.status === 'draft' ? <Alert type="warning" showIcon style={{ marginTop: 16 }} title={t('pages.policies.returnedNote', { note: policy.reviewNote })} data-testid="policy-review-note" /> : null}
        <Descriptions
          style={{ marginTop: 16 }}
          column={2}
          size="small"
          items={[
            { key: 'dept', label: t('pages.policies.department'), children: deptName(org.data, c.department) },
            { key: 'doc', label: t('pages.policies.docNumber'), children: c.docNumber ?? none },
            { key: 'valid', label: t('pages.policies.validity'), children: range(c.validFrom, c.validTo, none) },
            { key: 'apply', label: t('pages.policies.applyWindow'), children: c.mode === 'auto' ? t('pages.policies.noApplication') : range(c.applyFrom, c.applyTo, none) },
            ...(c.budget !== null ? [{ key: 'budget', label: t('pages.policies.budget'), children: formatMoney(t, c.budget) }] : []),
          ]}
        />
      </Card>
      {c.mode === 'auto' ? <Alert type="success" showIcon title={t('pages.policies.autoHint')} /> : null}
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Flex vertical gap={16}>
            <Card title={t('pages.policies.keyPoints')} data-testid="policy-key-points">
              {c.keyPoints.length ? (
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {c.keyPoints.map((k, i) => (
                    <li key={i}>{k}</li>
                  ))}
                </ul>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              )}
            </Card>
            {staff ? <StaffPanel policy={policy} /> : null}
            <Card title={t('pages.policies.text')}>
              {/* The only HTML we render: sanitized by the server (policy text allow-list). */}
              <div className="policy-text" data-testid="policy-text" dangerouslySetInnerHTML={{ __html: c.text }} />
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={8}>
          <Flex vertical gap={16}>
            <Card title={t('pages.policies.materials')}>
              {c.materials.length ? <List size="small" dataSource={c.materials} renderItem={(m, i) => <List.Item key={i}>{m}</List.Item>} /> : <Typography.Text type="secondary">{none}</Typography.Text>}
            </Card>
            <Card title={t('pages.policies.contact')} data-testid="policy-contact">
              <Descriptions
                column={1}
                size="small"
                items={[
                  { key: 'made', label: t('pages.policies.whoMade'), children: deptName(org.data, c.department) },
                  { key: 'pub', label: t('pages.policies.whoPublished'), children: latest ? `${latest.publishedBy} · ${formatDateTime(latest.publishedAt)}` : none },
                  { key: 'upd', label: t('pages.policies.whoUpdates'), children: c.contact?.owner ?? none },
                  { key: 'qa', label: t('pages.policies.whoAnswers'), children: [c.contact?.qaOwner, c.contact?.phone].filter(Boolean).join(' · ') || none },
                ]}
              />
            </Card>
            <Card title={t('pages.policies.versions')} data-testid="policy-versions">
              {policy.versions.length ? (
                <Timeline
                  items={[...policy.versions].reverse().map((v) => ({
                    key: v.version,
                    content: (
                      <Flex vertical>
                        <Typography.Text strong>{t('pages.policies.versionN', { n: v.version })}</Typography.Text>
                        <Typography.Text type="secondary">
                          {formatDateTime(v.publishedAt)} · {v.publishedBy}
                        </Typography.Text>
                        <Typography.Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }} title={v.contentHash}>
                          SM3 {v.contentHash.slice(0, 16)}…
                        </Typography.Text>
                      </Flex>
                    ),
                  }))}
                />
              ) : (
                <Typography.Text type="secondary">{t('pages.policies.noVersions')}</Typography.Text>
              )}
            </Card>
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}
