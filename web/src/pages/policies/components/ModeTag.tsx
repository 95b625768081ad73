import { ThunderboltOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useI18n } from '../../../app/i18n';
import type { PolicyMode } from '../api';

/** 免申即享 stands out; 申报 is the ordinary case. */
export function ModeTag({ mode }: { mode: PolicyMode | string }) {
  const { t } = useI18n();
  return mode === 'auto' ? (
    <Tag color="magenta" icon={<ThunderboltOutlined />} data-testid="mode-auto">
      {t('pages.policies.mode.auto')}
    </Tag>
  ) : (
    <Tag color="blue">{t('pages.policies.mode.apply')}</Tag>
  );
}
