import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  ARTIFACTS,
  api,
  hasChromium,
  launchBrowser,
  login,
  loginInBrowser,
  removeDir,
  startServer,
} from './harness';
import type { RunningServer } from './harness';

describe.skipIf(!hasChromium)('connection lost', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const token = await login(server.url, 'admin', ADMIN_PASSWORD);
    expect((await api(server.url, '/chairs', { token, body: { label: 'Chair A' } })).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    await browser.close();
    await server.close().catch(() => undefined);
    removeDir(server.dataDir);
  });

  it('shows a red connection-lost state while the server is down and recovers when it is back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await loginInBrowser(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.getByTestId('chair-tile').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('connection-lost').count()).toBe(0);

    const port = new URL(server.url).port;
    await server.close();
    const banner = page.getByTestId('connection-lost');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/connection lost/i);
    await page.screenshot({ path: join(ARTIFACTS, 'connection-lost.png') });

    // Same data directory, same port: the page reconnects by itself and the banner goes away.
    server = await startServer(server.dataDir, Number(port));
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByTestId('chair-tile').count()).toBe(1);
    await page.close();
  });
});
