// 督办 in the browser, read-only on the demo (both projects share one server): the office sees
// a unit's pending reassignment request with its reason, 重点督办 per leader and the month's
// report with its downloads; the unit sees its counts and the supervising leader.
import { test, expect } from '@playwright/test';
import { checkA11y, expectHydration, login } from './helpers';

test('the office chases per leader, sees a reassignment request and the month report', async ({ page }) => {
  await login(page, 'office', 'demo-office-2026');
  await page.goto('/office');
  await expectHydration(page);
  await expect(page.getByRole('heading', { name: /^改办申请（1 件待处理）/ })).toBeVisible();
  await expect(page.locator('main')).toContainText('建议改由昌吉市人民政府办理');
  await expect(page.getByRole('heading', { name: '重点督办：按督办领导' })).toBeVisible();
  await expect(page.locator('main')).toContainText('州人大常委会副主任 李明 督办 2 件 · 超期 1 件');
  await page.getByRole('link', { name: /^办理情况通报/ }).click();
  await expect(page.getByRole('heading', { name: '代表建议办理情况通报' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '一、按承办单位' })).toBeVisible();
  await expect(page.getByRole('row', { name: /合计/ }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: '下载 Excel（XLSX）' })).toHaveAttribute('href', /\/office\/report\.xlsx\?period=\d{4}-\d{2}$/);
  await expect(page.getByRole('link', { name: '下载 PDF' })).toHaveAttribute('href', /\/office\/report\.pdf\?period=/);
  await checkA11y(page);
  // The quarter, through the form.
  await page.getByLabel(/^统计期间/).fill('2026-Q4');
  await page.getByRole('button', { name: '查看' }).click();
  await expect(page.getByRole('heading', { name: '2026年第四季度' })).toBeVisible();
});

test('the unit sees its counts and the leader supervising an item', async ({ page }) => {
  await login(page, 'unit', 'demo-unit-2026');
  await page.goto('/unit');
  await expectHydration(page);
  await expect(page.locator('.queue-counts')).toContainText(/待办 \d+ 件，其中逾期 \d+ 件，重点督办 1 件/);
  await expect(page.locator('main')).toContainText('督办领导：州人大常委会副主任 李明');
  await expect(page.locator('main')).toContainText('待办公室处理');
  await checkA11y(page);
});
