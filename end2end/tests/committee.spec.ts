// The drafting committee's work: drafts in, moderation, search, coverage, the article workbench.
import { expect, test } from '@playwright/test';
import { checkA11y, expectHydration, jsEnabled, login } from './helpers';

test('the committee previews a pasted draft, then saves it', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/drafts/new');
  await expectHydration(page);
  await checkA11y(page);
  const slug = `e2e-${test.info().project.name}-${Date.now()}`;
  await page.getByLabel('网址名（例如 heating-regs）').fill(slug);
  await page.getByLabel('稿次（例如 征求意见稿、一审稿）').fill('征求意见稿');
  await page.getByLabel('草案全文').fill('# 某县物业管理条例\n\n## 第一章 总则\n\n第一条 为了规范物业管理，制定本条例。\n\n第三条 跳号的条文。\n');
  await page.getByRole('button', { name: '预览' }).click();
  const preview = page.getByRole('region', { name: '解析结果' });
  await expect(preview).toContainText('某县物业管理条例');
  await expect(preview).toContainText('需要核对的地方（1 处）');
  await expect(page.getByLabel('网址名（例如 heating-regs）')).toHaveValue(slug);
  await checkA11y(page);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page).toHaveURL(new RegExp(`/drafts/${slug}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('某县物业管理条例');
});

test('the committee uploads a draft file and sees its preview', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/drafts/new');
  await expectHydration(page);
  await page.getByText('或上传文件').click();
  await page.getByLabel('网址名', { exact: true }).fill(`upload-${test.info().project.name}`);
  await page.getByLabel('稿次', { exact: true }).fill('征求意见稿');
  await page.getByLabel('草案文件').setInputFiles({
    name: '草案.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# 上传的条例\n\n第一条 甲。\n\n第二条 乙。\n'),
  });
  await page.getByRole('button', { name: '上传并预览' }).click();
  const preview = page.getByRole('region', { name: '解析结果' });
  await expect(preview).toContainText('上传的条例');
  await expect(preview).toContainText('条 2');
});

test('the committee approves a pending comment from the moderation queue', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/moderation');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('意见审核');
  await expectHydration(page);
  await checkA11y(page);
  const totalText = async () => (await page.getByText(/^共 \d+ 条，第/).textContent()) ?? '';
  const before = Number((await totalText()).match(/共 (\d+) 条/)?.[1]);
  expect(before).toBeGreaterThan(0);
  const first = page.locator('.moderation-item').first();
  const tracking = ((await first.locator('.moderation-head').textContent()) ?? '').match(/YJ-\S{4}-\S{4}/)?.[0];
  await first.getByRole('checkbox').check();
  // The decision bar comes first and repeats after the list: either button decides.
  await page.getByRole('button', { name: '公开所选', exact: true }).first().click();
  if (jsEnabled()) {
    await expect(page.getByRole('status')).toHaveText('已处理 1 条意见。');
  }
  await expect(page.getByText(/^共 \d+ 条，第/)).toHaveText(new RegExp(`^共 ${before - 1} 条`));
  await page.goto(`/track?no=${tracking}`);
  await expect(page.locator('.facts')).toContainText('已公开');
});

test('the committee searches comments, narrows by a facet, and sees live results with JavaScript', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/search');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('意见检索');
  await expectHydration(page);
  const total = page.locator('.total');
  const count = async () => Number(((await total.textContent()) ?? '').match(/共 (\d+) 条/)?.[1]);
  if (jsEnabled()) {
    // Results follow the box as it is typed, without submitting.
    await page.getByLabel('检索全部意见').fill('供热');
    await expect(page).toHaveURL(/q=%E4%BE%9B%E7%83%AD/);
  } else {
    await page.getByLabel('检索全部意见').fill('供热');
    await page.getByRole('button', { name: '检索', exact: true }).click();
  }
  await expect(page.locator('.hit b').first()).toHaveText('供热');
  await checkA11y(page);
  const all = await count();
  expect(all).toBeGreaterThan(0);
  await page.locator('.facet-group', { hasText: '态度' }).getByRole('link', { name: /反对/ }).click();
  await expect(page).toHaveURL(/stance=oppose/);
  const narrowed = await count();
  expect(narrowed).toBeGreaterThan(0);
  expect(narrowed).toBeLessThan(all);
  await expect(page.locator('.facet.active')).toContainText('反对');
});

test('the committee sees station coverage and reminds the silent stations', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.getByRole('link', { name: '联系点覆盖' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('联系点覆盖情况');
  await expectHydration(page);
  await expect(page.locator('.cov-summary')).toContainText('437 个联系点');
  await checkA11y(page);
  // A mass mailing asks for one more tick first: without it the browser refuses the form.
  await page.getByRole('button', { name: /^一键提醒/ }).click();
  await expect(page.getByRole('status')).toHaveCount(0);
  await page.getByRole('checkbox', { name: /^确认向下列 \d+ 个有邮箱的联系点发送提醒邮件$/ }).check();
  await page.getByRole('button', { name: /^一键提醒/ }).click();
  await expect(page.getByRole('status')).toHaveText(/^已向 \d+ 个联系点发送提醒邮件。$/);
});

test('the committee works through an article: clusters, campaigns and a disposition', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.goto('/committee/drafts/changji-urban-heating/articles');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/逐条处理意见$/);
  await expectHydration(page);
  await checkA11y(page);
  // An export link downloads (the client-side router leaves it alone).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '导出 CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const first = page.locator('table.data tbody a').first();
  const label = ((await first.textContent()) ?? '').trim();
  await first.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(label);
  await expect(page.locator('.figures')).toContainText('收到意见');
  await checkA11y(page);
  const cluster = page.locator('.cluster').first();
  await cluster.locator('summary', { hasText: '处理本组全部意见' }).click();
  await cluster.getByLabel('处理意见').first().selectOption('existing');
  await cluster.getByLabel('理由').first().fill('现行条例已有规定');
  await cluster.getByRole('button', { name: '对本组全部意见保存' }).click();
  await expect(page.locator('.cluster').first()).toContainText('本组处理意见：已有规定');

  // One opinion handled on its own: its form is its own, not part of the move form.
  const member = page.locator('.cluster').first().locator('.member').first();
  await member.locator('summary', { hasText: '处理这条意见' }).click();
  await member.getByLabel('处理意见').selectOption('rejected');
  await member.getByLabel('理由').fill('与上位法不一致');
  await member.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('.cluster').first().locator('.member').first()).toContainText('未采纳：与上位法不一致');

  // Split it off into a group of its own.
  const groups = async () => Number((await page.getByRole('heading', { name: /^意见分组/ }).textContent())?.match(/\d+/)?.[0]);
  const before = await groups();
  await page.locator('.cluster').first().locator('.member').first().getByRole('checkbox').check();
  await page.locator('.cluster').first().getByRole('button', { name: '移动' }).click();
  await expect(page.getByRole('heading', { name: /^意见分组/ })).toHaveText(`意见分组（${before + 1} 组）`);

  // Several opinions handled at once: tick them, then one disposition for all of them.
  const several = page.locator('.cluster:has(li.member:nth-of-type(2))').first();
  await several.locator('.member').nth(0).getByRole('checkbox').check();
  await several.locator('.member').nth(1).getByRole('checkbox').check();
  const bulk = several.locator('details.bulk');
  await bulk.locator('summary').click();
  await bulk.getByLabel('处理意见').selectOption('adopted');
  await bulk.getByLabel('理由').fill('一并采纳');
  await bulk.getByRole('button', { name: '对勾选的意见保存' }).click();
  const again = page.locator('.cluster:has(li.member:nth-of-type(2))').first();
  await expect(again.locator('.member').nth(0)).toContainText('采纳：一并采纳');
  await expect(again.locator('.member').nth(1)).toContainText('采纳：一并采纳');

  // The 意见汇编 prints, and downloads as a PDF.
  await page.goto('/committee/drafts/changji-urban-heating/compilation');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/公开征求意见汇编$/);
  await checkA11y(page);
  const href = await page.getByRole('link', { name: /下载 PDF/ }).getAttribute('href');
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');
});
