// Signing in and out, and pages anyone reaches.
import { expect, test } from '@playwright/test';
import { checkA11y, expectHydration, jsEnabled, login } from './helpers';

test('home page renders in Chinese and hydrates only with JavaScript', async ({ page }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('让立法就在家门口');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectHydration(page);
  await checkA11y(page);
});

test('log in and out', async ({ page }) => {
  await page.goto('/login');
  await expectHydration(page);
  await checkA11y(page);
  await page.getByLabel('登录名').fill('admin');
  await page.getByLabel('密码').fill('demo-admin-2026');
  const request = page.waitForRequest('**/api/auth/login');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  const accept = (await (await request).allHeaders())['accept'] ?? '';
  // With JavaScript the form is submitted by the hydrated app (fetch), without it by the browser.
  expect(accept.includes('text/html')).toBe(!jsEnabled());
  await expect(page.locator('.role-badge')).toHaveText('系统管理员');
  await expect(page).toHaveURL(/\/$/);
  await checkA11y(page);

  await page.goto('/account');
  await expect(page.getByRole('heading', { name: '我的账户' })).toBeVisible();
  await expect(page.locator('dd').first()).toHaveText('admin');
  await checkA11y(page);

  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: '账户管理' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'committee', exact: true })).toBeVisible();
  await expectHydration(page);
  await checkA11y(page);

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();
  await expect(page.locator('.role-badge')).toHaveCount(0);
});

test('wrong password shows a Chinese message and stays logged out', async ({ page }) => {
  await page.goto('/login');
  await expectHydration(page);
  await page.getByLabel('登录名').fill('nobody-' + test.info().project.name);
  await page.getByLabel('密码').fill('not-a-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  // The message sits beside the form (without JavaScript the page's notice repeats it on top).
  await expect(page.locator('#login-form [role=alert]')).toContainText('用户名或密码错误');
  await expect(page.locator('.role-badge')).toHaveCount(0);
  await checkA11y(page);
});

test('unknown pages answer 404 in Chinese', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('页面不存在');
  await checkA11y(page);
});
