import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { errorText } from '../../app/errors';
import { useI18n } from '../../app/i18n';
import { useListParams } from '../../app/list-params';
import { InboxList } from '../../app/InboxList';
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
        <InboxList<StaffMessage>
          items={data?.items ?? []}
          total={data?.total}
          loading={query.isFetching}
          list={list}
          testId="staff-messages-list"
          itemTestId="staff-message"
          emptyText={t('pages.staffMessages.empty')}
          openLabel={t('pages.staffMessages.open')}
          unreadColor="orange"
          readingId={read.isPending ? read.variables : undefined}
          onRead={(id) => read.mutate(id)}
          onOpen={(m) => void open(m)}
        />
      </Card>
    </>
  );
}
