// Issue 5 items 4, 7, 8 in the browser: a department's 可享企业 view of a published
// policy (charts, list, Excel), the benefit-formula editor with 试算, the edit
// page's access check, and the enterprise inbox behind the header bell.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ATTRIBUTES } from '../../src/modules/enterprises/domain/attributes.ts';
import { DEMO_POLICIES } from '../../src/modules/policies/domain/demo-policies.ts';
import { fromBenefit, toBenefit, type StoredBenefit } from '../../web/src/pages/policies/formula.ts';
import { DEMO_PASSWORD, loginUi, screenshotPath, startHarness, type Harness } from './harness.ts';

const DEMO_USCC = '91310112MA1G5B2K7T';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function getJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.request.get(url);
  expect(res.status(), url).toBe(200);
  return (await res.json()) as T;
}

/** Opens the antd Select whose input has this id and picks the option with this text. */
async function choose(p: Page, inputId: string, option: string): Promise<void> {
  const dropdown = p.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#${inputId}_list)`);
  await p.locator(`#${inputId}`).click({ force: true });
  await dropdown.waitFor();
  await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
  await expect.poll(() => p.locator('.ant-select').filter({ has: p.locator(`#${inputId}`) }).innerText()).toContain(option);
}

async function unreadBadge(page: Page): Promise<number> {
  const sup = page.getByTestId('message-bell').locator('.ant-scroll-number');
  if ((await sup.count()) === 0) return 0;
  return Number((await sup.getAttribute('title')) ?? '0');
}

describe('benefit formula editor model', () => {
  it('round-trips every demo policy formula it can show; the rest stay read-only', () => {
    const catalog = BUILTIN_ATTRIBUTES.map((a) => ({ key: a.key, type: a.type }));
    const readOnly: string[] = [];
    for (const d of DEMO_POLICIES) {
      const stored = d.benefit as StoredBenefit | null;
      const draft = fromBenefit(stored, catalog);
      if (!draft) {
        readOnly.push(d.code);
        continue;
      }
      expect(toBenefit(draft), d.code).toEqual(stored);
    }
    // Only the formula with two constant factors (revenue × 0.2 × 0.02) is beyond the form.
    expect(readOnly.length).toBeLessThanOrEqual(1);
    expect(toBenefit({ kind: 'rate', attribute: 'rdSpending', ratePercent: 5, floorYuan: 10_000, capYuan: 200_000, rounding: 'down' })).toEqual({
      amount: { max: [1_000_000, { '*': [{ var: 'rdSpending' }, 0.05] }] },
      cap: 20_000_000,
      rounding: 'down',
    });
  });
});

