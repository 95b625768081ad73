import { CheckOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Flex, List, Tag, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { errorText } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { useI18n } from '../../app/i18n';
import { listPagination, useListParams } from '../../app/list-params';
import { PageHeader } from '../../app/PageHeader';
import { fetchStaffMessages, markStaffMessageRead, staffMessageKeys, type StaffMessage } from './api';

/** /staff-messages — 部门提醒 (P-6): review deadlines coming up for the department's applications. */
export function StaffMessagesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useListParams(20);
  const query = useQuery({ queryKey: staffMessageKeys.page(list.page, list.pageSize), queryFn: () => fetchStaffMessages(list.page, list.pageSize), placeholderData: keepPreviousData });
  const read = useMutation({
    mutationFn: (id: number) => markStaffMessageRead(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: staffMessageKeys.all }),
    onError: (err) => message.error(errorText(err, lang, t)),
  });

  async function open(m: StaffMessage) {
    if (!m.read) await read.mutateAsync(m.id).catch(() => undefined);
    if (m.link) navigate(m.link);
  }

  const data = query.data;
  return (
    <>
      <PageHeader title={t('pages.staffMessages.title')} />
      {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
      <Card>
        {data ? (
          <Typography.Paragraph type="secondary" data-testid="staff-messages-summary">
            {t('pages.messages.summary', { total: data.total, unread: data.unread })}
          </Typography.Paragraph>
        ) : null}
        <List<StaffMessage>
          loading={query.isFetching}
          dataSource={data?.items ?? []}
          data-testid="staff-messages-list"
          locale={{ emptyText: t('pages.staffMessages.empty') }}
          pagination={data && data.total > list.pageSize ? { ...listPagination(list, data.total, (n) => t('common.total', { total: n })), align: 'end' } : false}
          renderItem={(m) => (
            <List.Item
              key={m.id}
              data-testid={`staff-message-${m.id}`}
              actions={[
                ...(m.read
                  ? []
                  : [
                      <Button key="read" size="small" icon={<CheckOutlined />} onClick={() => read.mutate(m.id)}>
                        {t('pages.messages.markRead')}
                      </Button>,
                    ]),
                ...(m.link
                  ? [
                      <Button key="open" size="small" type="link" onClick={() => void open(m)}>
                        {t('pages.staffMessages.open')}
                      </Button>,
                    ]
                  : []),
              ]}
            >
              <List.Item.Meta
                avatar={<Badge dot={!m.read} status={m.read ? 'default' : 'processing'} />}
                title={
                  <Flex gap={8} align="center" wrap>
                    <Typography.Text strong={!m.read}>{m.title}</Typography.Text>
                    <Tag color={m.read ? 'default' : 'orange'}>{t(m.read ? 'pages.messages.read' : 'pages.messages.unread')}</Tag>
                  </Flex>
                }
                description={
                  <Flex vertical gap={2}>
                    <span>{m.body}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(m.createdAt)}
                    </Typography.Text>
                  </Flex>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}
