import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Tooltip } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { fetchMessages, messageKeys } from './api';

/** The header bell of an enterprise user: unread messages, a click opens the inbox. */
export function MessageBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const unread = useQuery({ queryKey: messageKeys.unread, queryFn: async () => (await fetchMessages(1, 1)).unread, refetchInterval: 60_000 });
  const n = unread.data ?? 0;
  const label = t('pages.messages.bell', { n });
  return (
    <Tooltip title={label}>
      <Button type="text" aria-label={label} onClick={() => navigate('/messages')} data-testid="message-bell" style={{ height: 40 }}>
        <Badge count={n} size="small" overflowCount={99} data-testid="message-unread">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Tooltip>
  );
}
