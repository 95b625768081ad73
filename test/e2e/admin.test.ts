// F-7: the admin's screens — home, language switch, user management, audit log (issue 2).
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loginUi, logoutUi, menuLabels, screenshotPath, startHarness, type Harness } from './harness.ts';

let h: Harness;
let page: Page;
beforeAll(async () => {
  h = await startHarness();
  page = await h.newPage();
  await loginUi(page, 'admin', DEMO_PASSWORD);
});
afterAll(async () => {
  await h?.close();
});

/** Opens the antd Select whose input has this id and picks an option; returns its label. */
async function choose(p: Page, inputId: string, option?: string): Promise<string> {
  // The dropdown is a portal owning `${id}_list`; a closed modal can leave a hidden one behind.
  const dropdown = p.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#${inputId}_list)`);
  await p.locator(`#${inputId}`).click({ force: true });
  await dropdown.waitFor();
  const options = dropdown.locator('.ant-select-item-option');
  const target = option === undefined ? options.first() : options.filter({ hasText: option }).first();
  const label = (await target.innerText()).trim();
  await target.click();
  // The pick shows up in the form item (the dropdown itself lives elsewhere in the DOM).
  await expect.poll(() => p.locator('.ant-form-item').filter({ has: p.locator(`#${inputId}`) }).innerText()).toContain(label);
  return label;
}

describe('admin', () => {
  it('home names the role and offers shortcuts (screenshot)', async () => {
    await page.goto('/');
    await expect.poll(() => page.getByTestId('role-label').innerText()).toBe('管理员');
    await expect.poll(() => page.getByTestId('role-duties').innerText()).toContain('审计日志');
    await page.screenshot({ path: screenshotPath('home.png') });
  });

  it('switches the menu to English and back, remembering the choice', async () => {
    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => menuLabels(page)).toEqual(['Home', 'Enterprises', 'Policies', 'Application review', 'Disbursements', 'Policy evaluation', 'Reminders', 'Attribute catalog', 'Users', 'Audit log', 'Working-day calendar']);
    await page.reload();
    await expect.poll(() => menuLabels(page)).toEqual(['Home', 'Enterprises', 'Policies', 'Application review', 'Disbursements', 'Policy evaluation', 'Reminders', 'Attribute catalog', 'Users', 'Audit log', 'Working-day calendar']);
    expect(await page.locator('html').getAttribute('lang')).toBe('en-US');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await expect.poll(() => menuLabels(page)).toEqual(['首页', '企业名录', '惠企政策', '申报审核', '兑付批次', '政策评估', '部门提醒', '属性目录', '用户管理', '审计日志', '工作日历']);
  });

  it('lists and filters users', async () => {
    await page.getByTestId('side-menu').getByText('用户管理').click();
    await page.waitForURL('**/users');
    const rows = page.getByTestId('users-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(7);
    await choose(page, 'user-filter_role', '执法人员');
    await page.locator('form#user-filter button[type=submit]').click();
    await page.waitForURL(/role=inspector/);
    await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes('执法人员')) && (await rows.count()) > 0).toBe(true);
    await page.locator('form#user-filter').getByRole('button', { name: /重\s*置/ }).click();
    await page.waitForURL((u) => !u.search.includes('role='));
  });

  it('exports the user list to Excel', async () => {
    const downloaded = page.waitForEvent('download');
    await page.getByTestId('users-export').click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const saved = await file.path();
    // An .xlsx is a zip: it starts with "PK".
    expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
  });

  it('creates a department user through the form, who can then log in', async () => {
    await page.goto('/users');
    await page.getByTestId('users-create').click();
    await page.locator('#create-user_username').fill('e2e-dept');
    await page.locator('#create-user_displayName').fill('测试部门用户');
    await choose(page, 'create-user_role', '部门人员');
    // The department select appears only for department roles.
    await page.locator('#create-user_department').waitFor();
    const deptName = await choose(page, 'create-user_department');
    // Client-side minimum length first.
    await page.locator('#create-user_password').fill('short');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-form-item-explain-error').allInnerTexts()).toContain('密码至少 8 位');
    await page.locator('#create-user_password').fill('Qifu-e2e-2024');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('已创建用户 e2e-dept');
    await expect.poll(() => page.getByTestId('users-table').innerText()).toContain('测试部门用户');

    // A second user with the same name gets the server's field error.
    await page.getByTestId('users-create').click();
    await page.locator('#create-user_username').fill('e2e-dept');
    await page.locator('#create-user_displayName').fill('重复');
    await choose(page, 'create-user_role', '区领导/营商办');
    await page.locator('#create-user_password').fill('Qifu-e2e-2024');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-modal .ant-form-item-explain-error').innerText()).toMatch(/用户名/);
    await page.locator('.ant-modal-footer .ant-btn').first().click();

    const other = await h.newPage();
    await loginUi(other, 'e2e-dept', 'Qifu-e2e-2024');
    await expect.poll(() => other.getByTestId('role-label').innerText()).toBe('部门人员');
    await expect.poll(() => other.getByTestId('scope-name').innerText()).toBe(deptName);
    expect(await menuLabels(other)).toEqual(['首页', '企业名录', '惠企政策', '申报审核', '兑付批次', '政策评估', '部门提醒', '属性目录']);
    await other.context().close();
  });

  it('shows the audit log and verifies its hash chain', async () => {
    await page.getByTestId('side-menu').getByText('审计日志').click();
    await page.waitForURL('**/audit');
    // Creating e2e-dept above wrote at least one audit record.
    await expect.poll(() => page.getByTestId('audit-table').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-verify-result').innerText()).toMatch(/哈希链完整：\d+ 条审计记录全部校验通过/);
  });

  it('logs out back to the login page', async () => {
    await logoutUi(page);
    await expect.poll(() => page.getByTestId('login-submit').count()).toBe(1);
  });
});
