// F-3 / F-7: changing one's own password through the UI (issue 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, DEMO_PASSWORD, loginUi, logoutUi, startHarness, type Harness } from './harness.ts';

const USERNAME = 'e2e-street';
const FIRST = 'First-pass-2024';
const SECOND = 'Second-pass-2024';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // A user of its own, so the shared demo accounts keep their password.
  const admin = await ApiSession.login(h.url, 'admin', DEMO_PASSWORD);
  const org = (await (await fetch(`${h.url}/api/v1/meta/org`)).json()) as { streets: { code: string }[] };
  const res = await admin.post('/api/v1/users', { username: USERNAME, password: FIRST, displayName: '街镇测试员', role: 'street', street: org.streets[0]?.code });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

describe('change password', () => {
  it('validates on the client, reports a wrong current password, then changes it', async () => {
    const page = await h.newPage();
    await loginUi(page, USERNAME, FIRST);
    await page.getByTestId('user-menu').click();
    await page.locator('.ant-dropdown-menu-item').filter({ hasText: '修改密码' }).click();
    const errors = page.locator('.ant-modal .ant-form-item-explain-error');
    const ok = page.locator('.ant-modal-footer .ant-btn-primary');

    await page.locator('#change-password_currentPassword').fill(FIRST);
    await page.locator('#change-password_newPassword').fill('short');
    await page.locator('#change-password_confirm').fill('different');
    await ok.click();
    await expect.poll(() => errors.allInnerTexts()).toEqual(expect.arrayContaining(['密码至少 8 位', '两次输入的新密码不一致']));

    // Same policy as the server: two kinds of characters.
    await page.locator('#change-password_newPassword').fill('onlyletters');
    await page.locator('#change-password_confirm').fill('onlyletters');
    await ok.click();
    await expect.poll(() => errors.allInnerTexts()).toEqual(['密码需包含字母、数字、符号中的至少两类']);

    await page.locator('#change-password_currentPassword').fill('not-my-password');
    await page.locator('#change-password_newPassword').fill(SECOND);
    await page.locator('#change-password_confirm').fill(SECOND);
    await ok.click();
    // The server's field error lands on the current-password field.
    await expect.poll(() => page.locator('.ant-form-item').filter({ has: page.locator('#change-password_currentPassword') }).locator('.ant-form-item-explain-error').count()).toBe(1);

    await page.locator('#change-password_currentPassword').fill(FIRST);
    await ok.click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('密码已修改');
    await expect.poll(() => page.locator('.ant-modal:visible').count()).toBe(0);

    await logoutUi(page);
    await page.locator('#login_username').fill(USERNAME);
    await page.locator('#login_password').fill(FIRST);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('用户名或密码错误');

    await loginUi(page, USERNAME, SECOND);
    await expect.poll(() => page.getByTestId('role-label').innerText()).toBe('街镇人员');
    await page.context().close();
  });
});
