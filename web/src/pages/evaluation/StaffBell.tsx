import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Tooltip } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { fetchStaffMessages, staffMessageKeys } from './api';

/** The header bell of department staff: unread 部门提醒, a click opens the list. */
export function StaffBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const unread = useQuery({ queryKey: [...staffMessageKeys.all, 'unread'], queryFn: async () => (await fetchStaffMessages(1, 1)).unread, refetchInterval: 60_000 });
  const n = unread.data ?? 0;
  const label = t('pages.staffMessages.bell', { n });
  return (
    <Tooltip title={label}>
      <Button type="text" aria-label={label} onClick={() => navigate('/staff-messages')} data-testid="staff-bell" style={{ height: 40 }}>
        <Badge count={n} size="small" overflowCount={99} data-testid="staff-unread">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Tooltip>
  );
}
