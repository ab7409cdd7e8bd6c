// The page-weight benchmark: what an anonymous reader's phone downloads and how long until the
// inline comment form works, in Debian's Chromium on an emulated slow link.
//
//   node end2end/pageweight.mjs            (YIJIAN_BIN and YIJIAN_SITE_ROOT as for the e2e suite)
//
// Starts the demo twice — as shipped (light reading pages) and with --hydrate-public-pages (the
// whole application, as before) — and for each visits the demo draft's reading page:
//   first_visit_kb   bytes transferred on a first visit (empty cache): HTML, CSS, scripts, wasm
//   second_visit_kb  bytes transferred when the page is opened again (cache kept; within the
//                    page's max-age the browser asks nothing, after it a 304)
//   interactive_s    from navigation to a working enhancement (light: the script ran; full: the
//                    bundle hydrated), on 400 kbit/s down and up, 400 ms round trips, CPU 4×
//                    slower
//   form_open_s      then, clicking 「发表意见」 until the form's first field is visible
//   form_open_kb     bytes that click transferred (the light page fetches the comment page)
// Prints JSON lines {"bench":"pageweight","mode","metric","value","unit"} like `yijian bench`.
import { createRequire } from 'module';
import { execSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as url from 'url';

const here = path.dirname(url.fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, 'package.json'));
const { chromium } = require('playwright-core');
const bin = process.env.YIJIAN_BIN ?? path.resolve(here, '../target/debug/yijian');
const siteRoot = process.env.YIJIAN_SITE_ROOT ?? path.resolve(here, '../target/site');
const page_path = process.env.PAGEWEIGHT_PATH ?? '/drafts/changji-urban-heating';
const SLOW = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };

const emit = (mode, metric, value, unit) =>
  console.log(JSON.stringify({ bench: 'pageweight', mode, metric, value: Math.round(value * 100) / 100, unit }));

async function server(port, extra) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'yijian-pageweight-'));
  const proc = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`, '--data-dir', data, '--site-root', siteRoot, ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, stop: () => { proc.kill('SIGTERM'); fs.rmSync(data, { recursive: true, force: true }); } };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  proc.kill('SIGKILL');
  throw new Error(`the server on ${port} did not start`);
}

async function visit(context, target, ready) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const started = Date.now();
  await page.goto(target, { waitUntil: 'domcontentloaded', timeout: 600_000 });
  await page.waitForSelector(ready, { state: 'attached', timeout: 600_000 });
  const interactive = (Date.now() - started) / 1000;
  await page.waitForLoadState('networkidle', { timeout: 600_000 });
  return { page, cdp, bytes: () => bytes, interactive };
}

async function measure(browser, mode, base) {
  const ready = mode === 'light' ? 'body[data-enhanced=light]' : 'body[data-hydrated=true]';
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const first = await visit(context, base + page_path, ready);
  const firstBytes = first.bytes();
  const clicked = Date.now();
  await first.page.locator('#art-3 a.comment-link').first().click();
  await first.page.locator('#art-3 form.comment-form input[type=radio]').first().waitFor({ timeout: 600_000 });
  const formOpen = (Date.now() - clicked) / 1000;
  const formBytes = first.bytes() - firstBytes;
  await first.page.close();
  const second = await visit(context, base + page_path, ready);
  emit(mode, 'first_visit_kb', firstBytes / 1024, 'KiB');
  emit(mode, 'interactive_s', first.interactive, 's');
  emit(mode, 'form_open_s', formOpen, 's');
  emit(mode, 'form_open_kb', formBytes / 1024, 'KiB');
  emit(mode, 'second_visit_kb', second.bytes() / 1024, 'KiB');
  await context.close();
}

const exe = execSync('command -v chromium').toString().trim();
const browser = await chromium.launch({ executablePath: exe, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const wasm = fs.readFileSync(path.join(siteRoot, 'pkg', 'assets.txt'), 'utf8').match(/wasm: (\S+)/)?.[1];
const wasmKb = wasm ? fs.statSync(path.join(siteRoot, 'pkg', wasm + '.gz')).size / 1024 : 0;
console.log(JSON.stringify({ bench: 'pageweight', note: `${page_path} at 360 px; link 400 kbit/s, RTT 400 ms, CPU 4x; site ${siteRoot} (wasm ${wasmKb.toFixed(0)} KiB gzip)` }));
for (const [mode, port, extra] of [['light', 3201, []], ['full', 3202, ['--hydrate-public-pages']]]) {
  if (mode === 'full' && process.env.PAGEWEIGHT_SKIP_FULL) continue;
  const s = await server(port, extra);
  try {
    await measure(browser, mode, s.base);
  } finally {
    s.stop();
  }
}
await browser.close();
