// Phones: every page of every role at 360 px, with and without JavaScript, must fit the screen
// (nothing scrolls sideways), and long lists read as stacked cards with their column names.
import { test, expect, Page } from '@playwright/test';
import { expectHydration, jsEnabled, login } from './helpers';

const SLUG = 'changji-urban-heating';

const PAGES: Record<string, string[]> = {
  public: [
    '/', '/drafts', `/drafts/${SLUG}`, `/drafts/${SLUG}/v/1`, `/drafts/${SLUG}/compare?from=1&to=2`,
    `/drafts/${SLUG}/comment/art-5`, `/drafts/${SLUG}/feedback`, '/search?q=供热', '/track', '/login',
    '/no/such/page', '/counties',
  ],
  station: ['/', '/station/notices', '/station/opinions', '/station/batches', '/station/requests', '/account', `/drafts/${SLUG}`],
  committee: [
    '/', '/committee/moderation', '/committee/search?q=供热', `/committee/drafts/${SLUG}/articles`,
    `/committee/drafts/${SLUG}/articles/art-1`, '/committee/coverage', `/committee/drafts/${SLUG}/compilation`,
    `/committee/drafts/${SLUG}/publish`, '/committee/drafts/new', '/account',
  ],
  admin: ['/', '/admin/stations', '/admin/stations?level=4', '/admin/users', '/admin/outbox', '/admin/stations/2', '/admin/units'],
  office: ['/office', '/office/report', '/office/micro', '/office/micro/ballot?id=1'],
  deputy: ['/deputy', '/deputy/ballots'],
  unit: ['/unit', '/unit/projects'],
};

const ACCOUNTS: Record<string, [string, string]> = {
  station: ['station', 'demo-station-2026'],
  committee: ['committee', 'demo-committee-2026'],
  admin: ['admin', 'demo-admin-2026'],
  office: ['office', 'demo-office-2026'],
  deputy: ['deputy', 'demo-deputy-2026'],
  unit: ['unit', 'demo-unit-2026'],
};

/** The page's widest element beyond the viewport, if any (its selector and right edge). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width + 1) return null;
    let worst: { what: string; right: number } | null = null;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      // Content inside a scrolling frame (a wide table's wrapper) does not move the page.
      let p = el.parentElement, framed = false;
      while (p) { if (getComputedStyle(p).overflowX !== 'visible') { framed = true; break; } p = p.parentElement; }
      if (!framed && r.right > width + 1 && (!worst || r.right > worst.right)) {
        worst = { what: `${el.tagName.toLowerCase()}.${(el.className || '').toString().replace(/ /g, '.')}`, right: r.right };
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, worst };
  });
}

for (const [role, paths] of Object.entries(PAGES)) {
  test(`every ${role} page fits a 360 px phone`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    if (ACCOUNTS[role]) await login(page, ...ACCOUNTS[role]);
    const problems: string[] = [];
    for (const path of paths) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBeLessThan(path === '/no/such/page' ? 500 : 400);
      if (jsEnabled()) await expectHydration(page);
      const o = await overflow(page);
      if (o) problems.push(`${path}: ${o.scrollWidth} px wide at ${o.width} px (${o.worst?.what})`);
    }
    expect(problems).toEqual([]);
  });
}

test('a station batch list reads as cards with column names on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'station', 'demo-station-2026');
  await page.goto('/station/batches');
  const cell = page.locator('table.stacked td[data-label="草案"]').first();
  await expect(cell).toBeVisible();
  // Each cell is a line of its own, as wide as the card: no character-per-line column.
  const box = await cell.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(250);
  expect(await cell.evaluate((el) => getComputedStyle(el, '::before').content)).toContain('草案');
});

test('the public search shows hits before facets on a phone, and every facet narrows', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/search?q=供热');
  await expectHydration(page);
  const firstHit = await page.locator('.hit').first().boundingBox();
  const facets = await page.locator('#facets').boundingBox();
  expect(firstHit && facets && firstHit.y < facets.y).toBeTruthy();
  expect(firstHit!.y).toBeLessThan(740);
  // Each facet group narrows the hits when one of its values is chosen.
  const groups = await page.locator('.facet-group h2').allTextContents();
  for (const heading of groups) {
    await page.goto('/search?q=供热');
    const total = async () => Number(((await page.locator('.total').textContent()) ?? '').match(/共 (\d+) 条/)?.[1]);
    const before = await total();
    const group = page.locator('.facet-group', { has: page.getByRole('heading', { name: heading }) });
    const link = group.locator('a.facet').first();
    const count = Number(await link.locator('.count').textContent());
    await link.click();
    await expect(page.locator('.facet.active')).toHaveCount(1);
    expect(await total(), `facet ${heading}`).toBe(count);
    expect(count).toBeLessThanOrEqual(before);
  }
});

test('the draft page puts its title first and paragraph links are big enough for a finger', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/drafts/${SLUG}`);
  await expectHydration(page);
  const title = await page.locator('h1.draft-title').boundingBox();
  expect(title!.y).toBeLessThan(400);
  const link = page.locator('#art-5-p-2').getByRole('link', { name: '对本款提意见' });
  const box = await link.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
});

test('the admin finds a station by name, level and county, page by page', async ({ page }) => {
  await login(page, 'admin', 'demo-admin-2026');
  await page.goto('/admin/stations');
  await expect(page.getByText(/第 1 \/ \d+ 页，每页 50 个/)).toBeVisible();
  await expect(page.locator('table.stacked tbody tr')).toHaveCount(50);
  await page.getByRole('link', { name: '下一页' }).first().click();
  await expect(page.getByText(/第 2 \/ \d+ 页/).first()).toBeVisible();
  await page.goto('/admin/stations');
  await page.getByLabel('层级', { exact: true }).selectOption({ label: '县市' });
  await page.getByRole('button', { name: '筛选' }).click();
  const counties = await page.locator('table.stacked tbody tr').count();
  expect(counties).toBeGreaterThan(0);
  expect(counties).toBeLessThan(50);
  const county = (await page.locator('td[data-label="名称"]').first().textContent())!.trim();
  await page.goto('/admin/stations');
  await page.getByLabel('县市', { exact: true }).selectOption({ label: county });
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page.getByText(/^符合条件的 \d+ 个/)).toBeVisible();
  const rows = page.locator('table.stacked tbody tr');
  for (let i = 0; i < (await rows.count()); i++) {
    expect(await rows.nth(i).textContent()).toContain(county);
  }
});
