// P-5 in the browser: a department computes, approves and pays a 免申即享
// batch; the enterprise then sees 已享受 with the amount and the policy version.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, DEMO_PASSWORD, loginUi, menuLabels, screenshotPath, startHarness, type Harness } from './harness.ts';

const TITLE = '浏览器测试：专精特新企业免申即享稳岗奖励';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Set-up the test is not about: the department publishes a 免申即享 policy that includes the demo enterprise.
  const dept = await ApiSession.login(h.url, 'dept', DEMO_PASSWORD);
  const res = await dept.post('/api/v1/policies', {
    title: TITLE,
    department: 'scjgj',
    category: '资金补贴',
    mode: 'auto',
    keyPoints: ['按从业人数每人 10 元'],
    text: '<p>免申即享，无需申报。</p>',
    validFrom: '2026-01-01',
    validTo: '2099-12-31',
    eligibility: { and: [{ in: ['专精特新', { var: 'tags' }] }, { in: [{ var: 'status' }, ['存续', '在业']] }] },
    benefit: { amount: { '*': [{ var: 'employees' }, 1000] }, rounding: 'down' },
    materials: [],
    tags: [],
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: number };
  expect((await dept.post(`/api/v1/policies/${id}/submit`, {})).status).toBe(200);
  expect((await dept.post(`/api/v1/policies/${id}/publish`, {})).status).toBe(200);
}, 600_000);
afterAll(async () => {
  await h?.close();
});

async function choose(p: Page, inputId: string, option: string): Promise<void> {
  const dropdown = p.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#${inputId}_list)`);
  await p.locator(`#${inputId}`).click({ force: true });
  await dropdown.waitFor();
  await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
}

describe('免申即享 disbursement', () => {
  it('a department computes, approves and pays a batch; the enterprise sees 已享受 with amount and version', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    expect(await menuLabels(page)).toContain('兑付批次');
    await page.getByTestId('side-menu').getByText('兑付批次').click();
    await page.waitForURL('**/benefits');
    await page.getByTestId('benefits-compute').click();
    await choose(page, 'benefit-compute_policyId', TITLE);
    await page.locator('#benefit-compute_period').fill('2026-Q4');
    await page.getByTestId('benefits-compute-ok').click();
    await page.waitForURL(/\/benefits\/\d+$/);
    await expect.poll(() => page.getByTestId('batch-status').first().innerText()).toBe('待审核');
    const items = page.getByTestId('benefit-items');
    await expect.poll(() => items.innerText()).toContain('91310112MA1G5B2K7T');
    await expect.poll(() => items.innerText()).toContain('860.00 元');

    await page.getByTestId('benefits-approve').click();
    await page.getByTestId('benefits-approve-ok').click();
    await expect.poll(() => page.getByTestId('batch-status').first().innerText()).toBe('已审核');
    await page.getByTestId('benefits-pay').click();
    await page.getByTestId('benefits-pay-ok').click();
    await expect.poll(() => page.getByTestId('batch-status').first().innerText(), { timeout: 30_000 }).toBe('已发放');
    await expect.poll(() => items.innerText()).toContain('已发放');
    await page.screenshot({ path: screenshotPath('benefits-batch.png'), fullPage: true });
    await page.context().close();

    const ent = await h.newPage();
    await loginUi(ent, 'enterprise', DEMO_PASSWORD);
    await ent.getByTestId('side-menu').getByText('已享受政策').click();
    await ent.waitForURL('**/my-benefits');
    const table = ent.getByTestId('enjoyed-benefits');
    await expect.poll(() => table.innerText()).toContain(TITLE);
    const text = await table.innerText();
    expect(text).toContain('860.00 元');
    expect(text).toContain('第 1 版');
    expect(text).toContain('2026-Q4');
    expect(text).toContain('已享受');
    await ent.screenshot({ path: screenshotPath('benefits-enjoyed.png'), fullPage: true });
    // The same on 一企一页 (本企业): the 已享受 section.
    await ent.getByTestId('side-menu').getByText('本企业').click();
    await expect.poll(() => ent.locator('body').innerText()).toContain('已享受 860.00 元');
    await ent.context().close();
  }, 600_000);
});
