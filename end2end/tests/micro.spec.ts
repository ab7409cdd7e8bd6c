// 微实事 after the vote, in the browser: a paper ballot handed out and entered by two tellers
// (a difference flagged until the second teller corrects theirs), and an approved project
// reported on by its unit, finished, sent back by a deputy; the county's page shows the spending.
import { test, expect, Page } from '@playwright/test';
import { login } from './helpers';

async function logout(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();
}

/** Today in China Standard Time, as a date field takes it. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

test('two tellers enter a paper ballot; a difference is flagged until corrected', async ({ page }) => {
  const project = test.info().project.name;
  const year = String(2040 + (project === 'hydrate' ? 1 : 2));
  const title = `村级健身广场-${project}`;
  const local = (d: Date) => d.toISOString().slice(0, 16);
  const day = 86_400_000;

  await login(page, 'office', 'demo-office-2026');
  await page.goto('/office/micro');
  await page.locator('#mf-c').selectOption({ label: '昌吉市' });
  await page.locator('#mf-y').fill(year);
  await page.locator('#mf-a').fill('2000000');
  await page.locator('form[action="/api/micro/fund"]').getByRole('button', { name: '保存' }).click();
  await logout(page);

  await login(page, 'deputy', 'demo-deputy-2026');
  await page.goto('/deputy/ballots');
  await page.getByLabel('年度').fill(year);
  await page.getByLabel('项目名称').fill(title);
  await page.getByLabel('预算（元）').fill('500000');
  await page.getByRole('button', { name: '提出项目' }).click();
  await expect(page.getByText('项目已提出。')).toBeVisible();
  await logout(page);

  await login(page, 'office', 'demo-office-2026');
  await page.goto('/office/micro');
  await page.locator('#mb-c').selectOption({ label: '昌吉市' });
  await page.locator('#mb-y').fill(year);
  await page.locator('#mb-o').fill(local(new Date(Date.now() - day)));
  await page.locator('#mb-e').fill(local(new Date(Date.now() + 3 * day)));
  await page.getByRole('checkbox', { name: new RegExp(title) }).check();
  await page.getByRole('button', { name: '设立票决' }).click();
  await page
    .locator('section.ballot', { hasText: `昌吉市 ${year} 年度` })
    .getByRole('link', { name: '纸质选票、两次录入与确认结果' })
    .click();
  await expect(page.getByRole('heading', { name: `昌吉市 ${year} 年度微实事票决` })).toBeVisible();
  const ballotUrl = page.url();
  // 领票: a deputy of the county takes a paper ballot.
  await page.locator('#pi-d').selectOption({ index: 0 });
  await page.getByRole('button', { name: '登记领票' }).click();
  await expect(page.getByText('已登记领取纸质选票')).toBeVisible();
  await expect(page.getByText('已发放 1 张')).toBeVisible();
  // Teller A reads 赞成 on sheet 001.
  await page.getByLabel('选票编号').fill('001');
  await page.getByRole('group', { name: title }).getByLabel('赞成').check();
  await page.getByRole('button', { name: '保存录入' }).click();
  await expect(page.getByText('录入已保存。')).toBeVisible();
  await expect(page.locator('tr', { hasText: '001' })).toContainText('待第二位计票人录入');
  await logout(page);

  // Teller B reads 反对: flagged, with what each entered.
  await login(page, 'office2', 'demo-office2-2026');
  await page.goto(ballotUrl);
  await page.getByLabel('选票编号').fill('001');
  await page.getByRole('group', { name: title }).getByLabel('反对').check();
  await page.getByRole('button', { name: '保存录入' }).click();
  const row = page.locator('tr', { hasText: '001' });
  await expect(row).toContainText('两次录入不一致');
  await expect(row).toContainText(`${title}：人大常委会办公室 刘干事：赞成；人大常委会办公室 陈干事：反对`);
  await expect(page.getByText('有 1 张纸质选票两次录入不一致，结果暂不生效')).toBeVisible();
  // Teller B looks at the sheet again and corrects their entry: the sheet counts.
  await page.getByLabel('选票编号').fill('001');
  await page.getByRole('group', { name: title }).getByLabel('赞成').check();
  await page.getByLabel(/更正我的录入/).check();
  await page.getByRole('button', { name: '保存录入' }).click();
  await expect(page.locator('tr', { hasText: '001' })).toContainText('两次录入一致，已计入');
  await expect(page.getByText('有 1 张纸质选票两次录入不一致')).toHaveCount(0);
});

test('a unit reports progress and completion; a deputy sends the project back; the public sees the spending', async ({ page }) => {
  const title = '农贸市场顶棚改造';
  await login(page, 'unit', 'demo-unit-2026');
  await expect(page.getByRole('link', { name: /^微实事项目实施/ })).toBeVisible();
  await page.goto('/unit/projects');
  const item = page.locator('li', { hasText: title });
  const spent = Number(await item.getByLabel(/^累计支出/).inputValue()) + 10_000;
  await item.getByLabel('进展日期').fill(today());
  await item.getByLabel('进展情况').fill('顶棚钢结构安装完成');
  await item.getByLabel(/^累计支出/).fill(String(spent));
  await item.getByRole('button', { name: '填报进展' }).click();
  await expect(page.getByText('进展已填报。')).toBeVisible();
  const again = page.locator('li', { hasText: title });
  await again.getByLabel('完工日期').fill(today());
  await again.getByRole('button', { name: '报完工' }).click();
  await expect(page.getByText('已报完工，等待代表验收。')).toBeVisible();
  await expect(page.locator('li', { hasText: title })).toContainText('已完工待验收');
  await logout(page);

  await login(page, 'deputy', 'demo-deputy-2026');
  await page.goto('/deputy/ballots');
  const work = page.locator('li', { hasText: title });
  await work.getByLabel('不通过（退回承办单位）').check();
  await work.getByLabel(/^理由/).fill('顶棚排水沟未完工');
  await work.getByRole('button', { name: '提交验收意见' }).click();
  await expect(page.getByText('验收意见已记录。')).toBeVisible();
  const back = page.locator('li', { hasText: title });
  await expect(back).toContainText('实施中');
  await expect(back).toContainText('验收不通过：顶棚排水沟未完工');
  await logout(page);

  await page.goto('/counties');
  await page.getByRole('link', { name: '昌吉市', exact: true }).click();
  const listed = page.locator('li', { hasText: title });
  await expect(listed).toContainText('实施中');
  await expect(listed).toContainText(`已支出 ${spent} 元`);
  await expect(page.locator('main')).not.toContainText('顶棚排水沟未完工');
});
