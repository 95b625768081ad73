import { Tag, Tooltip } from 'antd';
import { useAppText } from '../i18n';

/** 暂定 beside a deadline that runs into a year without holiday data (F-9), with why in a tooltip. */
export function ProvisionalTag({ show }: { show: boolean }) {
  const { tx } = useAppText();
  if (!show) return null;
  return (
    <Tooltip title={tx('provisionalTip')}>
      <Tag color="orange" data-testid="deadline-provisional" style={{ marginInlineStart: 4, cursor: 'help' }}>
        {tx('provisional')}
      </Tag>
    </Tooltip>
  );
}
