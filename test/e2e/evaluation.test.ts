// P-8 政策评估 in the browser: the leader opens 政策评估, sees every department side
// by side (table and charts) and downloads the Excel; department staff see only
// their own department and their 部门提醒 inbox (issue 6 items 3–4).
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loginUi, menuLabels, screenshotPath, startHarness, type Harness } from './harness.ts';

let h: Harness;
let paidFen = 0;

async function session(username: string): Promise<(method: string, path: string, body?: unknown) => Promise<Response>> {
  const res = await fetch(`${h.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return (method, path, body) => fetch(`${h.url}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
}

beforeAll(async () => {
  h = await startHarness();
  // Set-up through the API: 区人社局 pays its 稳岗返还 (免申即享) batch, so money shows.
  const rsj = await session('dept2');
  const items = ((await (await rsj('GET', '/api/v1/evaluation/policies')).json()) as { items: Array<{ policyId: number; title: string; mode: string }> }).items;
  const stable = items.find((p) => p.mode === 'auto' && p.title.includes('稳岗'))!;
  const batch = (await (await rsj('POST', '/api/v1/benefits/batches', { policyId: stable.policyId, period: '2026' })).json()) as { id: number };
  expect((await rsj('POST', `/api/v1/benefits/batches/${batch.id}/approve`)).status).toBe(200);
  const paid = (await (await rsj('POST', `/api/v1/benefits/batches/${batch.id}/pay`)).json()) as { paidFen: number };
  paidFen = paid.paidFen;
  expect(paidFen).toBeGreaterThan(0);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('政策评估', () => {
  it('the leader sees every department side by side, with charts, and downloads the Excel (screenshot)', async () => {
    const page = await h.newPage();
    await loginUi(page, 'leader', DEMO_PASSWORD);
    expect(await menuLabels(page)).toContain('政策评估');
    expect(await menuLabels(page)).not.toContain('部门提醒');
    expect(await page.getByTestId('staff-bell').count()).toBe(0);
    await page.getByTestId('side-menu').getByText('政策评估').click();
    await page.waitForURL('**/evaluation');
    const table = page.getByTestId('evaluation-departments');
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    const text = await table.innerText();
    for (const name of ['区市场监管局', '区人社局', '区科委']) expect(text).toContain(name);
    const rsjRow = table.locator('tbody tr.ant-table-row').filter({ hasText: '区人社局' });
    expect(await rsjRow.innerText()).toContain((paidFen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }));
    await page.getByTestId('evaluation-chart-funnel').locator('canvas').waitFor();
    await page.getByTestId('evaluation-chart-amount').locator('canvas').waitFor();
    await expect.poll(() => page.getByTestId('evaluation-policies').locator('tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: screenshotPath('evaluation.png'), fullPage: true });

    const downloaded = page.waitForEvent('download');
    await page.getByTestId('evaluation-export').click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(await file.path()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['按部门', '按政策']);
    const names = (wb.getWorksheet('按部门')!.getSheetValues().slice(2) as unknown[][]).map((r) => r[1]);
    expect(names).toEqual(expect.arrayContaining(['区市场监管局', '区人社局']));
    await page.context().close();
  });

  it('department staff see only their own department, and their 部门提醒 inbox', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    expect(await menuLabels(page)).toEqual(expect.arrayContaining(['政策评估', '部门提醒']));
    await page.goto('/evaluation');
    const rows = page.getByTestId('evaluation-departments').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.innerText()).toContain('区市场监管局');
    expect(await page.getByTestId('evaluation-department').count()).toBe(0);
    // The header bell of department staff opens 部门提醒.
    await page.getByTestId('staff-bell').click();
    await page.waitForURL('**/staff-messages');
    await page.getByTestId('staff-messages-summary').waitFor();
    expect(await page.getByTestId('staff-messages-summary').innerText()).toMatch(/共 \d+ 条消息，\d+ 条未读/);
    await page.context().close();
  });

  it('an enterprise user has no 政策评估 and gets 403 on the page', async () => {
    const page = await h.newPage();
    await loginUi(page, 'enterprise', DEMO_PASSWORD);
    expect(await menuLabels(page)).not.toContain('政策评估');
    await page.goto('/evaluation');
    await page.getByText('403').first().waitFor();
    await page.context().close();
  });
});
