import { Tag } from 'antd';
import type { MessageKey } from '../../locales';
import type { BatchStatus, ItemState } from './api';

const BATCH_COLORS: Record<BatchStatus, string> = { draft: 'default', approved: 'blue', paying: 'orange', paid: 'green' };
const ITEM_COLORS: Record<ItemState, string> = { pending: 'blue', waiting_budget: 'orange', held: 'default', paid: 'green' };

export function BatchStatusTag({ status, t }: { status: BatchStatus; t: (k: MessageKey) => string }) {
  return (
    <Tag color={BATCH_COLORS[status]} data-testid="batch-status">
      {t(`pages.benefits.status.${status}` as MessageKey)}
    </Tag>
  );
}

export function ItemStateTag({ state, t }: { state: ItemState; t: (k: MessageKey) => string }) {
  return <Tag color={ITEM_COLORS[state]}>{t(`pages.benefits.itemState.${state}` as MessageKey)}</Tag>;
}
