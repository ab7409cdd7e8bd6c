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
  await expect(page.getByRole('alert')).toContainText('用户名或密码错误');
  await expect(page.locator('.role-badge')).toHaveCount(0);
  await checkA11y(page);
});

test('unknown pages answer 404 in Chinese', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('页面不存在');
  await checkA11y(page);
});

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
  await page.getByRole('button', { name: '公开所选', exact: true }).click();
  if (jsEnabled()) {
    await expect(page.getByRole('status')).toHaveText('已处理 1 条意见。');
  }
  await expect(page.getByText(/^共 \d+ 条，第/)).toHaveText(new RegExp(`^共 ${before - 1} 条`));
  await page.goto(`/track?no=${tracking}`);
  await expect(page.locator('.facts')).toContainText('已公开');
});

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

test('the committee sees station coverage and reminds the silent stations', async ({ page }) => {
  await login(page, 'committee', 'demo-committee-2026');
  await page.getByRole('link', { name: '联系点覆盖' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('联系点覆盖情况');
  await expectHydration(page);
  await expect(page.locator('.cov-summary')).toContainText('437 个联系点');
  await checkA11y(page);
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
