// People in bulk and requests that concern a draft, with and without JavaScript: an admin
// checks, then imports a deputy list, prints the initial passwords and discards them; the new
// deputy's first login goes to the password change. A station turns a resident's request about
// the open draft into its opinion on the article.
import { test, expect } from '@playwright/test';
import { expectHydration, login } from './helpers';

test('an admin imports deputies, hands out their initial passwords once, and a new deputy must change it', async ({ page, browser }) => {
  const n = `${test.info().project.name}${Date.now() % 100000}`;
  const list = `登录名,姓名,层级,代表之家\nrep-${n},测试代表${n},州人大代表,昌吉市\n`;
  await login(page, 'admin', 'demo-admin-2026');
  await page.goto('/admin/units');
  await expectHydration(page);
  const form = page.locator('form', { has: page.locator('input[name=kind][value=deputies]') });
  // Checked first (the box is ticked by default): nothing imported yet.
  await form.getByLabel('CSV 或 XLSX 文件').setInputFiles({ name: 'deputies.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
  await form.getByRole('button', { name: '上传' }).click();
  await expect(page.getByText('检查通过：导入将新建 1 名代表')).toBeVisible();
  await expect(page.getByText(/新账户的初始密码/)).toHaveCount(0);

  const again = page.locator('form', { has: page.locator('input[name=kind][value=deputies]') });
  await again.getByLabel('CSV 或 XLSX 文件').setInputFiles({ name: 'deputies.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
  await again.getByLabel('只检查，不导入').uncheck();
  await again.getByRole('button', { name: '上传' }).click();
  await expect(page.getByText('已导入：新建 1 名代表')).toBeVisible();
  const row = page.locator('tr', { hasText: `rep-${n}` });
  await expect(row).toContainText(`测试代表${n}`);
  await expect(row).toContainText('昌吉回族自治州/昌吉市');
  const password = ((await row.locator('td').last().textContent()) ?? '').trim();
  expect(password).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{4}$/);

  // The new deputy's first login goes to the password change.
  const other = await browser.newContext({ javaScriptEnabled: test.info().project.name === 'hydrate' });
  const deputy = await other.newPage();
  await deputy.goto('/login');
  await deputy.getByLabel('登录名').fill(`rep-${n}`);
  await deputy.getByLabel('密码').fill(password);
  await deputy.getByRole('button', { name: '登录', exact: true }).click();
  await expect(deputy.locator('.role-badge')).toBeVisible();
  await deputy.goto('/deputy');
  await expect(deputy).toHaveURL(/\/account\?must=1/);
  await other.close();

  // Handed out: the passwords are gone from the system.
  await page.getByRole('button', { name: '已分发，从系统中删除这些初始密码' }).click();
  await expect(page.getByText('初始密码已从系统中删除。')).toBeVisible();
  await expect(page.locator('tr', { hasText: `rep-${n}` })).toHaveCount(0);
});

test('a wrong deputy list is refused with its lines and imports nothing', async ({ page }) => {
  const n = `${test.info().project.name}${Date.now() % 100000}`;
  const list = `登录名,姓名,层级,代表之家\nbad-${n},某代表,省,昌吉市\nok-${n},另一代表,州,没有这个代表之家\n`;
  await login(page, 'admin', 'demo-admin-2026');
  await page.goto('/admin/units');
  await expectHydration(page);
  const form = page.locator('form', { has: page.locator('input[name=kind][value=deputies]') });
  await form.getByLabel('CSV 或 XLSX 文件').setInputFiles({ name: 'deputies.csv', mimeType: 'text/csv', buffer: Buffer.from(list) });
  await form.getByLabel('只检查，不导入').uncheck();
  await form.getByRole('button', { name: '上传' }).click();
  await expect(page.getByText(/未导入任何数据。第 2 行：层级“省”无效/).first()).toBeVisible();
  await expect(page.getByText(/已导入/)).toHaveCount(0);
});

test('a station turns a request about the open draft into its opinion on the article', async ({ page }) => {
  const title = `供热收费标准应当公开-${test.info().project.name}-${Date.now() % 100000}`;
  await login(page, 'station', 'demo-station-2026');
  await page.goto('/station/requests');
  await expectHydration(page);
  await page.getByLabel('诉求事项').fill(title);
  await page.getByLabel('具体情况').fill('居民希望条例写明供热收费标准向社会公开。');
  await page.getByLabel('类别').selectOption('供水供热');
  await page.getByRole('button', { name: '登记诉求' }).click();
  await expect(page.getByText(/已登记，编号：/)).toBeVisible();

  const item = page.locator('li', { has: page.getByText(title, { exact: true }) });
  await item.getByText('涉及正在征求意见的草案？转为草案意见').click();
  await item.getByLabel('针对的条款').fill('第一条');
  await item.getByRole('button', { name: '转为草案意见' }).click();
  // The station's pending opinions of that draft, with the request's words.
  await expect(page).toHaveURL(/\/station\/opinions\?draft=changji-urban-heating/);
  await expect(page.getByText(`${title}：居民希望条例写明供热收费标准向社会公开。`)).toBeVisible();

  await page.goto('/station/requests');
  const done = page.locator('li', { has: page.getByText(title, { exact: true }) });
  await expect(done).toContainText('第一条的意见，将随代表之家下一批意见报送');
  await expect(done.getByText('涉及正在征求意见的草案？转为草案意见')).toHaveCount(0);
});
