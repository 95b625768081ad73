import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Flex, Modal, Row, Spin, Statistic, Table, Typography, Upload, type TableColumnsType, type UploadProps } from 'antd';
import { useState } from 'react';
import { useSession } from '../../../../app/auth';
import { errorText } from '../../../../app/errors';
import { useI18n } from '../../../../app/i18n';
import type { Translate } from '../../../../locales';
import { downloadImportErrors, importEnterprises, type AttributeDef, type ImportResult } from '../../api';
import { labelOf, useAttributes } from '../../format';

const MAX_BYTES = 50 * 1024 * 1024;
type RowError = ImportResult['errors'][number];

/**
 * The import template: one header per catalog attribute, by its Chinese label
 * (what the importer maps), money columns in 元. Built here so that custom
 * attributes show up the moment they are added.
 */
export function templateCsv(catalog: readonly AttributeDef[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const headers = catalog.filter((a) => a.key !== 'district').map((a) => (a.type === 'money' ? `${a.label}（元）` : a.label));
  // BOM: Excel opens UTF-8 CSV with Chinese headers correctly only with it.
  return `\uFEFF${headers.map(quote).join(',')}\r\n`;
}

function saveText(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function errorColumns(t: Translate, catalog: readonly AttributeDef[] | undefined): TableColumnsType<RowError> {
  return [
    { title: t('pages.enterprises.import.col.row'), dataIndex: 'row', key: 'row', width: 80 },
    { title: t('pages.enterprises.import.col.column'), dataIndex: 'column', key: 'column', width: 180, render: (c: string | null) => labelOf(t, catalog, c) },
    { title: t('pages.enterprises.import.col.reason'), dataIndex: 'reason', key: 'reason' },
  ];
}

export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const catalog = useAttributes();
  const client = useQueryClient();
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  const customRequest: UploadProps['customRequest'] = ({ file, onSuccess, onError }) => {
    setBusy(true);
    setFailure(null);
    importEnterprises(file as File, session.data?.csrfToken ?? null)
      .then((res) => {
        setResult(res);
        onSuccess?.(res);
        message.success(t('pages.enterprises.import.done', { inserted: res.inserted, updated: res.updated, unchanged: res.unchanged, failed: res.failed }));
        void client.invalidateQueries({ queryKey: ['enterprises'] });
        void client.invalidateQueries({ queryKey: ['enterprise-page'] });
      })
      .catch((err: unknown) => {
        setFailure(errorText(err, lang, t));
        onError?.(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => setBusy(false));
  };

  const beforeUpload: UploadProps['beforeUpload'] = (file) => {
    if (!/\.(csv|xlsx)$/i.test(file.name)) {
      message.error(t('pages.enterprises.import.wrongType'));
      return Upload.LIST_IGNORE;
    }
    if (file.size > MAX_BYTES) {
      message.error(t('pages.enterprises.import.tooLarge'));
      return Upload.LIST_IGNORE;
    }
    return true;
  };

  async function onDownloadErrors(id: number) {
    setDownloading(true);
    try {
      const name = await downloadImportErrors(id);
      message.success(t('common.exported', { name }));
    } catch (err) {
      message.error(errorText(err, lang, t));
    } finally {
      setDownloading(false);
    }
  }

  function close() {
    setResult(null);
    setFailure(null);
    onClose();
  }

  const stats: Array<[keyof ImportResult & string, string, string | undefined]> = [
    ['total', t('pages.enterprises.import.total'), undefined],
    ['inserted', t('pages.enterprises.import.inserted'), '#3f8600'],
    ['updated', t('pages.enterprises.import.updated'), '#1677ff'],
    ['unchanged', t('pages.enterprises.import.unchanged'), undefined],
    ['failed', t('pages.enterprises.import.failed'), '#cf1322'],
  ];

  return (
    <Modal
      title={t('pages.enterprises.import.title')}
      open={open}
      onCancel={close}
      width={860}
      destroyOnHidden
      footer={
        <Flex justify="space-between">
          <Button
            icon={<DownloadOutlined />}
            disabled={!catalog.data}
            onClick={() => catalog.data && saveText('企业导入模板.csv', templateCsv(catalog.data))}
            data-testid="import-template"
          >
            {t('pages.enterprises.import.template')}
          </Button>
          <Flex gap={8}>
            {result ? <Button onClick={() => setResult(null)}>{t('pages.enterprises.import.again')}</Button> : null}
            <Button type="primary" onClick={close}>
              {t('common.close')}
            </Button>
          </Flex>
        </Flex>
      }
    >
      {result === null ? (
        <Flex vertical gap={16}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('pages.enterprises.import.hint')}
          </Typography.Paragraph>
          <Spin spinning={busy} description={t('pages.enterprises.import.uploading')}>
            <Upload.Dragger
              accept=".csv,.xlsx"
              multiple={false}
              maxCount={1}
              showUploadList={false}
              beforeUpload={beforeUpload}
              customRequest={customRequest}
              disabled={busy}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('pages.enterprises.import.drop')}</p>
              <p className="ant-upload-hint">.csv / .xlsx</p>
            </Upload.Dragger>
          </Spin>
          {failure ? <Alert type="error" showIcon title={failure} data-testid="import-failure" /> : null}
        </Flex>
      ) : (
        <Flex vertical gap={16} data-testid="import-result">
          <Row gutter={16}>
            {stats.map(([key, label, color]) => (
              <Col key={key} flex={1} data-testid={`import-${key}`}>
                <Statistic title={label} value={result[key] as number} styles={{ content: color ? { color } : undefined }} />
              </Col>
            ))}
          </Row>
          {result.unknownColumns.length > 0 ? (
            <Alert type="warning" showIcon title={t('pages.enterprises.import.unknownColumns', { columns: result.unknownColumns.join('、') })} />
          ) : null}
          {result.errors.length > 0 ? (
            <>
              <Flex justify="space-between" align="center">
                <Typography.Text strong>
                  {t('pages.enterprises.import.errors')}
                  {result.errors.length >= 200 ? (
                    <Typography.Text type="secondary" style={{ marginLeft: 8, fontWeight: 'normal' }}>
                      {t('pages.enterprises.import.errorsTruncated', { count: result.errors.length })}
                    </Typography.Text>
                  ) : null}
                </Typography.Text>
                <Button icon={<DownloadOutlined />} loading={downloading} onClick={() => void onDownloadErrors(result.importId)} data-testid="import-download-errors">
                  {t('pages.enterprises.import.downloadErrors')}
                </Button>
              </Flex>
              <Table<RowError>
                size="small"
                data-testid="import-errors"
                rowKey={(r) => `${r.row}:${r.column ?? ''}:${r.reason}`}
                columns={errorColumns(t, catalog.data)}
                dataSource={result.errors}
                pagination={result.errors.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
              />
            </>
          ) : null}
        </Flex>
      )}
    </Modal>
  );
}
