import { Card, Col, Descriptions, Empty, Flex, Row, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useOrg, useSession } from '../../../app/auth';
import { useI18n } from '../../../app/i18n';
import { useVisibleRoutes } from '../../../app/menu-context';
import { describeScope } from '../../../app/scope';

export function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  const org = useOrg();
  const routes = useVisibleRoutes();
  const navigate = useNavigate();
  const user = session.data?.user;
  if (!user) return null; // the layout only renders pages with a session

  const scope = describeScope(user, org.data, t);
  const shortcuts = routes.filter((r) => r.path !== '/');

  return (
    <Flex vertical gap={24}>
      <Card data-testid="welcome-card">
        <Flex vertical gap={16}>
          <Flex align="center" gap={12} wrap>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('pages.home.welcome', { name: user.displayName })}
            </Typography.Title>
            <Tag color="blue" data-testid="role-label" style={{ fontSize: 14, padding: '2px 10px' }}>
              {t(`roles.${user.role}`)}
            </Tag>
          </Flex>
          <Descriptions
            column={{ xs: 1, md: 3 }}
            size="small"
            items={[
              { key: 'role', label: t('pages.home.role'), children: t(`roles.${user.role}`) },
              { key: 'scope', label: t(scope.kind), children: <span data-testid="scope-name">{scope.name}</span> },
              { key: 'district', label: t('pages.home.district'), children: org.data?.district.name ?? t('common.none') },
            ]}
          />
          <div>
            <Typography.Text strong>{t('pages.home.whatYouCanDo')}</Typography.Text>
            <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }} data-testid="role-duties">
              {t(`pages.home.duties.${user.role}`)}
            </Typography.Paragraph>
          </div>
        </Flex>
      </Card>
      <Card title={t('pages.home.shortcuts')}>
        {shortcuts.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pages.home.noShortcuts')} />
        ) : (
          <Row gutter={[16, 16]}>
            {shortcuts.map((r) => (
              <Col key={r.key} xs={12} sm={8} md={6} lg={4}>
                <Card hoverable size="small" onClick={() => navigate(r.path)} style={{ textAlign: 'center' }}>
                  <Flex vertical align="center" gap={8} style={{ padding: '8px 0' }}>
                    <span style={{ fontSize: 24, color: '#1677ff' }}>{r.icon}</span>
                    <Typography.Text>{t(r.label)}</Typography.Text>
                  </Flex>
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </Card>
    </Flex>
  );
}
