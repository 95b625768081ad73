import { Flex, Typography } from 'antd';
import { useI18n } from '../../../app/i18n';
import type { MessageKey } from '../../../locales';
import type { ExplainNode, NearMiss, Truth } from '../api';

const GLYPH: Record<Truth, string> = { true: '✓', false: '✗', unknown: '?' };
const COLOR: Record<Truth, string> = { true: '#52c41a', false: '#ff4d4f', unknown: '#faad14' };

export function TruthIcon({ truth }: { truth: Truth }) {
  return (
    <span className="truth-glyph" style={{ color: COLOR[truth], fontWeight: 700, display: 'inline-block', width: 14, textAlign: 'center' }} data-truth={truth}>
      {GLYPH[truth]}
    </span>
  );
}

const LOGIC: Record<string, MessageKey> = {
  and: 'pages.policies.builder.and',
  or: 'pages.policies.builder.or',
  '!': 'pages.policies.rule.not',
  '!!': 'pages.policies.rule.not',
};

/** The server's three-valued explanation, condition by condition (✓ / ✗ / ?). */
export function ExplainTree({ node, depth = 0 }: { node: ExplainNode; depth?: number }) {
  const { t } = useI18n();
  const isLeaf = !node.children?.length;
  return (
    <Flex vertical gap={4} style={{ marginLeft: depth ? 20 : 0 }}>
      <Flex gap={8} align="baseline">
        <TruthIcon truth={node.truth} />
        {isLeaf ? (
          <Typography.Text>{node.text ?? node.op}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{LOGIC[node.op] ? t(LOGIC[node.op]!) : node.op}</Typography.Text>
        )}
      </Flex>
      {node.children?.map((c, i) => <ExplainTree key={`${c.path}-${i}`} node={c} depth={depth + 1} />)}
    </Flex>
  );
}

export function NearMissList({ nearMisses }: { nearMisses: NearMiss[] }) {
  const { t } = useI18n();
  if (!nearMisses.length) return null;
  return (
    <Flex vertical gap={4} data-testid="near-misses">
      {nearMisses.map((nm, i) => (
        <Typography.Text key={i}>
          {t('pages.policies.nearMiss.option', { n: i + 1 })}
          {nm.changes.map((c) => c.text).join('；')}
          {nm.wouldBe === 'unknown' ? `（${t('pages.policies.nearMiss.thenUnknown')}）` : ''}
        </Typography.Text>
      ))}
    </Flex>
  );
}
