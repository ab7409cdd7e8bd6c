// End-to-end tests in Debian's Chromium (never a downloaded browser), in two projects:
// "hydrate" with JavaScript (checks the wasm bundle really took over) and "ssr" without.
// The server is started here: YIJIAN_BIN names the binary, YIJIAN_E2E_DATA a fresh data dir.
import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

const port = Number(process.env.YIJIAN_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const bin = process.env.YIJIAN_BIN ?? path.resolve(__dirname, '../target/debug/yijian');
const siteRoot = process.env.YIJIAN_SITE_ROOT ?? path.resolve(__dirname, '../target/site');
const dataDir = process.env.YIJIAN_E2E_DATA ?? path.join(os.tmpdir(), `yijian-e2e-${port}`);

export default defineConfig({
  testDir: './tests',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'hydrate', use: { javaScriptEnabled: true } },
    { name: 'ssr', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: `"${bin}" serve --demo --bind 127.0.0.1:${port} --data-dir "${dataDir}" --site-root "${siteRoot}"`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
