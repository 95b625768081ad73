import { CheckOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Card, Flex, List, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorText } from '../../app/errors';
import { formatDateTime } from '../../app/format';
import { useI18n } from '../../app/i18n';
import { listPagination, useListParams } from '../../app/list-params';
import { PageHeader } from '../../app/PageHeader';
import { fetchMessages, markMessageRead, messageKeys, type Message } from './api';

/** /messages — the enterprise inbox (P-6): read and unread, mark as read, open the linked policy. */
export function MessagesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useListParams(20);
  const [onlyUnread, setOnlyUnread] = useState(false);
  const query = useQuery({ queryKey: messageKeys.page(list.page, list.pageSize), queryFn: () => fetchMessages(list.page, list.pageSize), placeholderData: keepPreviousData });
  const read = useMutation({
    mutationFn: (id: number) => markMessageRead(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: messageKeys.all }),
    onError: (err) => message.error(errorText(err, lang, t)),
  });

  async function open(m: Message) {
    if (!m.read) {
      try {
        await read.mutateAsync(m.id);
      } catch {
        // Shown by onError; still open the link.
      }
    }
    if (m.link) navigate(m.link);
  }

  const data = query.data;
  const items = (data?.items ?? []).filter((m) => !onlyUnread || !m.read);
  return (
    <>
      <PageHeader
        title={t('pages.messages.title')}
        extra={
          <Segmented
            value={onlyUnread ? 'unread' : 'all'}
            onChange={(v) => setOnlyUnread(v === 'unread')}
            options={[
              { value: 'all', label: t('common.all') },
              { value: 'unread', label: t('pages.messages.unread') },
            ]}
            data-testid="messages-filter"
          />
        }
      />
      {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
      <Card>
        {data ? (
          <Typography.Paragraph type="secondary" data-testid="messages-summary">
            {t('pages.messages.summary', { total: data.total, unread: data.unread })}
          </Typography.Paragraph>
        ) : null}
        <List<Message>
          loading={query.isFetching}
          dataSource={items}
          data-testid="messages-list"
          locale={{ emptyText: t('pages.messages.empty') }}
          pagination={data && data.total > list.pageSize ? { ...listPagination(list, data.total, (n) => t('common.total', { total: n })), align: 'end' } : false}
          renderItem={(m) => (
            <List.Item
              key={m.id}
              data-testid={`message-${m.id}`}
              data-read={m.read ? 'true' : 'false'}
              actions={[
                ...(m.read
                  ? []
                  : [
                      <Button key="read" size="small" icon={<CheckOutlined />} loading={read.isPending && read.variables === m.id} onClick={() => read.mutate(m.id)} data-testid={`message-read-${m.id}`}>
                        {t('pages.messages.markRead')}
                      </Button>,
                    ]),
                ...(m.link
                  ? [
                      <Button key="open" size="small" type="link" onClick={() => void open(m)} data-testid={`message-open-${m.id}`}>
                        {t('pages.messages.open')}
                      </Button>,
                    ]
                  : []),
              ]}
            >
              <List.Item.Meta
                avatar={<Badge dot={!m.read} status={m.read ? 'default' : 'processing'} />}
                title={
                  <Flex gap={8} align="center" wrap>
                    <Typography.Link strong={!m.read} onClick={() => void open(m)}>
                      {m.title}
                    </Typography.Link>
                    <Tag color={m.read ? 'default' : 'blue'}>{t(m.read ? 'pages.messages.read' : 'pages.messages.unread')}</Tag>
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
