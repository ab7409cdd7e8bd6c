// A station operator's work: notices, recorded opinions, batches.
import { expect, test } from '@playwright/test';
import { checkA11y, expectHydration, jsEnabled, login } from './helpers';

test('a station operator confirms a publication notice', async ({ page }) => {
  await login(page, 'station', 'demo-station-2026');
  // The station's home page lists the notices and leads to them.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/工作台$/);
  await page.getByRole('link', { name: '去确认通知 →' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('征求意见通知');
  await expectHydration(page);
  await checkA11y(page);
  const confirmed = page.locator('.notice', { hasText: '已确认' });
  const before = await confirmed.count();
  await page.getByRole('button', { name: '确认收到' }).first().click();
  await expect(confirmed).toHaveCount(before + 1);
});

test('a station operator records an opinion from the keyboard and forwards it as a batch', async ({ page }) => {
  await login(page, 'station', 'demo-station-2026');
  await page.getByRole('link', { name: '录入意见' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('录入群众意见');
  await page.getByRole('link', { name: /昌吉回族自治州城镇供热条例/ }).click();
  await expectHydration(page);
  await checkA11y(page);
  const text = `座谈会意见 ${test.info().project.name} ${Date.now()}`;
  // The unit field has the focus; the form is filled and sent with the keyboard alone.
  await expect(page.getByLabel('条款')).toBeFocused();
  await page.keyboard.type('第2条');
  await page.getByLabel('意见内容').fill(text);
  await page.getByLabel('代表人数').fill('25');
  await page.getByLabel('意见内容').press('Tab');
  await page.getByRole('button', { name: '保存', exact: true }).press('Enter');
  await expect(page.getByRole('status')).toHaveText('已保存。可以继续录入下一条。');
  const row = page.locator('tr', { hasText: text });
  await expect(row).toContainText('第二条');
  await expect(row).toContainText('25');
  await page.getByLabel(/报送说明/).fill('11月25日座谈会');
  await page.getByRole('button', { name: /^报送这 \d+ 条意见$/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^报送回执 BS-\S{4}-\S{4}$/);
  await expect(page.locator('tr', { hasText: text })).toContainText(/YJ-\S{4}-\S{4}/);
  await checkA11y(page);
});
