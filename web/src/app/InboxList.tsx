import { CheckOutlined } from '@ant-design/icons';
import { Badge, Button, Flex, List, Tag, Typography } from 'antd';
import { formatDateTime } from './format';
import { useI18n } from './i18n';
import { listPagination, type ListParams } from './list-params';

export interface InboxMessage {
  id: number;
  title: string;
  body: string;
  link: string | null;
  read: boolean;
  createdAt: string;
}

/**
 * One inbox as a paged list: unread dot and tag, 标为已读, open the link. Shared by the
 * enterprise 消息 and the department 部门提醒 pages; each page owns its queries.
 */
export function InboxList<M extends InboxMessage>(props: {
  items: M[];
  total: number | undefined;
  loading: boolean;
  list: ListParams;
  /** data-testid of the list; items are `${itemTestId}-${id}`, buttons `${itemTestId}-read-${id}` / `-open-`. */
  testId: string;
  itemTestId: string;
  emptyText: string;
  openLabel: string;
  unreadColor: string;
  /** The title itself opens the message (the enterprise inbox) or is plain text. */
  titleOpens?: boolean;
  readingId?: number;
  onRead(id: number): void;
  onOpen(m: M): void;
}) {
  const { t } = useI18n();
  const { total, list, itemTestId } = props;
  return (
    <List<M>
      loading={props.loading}
      dataSource={props.items}
      data-testid={props.testId}
      locale={{ emptyText: props.emptyText }}
      pagination={total !== undefined && total > list.pageSize ? { ...listPagination(list, total, (n) => t('common.total', { total: n })), align: 'end' } : false}
      renderItem={(m) => (
        <List.Item
          key={m.id}
          data-testid={`${itemTestId}-${m.id}`}
          data-read={m.read ? 'true' : 'false'}
          actions={[
            ...(m.read
              ? []
              : [
                  <Button key="read" size="small" icon={<CheckOutlined />} loading={props.readingId === m.id} onClick={() => props.onRead(m.id)} data-testid={`${itemTestId}-read-${m.id}`}>
                    {t('pages.messages.markRead')}
                  </Button>,
                ]),
            ...(m.link
              ? [
                  <Button key="open" size="small" type="link" onClick={() => props.onOpen(m)} data-testid={`${itemTestId}-open-${m.id}`}>
                    {props.openLabel}
                  </Button>,
                ]
              : []),
          ]}
        >
          <List.Item.Meta
            avatar={<Badge dot={!m.read} status={m.read ? 'default' : 'processing'} />}
            title={
              <Flex gap={8} align="center" wrap>
                {props.titleOpens ? (
                  <Typography.Link strong={!m.read} onClick={() => props.onOpen(m)}>
                    {m.title}
                  </Typography.Link>
                ) : (
                  <Typography.Text strong={!m.read}>{m.title}</Typography.Text>
                )}
                <Tag color={m.read ? 'default' : props.unreadColor}>{t(m.read ? 'pages.messages.read' : 'pages.messages.unread')}</Tag>
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
  );
}
