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

test('after a decision on a group the workbench returns to that group and says 已保存', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto(`/committee/drafts/${SLUG}/articles/art-1`);
  const group = page.locator('section.cluster:not(.cluster-others)').first();
  const id = await group.getAttribute('id');
  await group.locator('summary', { hasText: '处理本组全部意见' }).click();
  await group.getByLabel('处理意见').first().selectOption('partly');
  await group.getByLabel('理由').first().fill('已在第一条中写明适用范围');
  await group.getByRole('button', { name: '对本组全部意见保存' }).click();
  await expect(page).toHaveURL(new RegExp(`saved=${id}#${id}$`));
  await expect(page.locator(`#${id}`).getByRole('status')).toHaveText('已保存。');
  await expect(page.locator(`#${id}`)).toBeInViewport();
  // A slip is taken back to 未处理.
  await page.locator(`#${id}`).locator('summary', { hasText: '处理本组全部意见' }).click();
  await page.locator(`#${id}`).getByLabel('处理意见').first().selectOption({ label: '重置为未处理（撤销处理意见）' });
  await page.locator(`#${id}`).getByRole('button', { name: '对本组全部意见保存' }).click();
  await expect(page.locator(`#${id}`)).toContainText('本组尚未处理。');
});

test('an admin resets a password; the user must set their own before anything else', async ({ page }) => {
  const name = `reset-${test.info().project.name}-${Date.now() % 100000}`;
  await login(page, 'admin', 'demo-admin-2026');
  await page.goto('/admin/users');
  await page.getByLabel('登录名').fill(name);
  await page.getByLabel('显示名称').fill('重置测试');
  await page.getByLabel('角色').selectOption({ label: '起草委员会' });
  await page.getByLabel('初始密码（至少 10 个字符）').fill('初始 password 甲乙 71 river');
  await page.getByRole('button', { name: '创建账户' }).click();
  const row = page.locator('tr', { hasText: name });
  await row.locator('summary', { hasText: '重置密码' }).click();
  await row.getByLabel(/^临时密码/).fill('临时 quartz 丙丁 58 harbor');
  await row.getByRole('button', { name: `重置 ${name} 的密码` }).click();
  await expect(page.getByRole('status')).toContainText('密码已重置');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();

  await login(page, name, '临时 quartz 丙丁 58 harbor');
  await expect(page).toHaveURL(/\/account/);
  await expect(page.getByRole('alert')).toContainText('管理员已为您重置密码');
  await page.goto('/committee/moderation');
  await expect(page).toHaveURL(/\/account\?must=1/);
  await page.getByLabel('当前密码').fill('临时 quartz 丙丁 58 harbor');
  await page.getByLabel('新密码（至少 10 个字符）').fill('自己的 walnut 戊己 93 meadow');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByRole('status')).toHaveText('密码已修改。');
  await page.goto('/committee/moderation');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('意见审核');
});

test('the 意见汇编 prints with JavaScript and offers its PDF without', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto(`/committee/drafts/${SLUG}/compilation`);
  await expectHydration(page);
  await expect(page.getByRole('link', { name: '下载 PDF（A4）' })).toBeVisible();
  if (jsEnabled()) {
    await page.evaluate(() => { (window as any).printed = 0; window.print = () => { (window as any).printed++; }; });
    await page.getByRole('button', { name: '打印' }).click();
    expect(await page.evaluate(() => (window as any).printed)).toBe(1);
  } else {
    await expect(page.getByRole('button', { name: '打印' })).toHaveCount(0);
  }
});
