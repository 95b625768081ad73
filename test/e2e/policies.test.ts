// P-1…P-4 in the browser: a department builds a policy with the visual rule
// builder, tries it, submits and publishes it; the enterprise sees it in 政策体检;
// anyone searches the published policies without signing in (issue 5).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loginUi, menuLabels, screenshotPath, startHarness, type Harness } from './harness.ts';

const DEMO_USCC = '91310112MA1G5B2K7T';
const TITLE = '浏览器测试：软件和信息技术服务业扩岗补贴';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Opens the antd Select whose input has this id and picks the option with this text. */
async function choose(p: Page, inputId: string, option: string): Promise<void> {
  const dropdown = p.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#${inputId}_list)`);
  await p.locator(`#${inputId}`).click({ force: true });
  await dropdown.waitFor();
  await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
  await expect.poll(() => p.locator('.ant-select').filter({ has: p.locator(`#${inputId}`) }).innerText()).toContain(option);
}

describe('policies', () => {
  it('a department builds a rule visually, tries it, saves, submits and publishes (screenshot)', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    await page.getByTestId('side-menu').getByText('惠企政策').click();
    await page.waitForURL('**/policies');
    await page.getByTestId('policies-create').click();
    await page.waitForURL('**/policies/new');

    await page.locator('#policy-form_title').fill(TITLE);
    await page.locator('#policy-form_keyPoints').fill('扩岗补贴每户 2 万元\n软件和信息技术服务业企业');
    await page.locator('#policy-form_applyTo').fill('2099-12-31');

    // Two conditions: 行业代码 以 I65 开头 and 从业人数 ≥ 50 — no JSON typed.
    await choose(page, 'rule_0_attr', '行业代码');
    await choose(page, 'rule_0_op', '以…开头');
    await page.locator('#rule_0_value').fill('I65');
    await page.getByTestId('rule-add-root').click();
    await choose(page, 'rule_1_attr', '从业人数');
    await choose(page, 'rule_1_op', '大于等于');
    await page.locator('#rule_1_value').fill('50');
    await expect.poll(() => page.getByTestId('rule-preview').innerText()).toContain('行业代码 以 I65 开头 且 从业人数 ≥ 50');

    // 试算 against the demo enterprise.
    await page.locator('#try-uscc').fill(DEMO_USCC);
    await page.getByTestId('try-run').click();
    const explanation = page.getByTestId('try-explanation');
    await explanation.waitFor();
    const matched = Number((await page.getByTestId('try-matched').locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''));
    expect(matched).toBeGreaterThan(0);
    const explained = await explanation.innerText();
    expect(explained).toContain('该企业符合条件');
    expect(explained).toContain('✓');
    expect(explained).not.toContain('✗');
    await page.getByTestId('rule-builder').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('policy-builder.png') });

    await page.getByTestId('policy-save').click();
    await page.waitForURL(/\/policies\/\d+$/);
    await expect.poll(() => page.getByTestId('policy-status').innerText()).toBe('草稿');
    expect(await page.getByTestId('policy-rule-text').innerText()).toContain('行业代码 以 I65 开头 且 从业人数 ≥ 50');
    await page.getByTestId('policy-submit').click();
    await expect.poll(() => page.getByTestId('policy-status').innerText()).toBe('审核中');
    await page.getByTestId('policy-publish').click();
    await expect.poll(() => page.getByTestId('policy-status').innerText()).toBe('已发布');
    await expect.poll(() => page.getByTestId('policy-versions').innerText()).toContain('第 1 版');
    await page.context().close();
  });

  it('the enterprise sees the new policy under 可享政策 and near misses with their reason (screenshot)', async () => {
    const page = await h.newPage();
    await loginUi(page, 'enterprise', DEMO_PASSWORD);
    expect(await menuLabels(page)).toEqual(['首页', '本企业', '惠企政策', '政策体检', '我的申报', '已享受政策']);
    await page.getByTestId('side-menu').getByText('政策体检').click();
    await page.waitForURL('**/policy-checkup');
    const eligible = page.getByTestId('checkup-eligible');
    await expect.poll(() => eligible.innerText()).toContain(TITLE);
    await page.screenshot({ path: screenshotPath('policy-checkup.png') });

    await page.getByTestId('checkup-tabs').getByRole('tab', { name: /差一点/ }).click();
    const reasons = page.getByTestId('checkup-near').locator('.near-miss');
    await expect.poll(() => reasons.count()).toBeGreaterThan(0);
    expect(await reasons.first().innerText()).toMatch(/^还差：.+（当前：.+）/);
    // The nearest ten first; the rest on request, as many as the tab's count.
    const nearItems = page.getByTestId('checkup-near').locator('.checkup-item');
    expect(await nearItems.count()).toBe(10);
    const total = Number(await page.getByTestId('checkup-tabs').getByRole('tab', { name: /差一点/ }).locator('.ant-badge').innerText());
    expect(total).toBeGreaterThan(10);
    await page.getByTestId('checkup-near-all').click();
    await expect.poll(() => nearItems.count()).toBe(total);

    // Each item opens the policy.
    await page.getByTestId('checkup-tabs').getByRole('tab', { name: /可享政策/ }).click();
    await eligible.getByText(TITLE).click();
    await page.waitForURL(/\/policies\/\d+$/);
    await expect.poll(() => page.getByTestId('policy-title').innerText()).toBe(TITLE);
    await page.context().close();
  });

  it('anyone, logged out, searches 融资担保 on the public page and finds it first', async () => {
    const page = await h.newPage();
    await page.goto('/login');
    await page.getByTestId('public-policies-link').click();
    await page.waitForURL('**/public/policies');
    await page.locator('#policy-filter_q').fill('融资担保');
    await page.locator('#policy-filter_q').press('Enter');
    await page.waitForURL(/q=/);
    const first = page.getByTestId('policies-list').locator('.policy-title').first();
    await expect.poll(() => first.innerText()).toContain('融资担保');
    // Hits are bold text, never HTML.
    expect(await first.locator('strong.hit').count()).toBeGreaterThan(0);
    await first.click();
    await page.waitForURL(/\/public\/policies\/\d+$/);
    await expect.poll(() => page.getByTestId('policy-title').innerText()).toContain('融资担保');
    expect(await page.getByTestId('policy-contact').innerText()).toContain('谁解答');
    await page.context().close();
  });
});
