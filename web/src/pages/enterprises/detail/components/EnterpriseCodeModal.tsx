import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Flex, Image, Modal, Spin, Typography } from 'antd';
import { errorText } from '../../../../app/errors';
import { formatDateTime } from '../../../../app/format';
import { useI18n } from '../../../../app/i18n';
import { fetchEnterpriseCode } from '../../api';

/** 企业码 (E-4): the SM2-signed QR code, its expiry and the public verification link. */
export function EnterpriseCodeModal({ uscc, name, open, onClose }: { uscc: string; name: string; open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const code = useQuery({ queryKey: ['enterprise-code', uscc], queryFn: () => fetchEnterpriseCode(uscc), enabled: open, staleTime: 10 * 60_000 });

  return (
    <Modal
      title={t('pages.enterprise.codeTitle', { name })}
      open={open}
      onCancel={onClose}
      width={560}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
    >
      {code.isPending ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      ) : code.isError ? (
        <Alert type="error" showIcon title={errorText(code.error, lang, t)} />
      ) : (
        <Flex vertical align="center" gap={16} data-testid="enterprise-code">
          <Image src={code.data.qr} alt={t('pages.enterprise.code')} width={240} height={240} preview={false} data-testid="enterprise-code-qr" />
          <Typography.Text type="secondary" style={{ textAlign: 'center' }}>
            {t('pages.enterprise.codeHint')}
          </Typography.Text>
          <Descriptions
            column={1}
            size="small"
            bordered
            style={{ width: '100%' }}
            items={[
              { key: 'uscc', label: t('pages.enterprises.attr.uscc'), children: <span style={{ fontFamily: 'monospace' }}>{code.data.uscc}</span> },
              { key: 'exp', label: t('pages.enterprise.codeExpires'), children: <span data-testid="enterprise-code-expires">{formatDateTime(code.data.expiresAt)}</span> },
              {
                key: 'url',
                label: t('pages.enterprise.codeLink'),
                children: (
                  <Typography.Link href={code.data.url} target="_blank" rel="noopener noreferrer" copyable={{ text: code.data.url }} style={{ wordBreak: 'break-all' }} data-testid="enterprise-code-url">
                    {code.data.url}
                  </Typography.Link>
                ),
              },
            ]}
          />
        </Flex>
      )}
    </Modal>
  );
}
