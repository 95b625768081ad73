// E-1…E-4 in the browser: 企业名录 by data scope, import with row errors,
// 一企一页, 企业码 and its public verification (issue 3).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUscc } from '../../src/core/codes/uscc.ts';
import { createRng } from '../../src/core/random.ts';
import { DEMO_PASSWORD, loginUi, menuLabels, screenshotPath, startHarness, type Harness } from './harness.ts';

const DEMO_ENTERPRISE = '上海闵欣智能科技有限公司';
const DEMO_STREET = '莘庄镇';

let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await startHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-e2e-ent-'));
});
afterAll(async () => {
  await h?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Opens the antd Select whose input has this id and picks the option with this text. */
async function choose(p: Page, inputId: string, option: string): Promise<void> {
  const dropdown = p.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#${inputId}_list)`);
  await p.locator(`#${inputId}`).click({ force: true });
  await dropdown.waitFor();
  await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
  await expect.poll(() => p.locator('.ant-form-item').filter({ has: p.locator(`#${inputId}`) }).innerText()).toContain(option);
}

function tableRows(page: Page) {
  return page.getByTestId('enterprises-table').locator('tbody tr.ant-table-row');
}

/** Three good rows, then a USCC with a wrong check digit (row 5) and an impossible date (row 6). */
async function importFile(): Promise<{ file: string; good: string[]; names: string[] }> {
  const rng = createRng(7);
  const good = [0, 1, 2].map(() => generateUscc(rng, { division: '310112' }));
  const valid = generateUscc(rng, { division: '310112' });
  const badCheck = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
  const badDate = generateUscc(rng, { division: '310112' });
  const names = good.map((_, i) => `浏览器导入测试${i + 1}号科技有限公司`);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业');
  ws.addRow(['统一社会信用代码', '企业名称', '登记状态', '成立日期', '行业代码', '所属街镇', '从业人数', '注册资本（万元）', '企业标签']);
  good.forEach((uscc, i) => ws.addRow([uscc, names[i], '存续', `2020-05-0${i + 1}`, 'C3911', '310112101', 20 + i, 100 + i, '专精特新']));
  ws.addRow([badCheck, '校验位错误有限公司', '存续', '2021-01-01', 'C3911', '310112101', 10, 50, '']);
  ws.addRow([badDate, '日期错误有限公司', '存续', '2021-02-30', 'C3911', '310112101', 10, 50, '']);
  const file = path.join(tmp, '企业导入.xlsx');
  await wb.xlsx.writeFile(file);
  return { file, good, names };
}

describe('department user', () => {
  let page: Page;
  let codeUrl = '';

  beforeAll(async () => {
    page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
  });

  it('sees the registry with filters in the URL (screenshot)', async () => {
    expect(await menuLabels(page)).toContain('企业名录');
    await page.getByTestId('side-menu').getByText('企业名录').click();
    await page.waitForURL('**/enterprises');
    await expect.poll(() => tableRows(page).count()).toBe(20);
    await expect.poll(() => page.locator('.ant-pagination-total-text').innerText()).toMatch(/共 \d{3,} 条/);
    await page.screenshot({ path: screenshotPath('enterprises.png') });
  });

  it('imports an Excel file: good rows committed, bad rows listed, error report downloadable', async () => {
    const { file, names } = await importFile();
    await page.getByTestId('enterprises-import').click();
    await page.locator('.ant-modal input[type=file]').setInputFiles(file);
    const result = page.getByTestId('import-result');
    await result.waitFor();
    const stat = (key: string) => page.getByTestId(`import-${key}`).locator('.ant-statistic-content').innerText();
    expect(await stat('total')).toBe('5');
    expect(await stat('inserted')).toBe('3');
    expect(await stat('failed')).toBe('2');

    const errorRows = page.getByTestId('import-errors').locator('tbody tr.ant-table-row');
    await expect.poll(() => errorRows.count()).toBe(2);
    await page.screenshot({ path: screenshotPath('enterprise-import.png') });
    const [checkRow, dateRow] = (await errorRows.allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(checkRow?.slice(0, 2)).toEqual(['5', '统一社会信用代码']);
    expect(checkRow?.[2]).toMatch(/校验/);
    expect(dateRow?.slice(0, 2)).toEqual(['6', '成立日期']);
    expect(dateRow?.[2]).toContain('2021-02-30');

    const downloaded = page.waitForEvent('download');
    await page.getByTestId('import-download-errors').click();
    const report = await downloaded;
    expect(report.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await report.path());
    const cells: string[] = [];
    wb.worksheets[0]?.eachRow((row) => row.eachCell((c) => cells.push(String(c.text))));
    expect(cells.join(' ')).toContain('2021-02-30');
    await page.locator('.ant-modal-footer').getByRole('button', { name: /关\s*闭/ }).click();

    // The committed rows are in the registry now.
    await page.locator('#enterprise-filter_q').fill('浏览器导入测试');
    await page.locator('form#enterprise-filter button[type=submit]').click();
    await page.waitForURL(/q=/);
    await expect.poll(async () => (await tableRows(page).locator('td.col-name').allInnerTexts()).sort()).toEqual([...names].sort());

    // 导出CSV takes the filters in the URL.
    const exported = page.waitForEvent('download');
    await page.getByTestId('enterprises-export-csv').click();
    const csv = fs.readFileSync(await (await exported).path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + names.length);
    for (const name of names) expect(csv).toContain(name);
  });

  it("opens an enterprise's 一企一页 with masked legal representative (screenshot)", async () => {
    await page.goto(`/enterprises?q=${encodeURIComponent('闵欣')}`);
    await tableRows(page).first().getByText(DEMO_ENTERPRISE).click();
    await page.waitForURL(/\/enterprises\/[0-9A-Z]{18}$/);
    await expect.poll(() => page.getByTestId('enterprise-name').innerText()).toBe(DEMO_ENTERPRISE);
    expect(await page.getByTestId('enterprise-status').innerText()).toBe('存续');
    // Department staff see the legal representative masked, with a hint.
    const basicCard = page.getByTestId('enterprise-basic');
    expect(await basicCard.getByTestId('legal-rep').innerText()).toMatch(/^沈\*+$/);
    expect(await basicCard.getByTestId('legal-rep-masked').count()).toBe(1);
    const basic = await page.getByTestId('enterprise-basic').innerText();
    expect(basic).toContain('500.00 万元'); // 注册资本, stored in fen
    expect(basic).toContain(DEMO_STREET);
    // The policies module contributes 可享政策 (the demo enterprise qualifies for several); no empty placeholders.
    await expect.poll(() => page.getByTestId('section-policies').count()).toBe(1);
    expect(await page.getByTestId('section-policies').innerText()).toContain('可享政策');
    for (const s of await page.locator('[data-testid^="section-"]').all()) expect((await s.innerText()).trim().length).toBeGreaterThan(4);
    await page.screenshot({ path: screenshotPath('enterprise-page.png') });
    await page.getByTestId('enterprise-tabs').getByRole('tab', { name: '全部属性' }).click();
    await expect.poll(() => page.getByTestId('enterprise-attributes').innerText()).toContain('上年研发投入');
  });

  it('shows the 企业码 with its QR code and verification link', async () => {
    await page.getByTestId('enterprise-code-open').click();
    await page.locator('.ant-modal img[src^="data:image/png"]').waitFor();
    codeUrl = (await page.getByTestId('enterprise-code-url').innerText()).trim();
    expect(codeUrl).toMatch(/\/ec\/EC1\./);
    expect(await page.getByTestId('enterprise-code-expires').innerText()).toMatch(/^\d{4}-\d{2}-\d{2} /);
  });

  it('anyone, logged out, sees the verified public view at the QR URL', async () => {
    const anon = await h.newPage();
    await anon.goto(codeUrl);
    await expect.poll(() => anon.getByTestId('ec-valid').innerText()).toBe('企业码有效');
    const view = await anon.getByTestId('ec-enterprise').innerText();
    expect(view).toContain(DEMO_ENTERPRISE);
    expect(view).toContain(DEMO_STREET);
    // The public view holds no personal or financial data.
    expect(view).not.toContain('沈');
    expect(view).not.toContain('万元');
    expect(new URL(anon.url()).pathname).toMatch(/^\/ec\//);
    await anon.screenshot({ path: screenshotPath('enterprise-code-verify.png') });

    // A tampered signature is rejected with the Chinese reason.
    const token = decodeURIComponent(new URL(codeUrl).pathname.slice('/ec/'.length));
    const tampered = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    await anon.goto(`/ec/${tampered}`);
    await expect.poll(() => anon.getByTestId('ec-invalid').innerText()).toBe('企业码无效');
    expect(await anon.getByTestId('ec-reason').innerText()).toContain('签名校验失败');

    // The paste form at /ec accepts the whole link.
    await anon.goto('/ec');
    await anon.locator('#ec-verify_token').fill(codeUrl);
    await anon.getByTestId('ec-submit').click();
    await expect.poll(() => anon.getByTestId('ec-valid').innerText()).toBe('企业码有效');
    await anon.context().close();
  });
});

describe('street user', () => {
  it(`sees only ${DEMO_STREET} enterprises`, async () => {
    const page = await h.newPage();
    await loginUi(page, 'street', DEMO_PASSWORD);
    await page.getByTestId('side-menu').getByText('企业名录').click();
    await page.waitForURL('**/enterprises');
    const streets = tableRows(page).locator('td.col-street');
    await expect.poll(() => streets.count()).toBeGreaterThan(0);
    expect(new Set(await streets.allInnerTexts())).toEqual(new Set([DEMO_STREET]));
    // No import or create for street staff.
    expect(await page.getByTestId('enterprises-import').count()).toBe(0);
    await page.context().close();
  });
});

describe('enterprise user', () => {
  it('本企业 shows its own page; it may update only self-reported data', async () => {
    const page = await h.newPage();
    await loginUi(page, 'enterprise', DEMO_PASSWORD);
    expect(await menuLabels(page)).toEqual(['首页', '本企业', '惠企政策', '政策体检', '我的申报', '已享受政策']);
    await page.getByTestId('side-menu').getByText('本企业').click();
    await page.waitForURL('**/my-enterprise');
    await expect.poll(() => page.getByTestId('enterprise-name').innerText()).toBe(DEMO_ENTERPRISE);
    // Its own legal representative in full.
    expect(await page.getByTestId('enterprise-basic').getByTestId('legal-rep').innerText()).toBe('沈立新');

    await page.getByTestId('enterprise-edit').click();
    await page.locator('#enterprise-form_employees').waitFor();
    expect(await page.locator('#enterprise-form_name').count()).toBe(0);
    await page.locator('#enterprise-form_employees').fill('90');
    await page.getByTestId('enterprise-form-save').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已保存');
    await expect.poll(() => page.getByTestId('enterprise-history').innerText()).toMatch(/从业人数：\s*86 人\s*→\s*90 人/);
    await page.context().close();
  });
});

describe('administrator', () => {
  it('adds a catalog attribute, then creates an enterprise using it; 一企一页 shows it', async () => {
    const page = await h.newPage();
    await loginUi(page, 'admin', DEMO_PASSWORD);
    await page.getByTestId('side-menu').getByText('属性目录').click();
    await page.waitForURL('**/enterprise-attributes');
    await page.getByTestId('attributes-create').click();
    await page.locator('#create-attribute_key').fill('carbonEmission');
    await page.locator('#create-attribute_label').fill('年碳排放量');
    await choose(page, 'create-attribute_type', '数值');
    await page.locator('#create-attribute_unit').fill('吨');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId('attributes-table').innerText()).toContain('年碳排放量');

    // The import template follows the catalog, money in 元.
    await page.goto('/enterprises');
    await page.getByTestId('enterprises-import').click();
    const templateDownload = page.waitForEvent('download');
    await page.getByTestId('import-template').click();
    const template = fs.readFileSync(await (await templateDownload).path(), 'utf8');
    expect(template).toContain('统一社会信用代码,企业名称');
    expect(template).toContain('注册资本（元）');
    expect(template).toContain('年碳排放量');
    await page.locator('.ant-modal-footer').getByRole('button', { name: /关\s*闭/ }).click();

    const uscc = generateUscc(createRng(11), { division: '310112' });
    await page.getByTestId('enterprises-create').click();
    await page.locator('#enterprise-form_uscc').fill(uscc.slice(0, 17) + (uscc.endsWith('0') ? '1' : '0'));
    await page.locator('#enterprise-form_name').fill('浏览器新增测试有限公司');
    await page.getByTestId('enterprise-form-save').click();
    await expect.poll(() => page.locator('.ant-drawer .ant-form-item-explain-error').allInnerTexts()).toContain('统一社会信用代码格式或校验位不正确');
    await page.locator('#enterprise-form_uscc').fill(uscc);
    await page.locator('#enterprise-form_registeredCapital').fill('1000');
    await page.locator('#enterprise-form_carbonEmission').fill('1200');
    await page.getByTestId('enterprise-form-save').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已新增企业 浏览器新增测试有限公司');

    await page.goto(`/enterprises/${uscc}`);
    await expect.poll(() => page.getByTestId('enterprise-name').innerText()).toBe('浏览器新增测试有限公司');
    // Administrators see the registration data in full; money in 万元.
    expect(await page.getByTestId('enterprise-basic').innerText()).toContain('1,000.00 万元');
    expect(await page.getByTestId('enterprise-history').innerText()).toContain('新增');
    await page.getByTestId('enterprise-tabs').getByRole('tab', { name: '全部属性' }).click();
    const custom = page.getByTestId('enterprise-attributes').locator('tr').filter({ hasText: '年碳排放量' });
    await expect.poll(() => custom.innerText()).toMatch(/自定义[\s\S]*1,200 吨/);

    // The English switch covers the page.
    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => page.getByTestId('enterprise-tabs').innerText()).toContain('Basic information');
    expect(await page.getByTestId('enterprise-basic').innerText()).toContain('Registered capital');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await page.context().close();
  });
});
