// Issue 12 item 7 (SPEC F-3, §11): the API 令牌 page — create a token with an
// expiry, see the secret once and copy it, find it in the list, revoke it —
// on a desktop and on a 390×844 phone; the revoked token gets 401 from the
// API. The admin sees every user's tokens and revokes any; an admin password
// reset and an own password change (with the box ticked) revoke them too.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession, DEMO_PASSWORD, loginUi, screenshotPath, startHarness, type Harness } from './harness.ts';

const USER = 'e2e-tokens';
const PASSWORD = 'Token-pass-2024';

let h: Harness;
let admin: ApiSession;

beforeAll(async () => {
  h = await startHarness();
  admin = await ApiSession.login(h.url, 'admin', DEMO_PASSWORD);
  for (const username of [USER, 'e2e-reset', 'e2e-own']) {
    const res = await admin.post('/api/v1/users', { username, password: PASSWORD, displayName: `令牌测试 ${username}`, role: 'leader' });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await h?.close();
});

async function newContext(phone: boolean): Promise<BrowserContext> {
  const context = await h.browser.newContext({
    baseURL: h.url,
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
    isMobile: phone,
    hasTouch: phone,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
  return context;
}

/** The login form, then the signed-in header (on a phone the side menu is folded away). */
async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

async function openTokensFromUserMenu(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.locator('.ant-dropdown-menu-item').filter({ hasText: 'API 令牌' }).click();
  await page.waitForURL('**/tokens');
  await page.getByTestId('tokens-table').waitFor();
}

function bearer(token: string): Promise<Response> {
  return fetch(`${h.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
}

function row(page: Page, text: string) {
  return page.getByTestId('tokens-table').locator('tbody tr').filter({ hasText: text });
}

async function createInUi(page: Page, name: string, phone = false): Promise<string> {
  await page.getByTestId('tokens-create').click();
  await page.locator('#create-token_name').fill(name);
  // The default is 90 days; the list shows the date.
  await page.getByTestId('token-create-ok').click();
  const secret = page.getByTestId('token-secret');
  await secret.waitFor();
  const token = await secret.inputValue();
  expect(token).toMatch(/^qf_[A-Za-z0-9_-]{40,}$/);
  await expect.poll(() => page.locator('.ant-modal').innerText()).toContain('关闭后将无法再次查看');
  // The secret wraps inside the dialog on a phone.
  if (phone) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByTestId('token-copy').click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await page.getByTestId('token-done').click();
  await expect.poll(() => page.locator('.ant-modal:visible').count()).toBe(0);
  return token;
}

async function revokeInUi(page: Page, name: string): Promise<void> {
  await row(page, name).getByRole('button', { name: '吊 销' }).or(row(page, name).getByRole('button', { name: '吊销' })).click();
  await page.getByTestId('token-revoke-ok').click();
  await expect.poll(() => row(page, name).getByTestId('token-status').innerText()).toBe('已吊销');
}

describe('API 令牌 page', () => {
  for (const phone of [false, true]) {
    it(`creates, shows once, copies, lists and revokes a token (${phone ? '390×844 phone' : 'desktop'})`, async () => {
      const context = await newContext(phone);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await login(page, USER, PASSWORD);
      if (phone) {
        // The side menu is folded behind a button and opens over the page.
        expect(await page.getByTestId('side-menu').isVisible()).toBe(false);
        await page.getByTestId('menu-toggle').click();
        await page.getByTestId('side-menu').getByText('惠企政策').click();
        await page.waitForURL('**/policies');
        await expect.poll(() => page.getByTestId('side-menu').isVisible()).toBe(false);
      }
      await openTokensFromUserMenu(page);
      const name = phone ? '手机端对接' : '12345 热线对接';
      const token = await createInUi(page, name, phone);

      // Listed without the secret: active, never used, 90 days.
      const r = row(page, name);
      await expect.poll(() => r.getByTestId('token-status').innerText()).toBe('有效');
      expect(await r.innerText()).toContain('从未使用');
      expect(await page.content()).not.toContain(token);
      const inNinetyDays = new Date(Date.now() + 90 * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      expect(await r.innerText()).toContain(inNinetyDays);

      expect((await bearer(token)).status).toBe(200);
      await page.reload();
      await expect.poll(() => row(page, name).innerText()).not.toContain('从未使用');

      if (phone) {
        // Nothing wider than the phone: the table scrolls inside its card.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await page.screenshot({ path: screenshotPath('tokens-phone.png') });
      }
      await revokeInUi(page, name);
      expect((await bearer(token)).status).toBe(401);
      if (!phone) await page.screenshot({ path: screenshotPath('tokens.png') });
      await context.close();
    });
  }

  it('shows English with the switch', async () => {
    const page = await h.newPage();
    await loginUi(page, USER, PASSWORD);
    await page.goto('/tokens');
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.locator('h4').first().innerText()).toBe('API tokens');
    await expect.poll(() => page.getByTestId('tokens-table').locator('thead').innerText()).toContain('Last used');
    await page.context().close();
  });
});

describe('the admin', () => {
  it('sees every user’s tokens with the user and revokes one', async () => {
    const owner = await ApiSession.login(h.url, USER, PASSWORD);
    const created = (await (await owner.post('/api/v1/auth/tokens', { name: '数据接口', expiresInDays: 30 })).json()) as { id: number; token: string };
    expect((await bearer(created.token)).status).toBe(200);

    const page = await h.newPage();
    await loginUi(page, 'admin', DEMO_PASSWORD);
    await page.goto('/users');
    await page.getByTestId('users-tokens').click();
    await page.waitForURL('**/tokens?scope=all');
    const r = row(page, '数据接口');
    await expect.poll(() => r.innerText()).toContain(USER);
    expect(await page.getByTestId('tokens-table').locator('thead').innerText()).toContain('用户');
    await revokeInUi(page, '数据接口');
    expect((await bearer(created.token)).status).toBe(401);
    await page.context().close();
  });

  it('resets a password on the users page: the user’s tokens stop working', async () => {
    const owner = await ApiSession.login(h.url, 'e2e-reset', PASSWORD);
    const { token } = (await (await owner.post('/api/v1/auth/tokens', { name: 'reset-me' })).json()) as { token: string };
    expect((await bearer(token)).status).toBe(200);
    const page = await h.newPage();
    await loginUi(page, 'admin', DEMO_PASSWORD);
    await page.goto('/users');
    await page.getByTestId('user-reset-e2e-reset').click();
    await expect.poll(() => page.locator('.ant-modal').innerText()).toContain('所有 API 令牌立即吊销');
    await page.locator('#reset-password_password').fill('Reset-pass-2025');
    await page.locator('#reset-password_confirm').fill('Reset-pass-2025');
    await page.locator('.ant-modal-footer .ant-btn-dangerous').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('吊销 1 个 API 令牌');
    expect((await bearer(token)).status).toBe(401);
    await ApiSession.login(h.url, 'e2e-reset', 'Reset-pass-2025');
    await page.context().close();
  });
});

describe('changing one’s own password', () => {
  it('revokes one’s tokens when the box is ticked', async () => {
    const owner = await ApiSession.login(h.url, 'e2e-own', PASSWORD);
    const { token } = (await (await owner.post('/api/v1/auth/tokens', { name: 'own' })).json()) as { token: string };
    const page = await h.newPage();
    await loginUi(page, 'e2e-own', PASSWORD);
    await page.getByTestId('user-menu').click();
    await page.locator('.ant-dropdown-menu-item').filter({ hasText: '修改密码' }).click();
    await page.locator('#change-password_currentPassword').fill(PASSWORD);
    await page.locator('#change-password_newPassword').fill('Own-pass-2025');
    await page.locator('#change-password_confirm').fill('Own-pass-2025');
    await page.getByTestId('password-revoke-tokens').check();
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('API 令牌已全部吊销');
    expect((await bearer(token)).status).toBe(401);
    await page.context().close();
  });
});
