// F-3 / F-7: login page, errors, per-role menus, logout (issue 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_ROLES, loginUi, logoutUi, menuLabels, screenshotPath, startHarness, type DemoRole, type Harness } from './harness.ts';

// What each role's side menu must show, exactly and in order.
const MENUS: Record<DemoRole, string[]> = {
  admin: ['首页', '企业名录', '惠企政策', '申报审核', '兑付批次', '政策评估', '部门提醒', '属性目录', '用户管理', '审计日志', '工作日历'],
  dept: ['首页', '企业名录', '惠企政策', '申报审核', '兑付批次', '政策评估', '部门提醒', '属性目录'],
  street: ['首页', '企业名录', '惠企政策', '属性目录'],
  specialist: ['首页', '企业名录', '惠企政策', '属性目录'],
  inspector: ['首页', '企业名录', '惠企政策', '属性目录'],
  leader: ['首页', '企业名录', '惠企政策', '申报审核', '兑付批次', '政策评估', '属性目录'],
  enterprise: ['首页', '本企业', '惠企政策', '政策体检', '我的申报', '已享受政策'],
};

const ROLE_LABELS: Record<DemoRole, string> = {
  admin: '管理员',
  dept: '部门人员',
  street: '街镇人员',
  specialist: '企业服务专员',
  inspector: '执法人员',
  leader: '区领导/营商办',
  enterprise: '企业用户',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('login page', () => {
  it('shows the product and district names in Chinese', async () => {
    const page = await h.newPage();
    await page.goto('/');
    await page.waitForURL('**/login');
    await expect.poll(() => page.getByTestId('product-name').innerText()).toBe('企服 · 企业服务平台');
    const org = (await (await fetch(`${h.url}/api/v1/meta/org`)).json()) as { district: { name: string } };
    await expect.poll(() => page.getByTestId('district-name').innerText()).toContain(org.district.name);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.screenshot({ path: screenshotPath('login.png') });
    await page.context().close();
  });

  it("shows the server's Chinese error on a wrong password and stays on /login", async () => {
    const page = await h.newPage();
    await page.goto('/login');
    await page.locator('#login_username').fill('admin');
    await page.locator('#login_password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });

  it('says 尝试次数过多 once the login is rate-limited', async () => {
    const page = await h.newPage();
    await page.goto('/login');
    await page.locator('#login_username').fill('no-such-user');
    await page.locator('#login_password').fill('guess');
    // The server blocks a username after a few failures; stop as soon as it does.
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await page.getByTestId('login-submit').click();
      status = (await answered).status();
    }
    expect(status).toBe(429);
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('尝试次数过多，请稍后再试');
    await page.context().close();
  });
});

describe('each demo role', () => {
  for (const role of DEMO_ROLES) {
    it(`${role} sees exactly its own menu, its role on the home page, and can log out`, async () => {
      const page = await h.newPage();
      await loginUi(page, role, DEMO_PASSWORD);
      expect(await menuLabels(page)).toEqual(MENUS[role]);
      await expect.poll(() => page.getByTestId('role-label').innerText()).toBe(ROLE_LABELS[role]);
      // Every role has a scope line; enterprise users show their USCC.
      const scope = await page.getByTestId('scope-name').innerText();
      expect(scope.length).toBeGreaterThan(0);
      if (role === 'enterprise') expect(scope).toMatch(/[0-9A-HJ-NPQRTUWXY]{18}/);

      await logoutUi(page);
      await page.goto('/');
      await page.waitForURL('**/login');
      await page.context().close();
    });
  }

  it('a signed-out visit to an admin page returns there after login', async () => {
    const page = await h.newPage();
    await page.goto('/users');
    await page.waitForURL('**/login');
    await page.locator('#login_username').fill('admin');
    await page.locator('#login_password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/users');
    await page.getByTestId('users-table').waitFor();
    await page.context().close();
  });

  it('a role without access gets 403 on an admin page', async () => {
    const page = await h.newPage();
    await loginUi(page, 'dept', DEMO_PASSWORD);
    await page.goto('/audit');
    await expect.poll(() => page.locator('.ant-result-title').innerText()).toBe('403');
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    await page.context().close();
  });
});