describe('可享企业, formula editor, edit access and inbox', () => {
  it('a department opens its published policy’s 可享企业: charts, list and the Excel download (screenshot)', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    const list = await getJson<{ items: Array<{ id: number; title: string }> }>(page, '/api/v1/policies?department=scjgj&status=published&pageSize=100');
    let chosen: { id: number; total: number } | null = null;
    for (const p of list.items) {
      const s = await getJson<{ total: number }>(page, `/api/v1/policies/${p.id}/matches/stats`);
      if (s.total >= 25) {
        chosen = { id: p.id, total: s.total };
        break;
      }
    }
    expect(chosen, 'a scjgj policy with at least 25 eligible enterprises').not.toBeNull();
    const { id, total } = chosen!;

    await page.goto(`/policies/${id}`);
    await page.getByTestId('tab-eligible').click();
    await page.getByTestId('eligible-panel').waitFor();
    await expect.poll(async () => Number((await page.getByTestId('eligible-total').locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''))).toBe(total);
    await page.getByTestId('eligible-chart-street').locator('canvas').waitFor();
    await page.getByTestId('eligible-chart-industry').locator('canvas').waitFor();
    const rows = page.getByTestId('eligible-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(20);
    const firstPage = await getJson<{ items: Array<{ uscc: string; name: string }> }>(page, `/api/v1/policies/${id}/matches/enterprises?page=1&pageSize=20`);
    expect(await rows.first().innerText()).toContain(firstPage.items[0]!.name);
    await page.screenshot({ path: screenshotPath('policy-eligible.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('eligible-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qifu-e2e-')), 'eligible.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    const usccs: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) usccs.push(String(row.getCell(1).value));
    });
    expect(ws.getRow(1).getCell(1).value).toBe('统一社会信用代码');
    expect(usccs).toHaveLength(total);
    expect(usccs.slice(0, 20)).toEqual(firstPage.items.map((i) => i.uscc));
    await page.context().close();
  });

  it('the edit page is for admin and department staff only, and another department’s policy is refused clearly', async () => {
    const page = await h.newPage();
    await loginUi(page, 'street', DEMO_PASSWORD);
    const list = await getJson<{ items: Array<{ id: number; department: string }> }>(page, '/api/v1/policies?status=published&pageSize=100');
    const other = list.items.find((p) => p.department !== 'scjgj')!;
    await page.goto(`/policies/${other.id}/edit`);
    await expect.poll(() => page.locator('.ant-result-title').innerText()).toBe('403');
    await page.context().close();

    const dept = await h.newPage();
    await loginUi(dept, 'dept', DEMO_PASSWORD);
    await dept.goto(`/policies/${other.id}/edit`);
    await expect.poll(() => dept.getByTestId('policy-edit-refused').innerText()).toContain('只能编辑本部门的政策');
    await dept.context().close();
  });

  it('a department sets a rate formula with floor and cap in the form, tries it on an enterprise and saves it', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    await page.goto('/policies/new');
    await page.locator('#policy-form_title').fill('浏览器测试：研发投入后补助（公式编辑器）');
    await choose(page, 'rule_0_attr', '从业人数');
    await choose(page, 'rule_0_op', '大于等于');
    await page.locator('#rule_0_value').fill('10');
    await page.getByTestId('benefit-card').getByText('按比例').click();
    await choose(page, 'policy-form_benefit_attribute', '研发投入');
    await page.locator('#policy-form_benefit_ratePercent').fill('5');
    await page.locator('#policy-form_benefit_floorYuan').fill('10000');
    await page.locator('#policy-form_benefit_capYuan').fill('300000');
    await choose(page, 'policy-form_benefit_rounding', '向下取整');
    await expect.poll(() => page.getByTestId('benefit-preview').innerText()).toMatch(/研发投入 × 5%，保底 10,000 元，封顶 300,000 元（向下取整到分）/);

    await page.locator('#try-uscc').fill(DEMO_USCC);
    await page.getByTestId('try-run').click();
    const amount = page.getByTestId('try-amount');
    await amount.waitFor();
    // The demo enterprise's 研发投入 is 530 万元: 5% = 26.5 万元, within floor and cap.
    expect((await amount.innerText()).replace(/\s/g, '')).toBe('试算金额265,000.00元');

    await page.getByTestId('policy-save').click();
    await page.waitForURL(/\/policies\/\d+$/);
    const id = Number(/\/policies\/(\d+)$/.exec(page.url())![1]);
    const saved = await getJson<{ content: { benefit: unknown } }>(page, `/api/v1/policies/${id}`);
    expect(saved.content.benefit).toEqual({ amount: { max: [1_000_000, { '*': [{ var: 'rdSpending' }, 0.05] }] }, cap: 30_000_000, rounding: 'down' });

    // Back in the editor the formula shows as the same fields.
    await page.goto(`/policies/${id}/edit`);
    await expect.poll(() => page.getByTestId('benefit-preview').innerText()).toMatch(/研发投入 × 5%，保底 10,000 元，封顶 300,000 元/);
    await page.context().close();
  });

  it('the enterprise sees its unread count on the bell, opens the inbox and marks a message read', async () => {
    const page = await h.newPage();
    await loginUi(page, 'enterprise', DEMO_PASSWORD);
    const before = await getJson<{ unread: number; items: Array<{ id: number; read: boolean }> }>(page, '/api/v1/messages?pageSize=20');
    expect(before.unread).toBeGreaterThan(0);
    await expect.poll(() => unreadBadge(page)).toBe(before.unread);
    await page.getByTestId('message-bell').click();
    await page.waitForURL('**/messages');
    await page.getByTestId('messages-list').waitFor();
    const first = before.items.find((m) => !m.read)!;
    const item = page.getByTestId(`message-${first.id}`);
    expect(await item.getAttribute('data-read')).toBe('false');
    await page.mouse.move(640, 500); // no tooltip in the picture
    await page.screenshot({ path: screenshotPath('messages.png') });
    await page.getByTestId(`message-read-${first.id}`).click();
    await expect.poll(() => item.getAttribute('data-read')).toBe('true');
    await expect.poll(() => unreadBadge(page)).toBe(before.unread - 1);
    const after = await getJson<{ unread: number }>(page, '/api/v1/messages?pageSize=1');
    expect(after.unread).toBe(before.unread - 1);
    // A message opens its policy.
    await page.getByTestId(`message-open-${first.id}`).click();
    await page.waitForURL(/\/policies\/\d+$/);
    await page.getByTestId('policy-title').waitFor();
    await page.context().close();
  });
});
