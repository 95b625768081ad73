import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorText } from '../../app/errors';
import { useI18n } from '../../app/i18n';
import { useListParams } from '../../app/list-params';
import { InboxList } from '../../app/InboxList';
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
        <InboxList<Message>
          items={items}
          total={data?.total}
          loading={query.isFetching}
          list={list}
          testId="messages-list"
          itemTestId="message"
          emptyText={t('pages.messages.empty')}
          openLabel={t('pages.messages.open')}
          unreadColor="blue"
          titleOpens
          readingId={read.isPending ? read.variables : undefined}
          onRead={(id) => read.mutate(id)}
          onOpen={(m) => void open(m)}
        />
      </Card>
    </>
  );
}
