// Daily work without getting lost, losing input or slipping: each role's home page, refused
// forms that keep what was typed (with and without JavaScript), confirmations before mass or
// irreversible actions, and the moderation queue's decision bar.
import { test, expect } from '@playwright/test';
import { checkA11y, expectHydration, jsEnabled, login } from './helpers';

const SLUG = 'changji-urban-heating';

test('each role lands on its own home page and finds its work there', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('起草委员会工作台');
  await expect(page.locator('.work-card').first()).toContainText('条待审核');
  await checkA11y(page);
  await page.getByRole('link', { name: '条文与意见（分组、处理、分工）' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('逐条处理意见');
  // The way back up.
  await page.locator('.crumbs').getByRole('link', { name: '工作台' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('起草委员会工作台');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();

  await login(page, 'station', 'demo-station-2026');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/工作台$/);
  await expect(page.getByRole('heading', { name: /征求意见通知/ })).toBeVisible();
  await expectHydration(page);
  await checkA11y(page);
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();

  await login(page, 'admin', 'demo-admin-2026');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('系统管理工作台');
  await expect(page.getByRole('link', { name: /封邮件发送失败/ })).toBeVisible();
});

test('a refused comment keeps every field as typed and points at the field in error', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/drafts/${SLUG}/comment/art-1`);
  await expectHydration(page);
  const form = page.locator('form.comment-form');
  await form.getByLabel('反对').check();
  const reason = '供热价格应当每年公开成本监审结果，接受居民监督。';
  await form.getByLabel(/^理由/).fill(reason);
  await form.getByLabel(/^地区/).fill('昌吉市宁边路街道');
  await form.getByLabel(/^联系方式/).fill('1234567');
  await form.getByRole('button', { name: '提交意见' }).click();
  const error = page.locator('#c-art-1-contact-error');
  await expect(error).toContainText('联系方式');
  await expect(error).toBeInViewport();
  await expect(form.getByLabel(/^理由/)).toHaveValue(reason);
  await expect(form.getByLabel(/^地区/)).toHaveValue('昌吉市宁边路街道');
  await expect(form.getByLabel('反对')).toBeChecked();
  await expect(form.getByLabel(/^联系方式/)).toBeFocused();
  // Corrected, it goes through with one receipt.
  await form.getByLabel(/^联系方式/).fill('');
  await form.getByRole('button', { name: '提交意见' }).click();
  await expect(page).toHaveURL(/\/receipt\/YJ-/);
  // The receipt repeats the text to its writer.
  await expect(page.getByRole('heading', { name: '您提交的意见' })).toBeVisible();
  await expect(page.locator('.own-text')).toContainText(reason);
});

test('the inline form keeps its input on an error and shows the receipt where the eye is', async ({ page }) => {
  test.skip(!jsEnabled(), 'the inline form is the JavaScript enhancement of the comment page');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/drafts/${SLUG}`);
  await expectHydration(page);
  const article = page.locator('#art-2');
  await article.getByRole('link', { name: '发表意见' }).first().click();
  const form = article.locator('form.comment-form');
  await form.getByLabel('赞成').check();
  await form.getByLabel(/^理由/).fill('适用范围写得清楚。');
  await form.getByLabel(/^联系方式/).fill('not-a-contact');
  await form.getByRole('button', { name: '提交意见' }).click();
  await expect(article.locator('.field-error')).toContainText('联系方式');
  await expect(form.getByLabel(/^理由/)).toHaveValue('适用范围写得清楚。');
  await form.getByLabel(/^联系方式/).fill('');
  await form.getByRole('button', { name: '提交意见' }).click();
  const receipt = article.locator('.alert-ok');
  await expect(receipt).toContainText('回执编号');
  await expect(receipt).toBeInViewport();
});

test('publishing a part is previewed, confirmed, and can be withdrawn before it opens', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto(`/committee/drafts/${SLUG}/publish`);
  await expectHydration(page);
  await page.getByLabel('发布一章').selectOption({ label: '第四章 用热管理' });
  const year = new Date().getFullYear() + 3;
  await page.getByLabel('开始时间（北京时间）').last().fill(`${year}-01-10T09:00`);
  await page.getByLabel('截止时间（北京时间）').last().fill(`${year}-02-10T18:00`);
  await page.getByRole('button', { name: '预览将要发布的内容' }).click();
  const confirm = page.locator('.confirm-panel');
  await expect(confirm).toContainText('通知 437 个联系点');
  await expect(confirm).toContainText('届时开始');
  await checkA11y(page);
  await confirm.getByRole('button', { name: /^确认发布并通知/ }).click();
  await expect(page.getByRole('status')).toHaveText('已发布，已通知所选联系点。');
  // Withdrawn before it opens: one tick confirms it.
  const card = page.locator('.window-card', { hasText: '第四章' });
  await card.locator('summary', { hasText: '撤回' }).click();
  await card.getByLabel('确认撤回并通知联系点').check();
  await card.getByRole('button', { name: '撤回' }).click();
  await expect(page.getByRole('status')).toHaveText('已撤回，已通知收到过通知的联系点。');
  await expect(page.locator('.window-card', { hasText: '第四章' })).toHaveCount(0);
});

test('moderation: the decision bar comes first and a whole page can be ticked', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/moderation');
  await expectHydration(page);
  const boxes = page.locator("input[name='ids[]']");
  await expect(boxes.first()).not.toBeChecked();
  await page.getByRole('link', { name: '全选本页' }).click();
  await expect(boxes.first()).toBeChecked();
  const n = await boxes.count();
  for (let i = 0; i < n; i++) await expect(boxes.nth(i)).toBeChecked();
  // Two different-looking buttons above the list.
  const bar = page.locator('.decision-bar');
  await expect(bar.getByRole('button', { name: '公开所选', exact: true })).toHaveClass(/approve/);
  await expect(bar.getByRole('button', { name: '不予公开所选', exact: true })).toHaveClass(/danger/);
  await page.getByRole('link', { name: '全不选' }).click();
  await expect(boxes.first()).not.toBeChecked();
});
