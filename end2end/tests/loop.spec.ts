// The seed's closed loop in the browser: a station records a resident's request, the deputy
// turns it into a suggestion, the office hands it to a unit, the unit answers, the deputy rates
// the answer, and the resident is told (mail) and sees the answer on the public status page.
import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectHydration, login } from './helpers';

const port = Number(process.env.YIJIAN_E2E_PORT ?? 3100);
const mailDir = path.join(process.env.YIJIAN_E2E_DATA ?? path.join(os.tmpdir(), `yijian-e2e-${port}`), 'mail');

async function logout(page: Page) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录', exact: true })).toBeVisible();
}

test('a request becomes a suggestion, is handed out, answered and rated, and the resident is told', async ({ page }) => {
  const title = `小区供热管道破损-${test.info().project.name}-${Date.now() % 100000}`;
  const email = `resident-${Date.now() % 100000}@example.invalid`;

  await login(page, 'station', 'demo-station-2026');
  await page.goto('/station/requests');
  await expectHydration(page);
  await page.getByLabel('诉求事项').fill(title);
  await page.getByLabel('具体情况').fill('三号楼地下室供热管道漏水，已经一周无人维修。');
  await page.getByLabel('地点').fill('昌吉市建设路三号楼');
  await page.getByLabel('类别').selectOption({ index: 1 });
  await page.getByLabel('反映人姓名（不公开）').fill('王女士');
  await page.getByLabel(/^联系方式/).fill(email);
  await page.getByRole('button', { name: '登记诉求' }).click();
  await expect(page.getByText(/已登记，编号：/)).toBeVisible();
  const tracking = ((await page.getByText(/已登记，编号：/).textContent()) ?? '').match(/YJ-\S{4}-\S{4}/)?.[0];
  expect(tracking).toBeTruthy();
  await logout(page);

  await login(page, 'deputy', 'demo-deputy-2026');
  // The deputy's home page leads to their work.
  await expect(page.getByRole('heading', { name: '代表工作台' })).toBeVisible();
  await page.getByRole('link', { name: /^群众诉求与我的建议/ }).click();
  await page.getByLabel('建议标题').fill(`关于${title}的建议`);
  await page.getByLabel('建议内容').fill('建议住建部门督促供热单位限期维修，并建立报修时限制度。');
  await page.getByRole('checkbox', { name: new RegExp(title) }).check();
  await page.getByRole('button', { name: '提交建议' }).click();
  await expect(page.getByText(/建议已提交，编号：/)).toBeVisible();
  await logout(page);

  await login(page, 'office', 'demo-office-2026');
  await page.goto('/office');
  const item = page.locator('li', { has: page.getByText(`关于${title}的建议`, { exact: true }) });
  await item.getByLabel('主办单位').selectOption({ label: '昌吉州住房和城乡建设局' });
  await item.getByRole('button', { name: '交办', exact: true }).click();
  await expect(page.locator('li', { has: page.getByText(`关于${title}的建议`, { exact: true }) })).toContainText('主办：昌吉州住房和城乡建设局');
  await logout(page);

  await login(page, 'unit', 'demo-unit-2026');
  await page.goto('/unit');
  const task = page.locator('li', { has: page.getByText(`关于${title}的建议`, { exact: true }) });
  await task.getByLabel('已解决').check();
  await task.getByLabel('答复内容（含理由）').fill('已责成供热单位更换破损管道，并公布报修电话和处理时限。');
  await task.getByRole('button', { name: '提交答复' }).click();
  await expect(page.getByText('答复已提交，已通知反映群众和代表之家。')).toBeVisible();
  await logout(page);

  await login(page, 'deputy', 'demo-deputy-2026');
  await page.goto('/deputy');
  const mine = page.locator('li', { has: page.getByText(`关于${title}的建议`, { exact: true }) });
  await mine.getByLabel('满意', { exact: true }).check();
  await mine.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByText('评价已提交。')).toBeVisible();

  // The resident's answer is public on the status page, without personal data…
  await page.goto(`/requests/status?tracking=${tracking}`);
  await expect(page.locator('main')).toContainText('已责成供热单位更换破损管道');
  await expect(page.locator('main')).not.toContainText('王女士');
  await expect(page.locator('main')).not.toContainText(email);
  // …and the resident was mailed through the outbox.
  await expect
    .poll(() => fs.readdirSync(mailDir).some((f) => fs.readFileSync(path.join(mailDir, f), 'utf8').includes(email)), { timeout: 30000 })
    .toBe(true);
});

test('a 微实事 vote: a project over the fund is refused, the office opens a ballot, a deputy votes once', async ({ page }) => {
  const year = String(2030 + (test.info().project.name === 'hydrate' ? 1 : 2));
  const title = `小区路灯改造-${test.info().project.name}`;
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
  await page.getByLabel('地点').fill('昌吉市建设路');
  // Over the county's fund: refused with the amounts, nothing proposed.
  await page.getByLabel('预算（元）').fill('2500000');
  await page.getByRole('button', { name: '提出项目' }).click();
  await expect(page.getByRole('alert').first()).toContainText('超出');
  await page.goto('/deputy/ballots');
  await page.getByLabel('年度').fill(year);
  await page.getByLabel('项目名称').fill(title);
  await page.getByLabel('预算（元）').fill('600000');
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
  await expect(page.locator('main')).toContainText(`${year} 年度`);
  await logout(page);

  await login(page, 'deputy', 'demo-deputy-2026');
  await page.goto('/deputy/ballots');
  const ballot = page.locator('section.ballot', { hasText: `昌吉市 ${year} 年度微实事票决` });
  const candidate = ballot.locator('li', { hasText: title });
  await candidate.getByRole('button', { name: '赞成' }).click();
  await expect(page.getByText('已投票。')).toBeVisible();
  // Once only: the candidate now says so and offers no buttons.
  const after = page.locator('section.ballot', { hasText: `昌吉市 ${year} 年度微实事票决` }).locator('li', { hasText: title });
  await expect(after).toContainText('已投票');
  await expect(after.getByRole('button', { name: '赞成' })).toHaveCount(0);
});
