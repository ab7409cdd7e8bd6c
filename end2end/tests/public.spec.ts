// The public's work: reading a draft and commenting on it.
import { expect, test } from '@playwright/test';
import { checkA11y, expectHydration, jsEnabled, login } from './helpers';

test('the demo draft can be read, with deep links to articles', async ({ page }) => {
  await page.goto('/drafts');
  await checkA11y(page);
  await page.getByRole('link', { name: '昌吉回族自治州城镇供热条例' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('昌吉回族自治州城镇供热条例');
  await expect(page.locator('#art-46')).toBeVisible();
  await expect(page.getByRole('navigation', { name: '目录' })).toContainText('第二章 规划与建设');
  await expectHydration(page);
  await checkA11y(page);
});

test('a citizen comments on an open article and gets a receipt', async ({ page }) => {
  await page.goto('/drafts/changji-urban-heating/comment/art-3');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('对第三条发表意见');
  await expectHydration(page);
  await checkA11y(page);
  await page.getByLabel('修改建议').check();
  await page.getByLabel('理由（必填，最多 5000 字）').fill('建议把地热供热的安全要求单独规定。');
  await page.getByLabel(/联系方式/).fill('13800138000');
  await page.getByRole('button', { name: '提交意见' }).click();
  await expect(page).toHaveURL(/\/receipt\/YJ-[0-9A-Z*~$=]{4}-[0-9A-Z*~$=]{4}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('意见回执');
  await expect(page.locator('.facts')).toContainText('已收到');
  await expect(page.locator('body')).not.toContainText('13800138000');
  await checkA11y(page);
  const tracking = (await page.locator('.tracking').textContent()) ?? '';
  await page.goto('/track');
  await page.getByLabel('回执编号').fill(tracking.toLowerCase());
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.receipt .tracking')).toHaveText(tracking);
});

test('the comment form opens beside the unit with JavaScript, and is a page without it', async ({ page }) => {
  await page.goto('/drafts/changji-urban-heating');
  await expectHydration(page);
  const article = page.locator('#art-6');
  await article.getByRole('link', { name: '发表意见' }).click();
  if (!jsEnabled()) {
    await expect(page).toHaveURL(/\/drafts\/changji-urban-heating\/comment\/art-6$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('对第六条发表意见');
    return;
  }
  // Inline: same page, the form right under the article.
  await expect(page).toHaveURL(/\/drafts\/changji-urban-heating$/);
  await article.getByLabel('赞成').check();
  await article.getByLabel('理由（必填，最多 5000 字）').fill('赞成鼓励清洁能源供热。');
  await article.getByRole('button', { name: '提交意见' }).click();
  await expect(article.getByRole('status')).toContainText(/意见已提交，回执编号 YJ-/);
  await expect(page).toHaveURL(/\/drafts\/changji-urban-heating$/);
  await checkA11y(page);
  // A paragraph of an open article has its own link.
  await expect(page.locator('#art-5-p-2').getByRole('link', { name: '对本款提意见' })).toBeVisible();
});
