import { expect, Page, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const jsEnabled = () => test.info().project.name === 'hydrate';

/** Fails on serious or critical accessibility violations (axe-core, WCAG 2 A/AA rules). */
export async function checkA11y(page: Page) {
  const results = jsEnabled() ? await audit(page) : await auditWithoutJs(page);
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `accessibility violations on ${page.url()}`).toEqual([]);
}

async function audit(page: Page) {
  return new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
}

/**
 * axe runs as a script, which a JavaScript-disabled page cannot run. So the page's server-rendered
 * DOM (scripts removed) is loaded into a scratch page on the same origin, with its stylesheet,
 * and audited there.
 */
async function auditWithoutJs(page: Page) {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true });
  try {
    const scratch = await context.newPage();
    await scratch.goto(new URL('/healthz', page.url()).toString());
    await scratch.setContent(html, { waitUntil: 'load' });
    return await audit(scratch);
  } finally {
    await context.close();
  }
}

/**
 * With JavaScript the wasm bundle must hydrate the page — or, on the pages the server sends
 * light (an anonymous reader's reading pages, `body[data-page=light]`), the light script must
 * have run and the bundle must not be loaded; without JavaScript neither may happen.
 */
export async function expectHydration(page: Page) {
  const body = page.locator('body');
  const light = (await body.getAttribute('data-page')) === 'light';
  if (!jsEnabled()) {
    await expect(body).not.toHaveAttribute('data-hydrated', 'true');
    await expect(body).not.toHaveAttribute('data-enhanced', 'light');
  } else if (light) {
    await expect(body).toHaveAttribute('data-enhanced', 'light');
    await expect(body).not.toHaveAttribute('data-hydrated', 'true');
    expect(await page.locator('script[src*="/pkg/yijian."]').count()).toBe(0);
  } else {
    await expect(body).toHaveAttribute('data-hydrated', 'true');
  }
}

export async function login(page: Page, name: string, password: string) {
  await page.goto('/login');
  await expectHydration(page);
  await page.getByLabel('登录名').fill(name);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.locator('.role-badge')).toBeVisible();
}
