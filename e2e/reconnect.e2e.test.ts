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

/**
 * Issue 6, reconnect, in the real dashboard: the page loses its live link for 30 s of
 * readings; when it is back, the server replays what it missed (the page's cursor) and the
 * tile shows the latest reading without the page reloading history over HTTP.
 */
describe.skipIf(!hasChromium)('dashboard reconnect', () => {
  let server: RunningServer;
  let browser: Browser;
  let token: string;
  let chairId: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    token = await login(server.url, 'admin', ADMIN_PASSWORD);
    const created = await api(server.url, '/chairs', { token, body: { label: 'Chair R' } });
    expect(created.status).toBe(201);
    chairId = (created.body as { chair: { id: string } }).chair.id;
  });

  afterAll(async () => {
    await browser.close();
    await server.close().catch(() => undefined);
    removeDir(server.dataDir);
  });

  const post = async (second: number, hr: number, base: number) => {
    const res = await api(server.url, `/chairs/${chairId}/vitals`, {
      token,
      body: { id: `r-${second}`, at: base + second * 1000, hr, spo2: 97, source: 'device' },
    });
    expect(res.status).toBe(201);
  };

  it('replays the 30 s of readings it missed and shows the latest at once', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await loginInBrowser(page, server.url, 'admin', ADMIN_PASSWORD);
    const tile = page.getByTestId('chair-tile').first();
    await tile.waitFor({ timeout: 10_000 });
    const base = Date.now() - 40_000;
    await post(0, 71, base);
    await expect
      .poll(() => tile.getByTestId('value-hr').textContent(), { timeout: 5000 })
      .toMatch(/71/);

    // The link drops and the server refuses the page for a while (a Wi-Fi outage).
    let refusing = true;
    server.server.io.use((_socket, next) => {
      next(refusing ? new Error('unavailable') : undefined);
    });
    for (const socket of server.server.io.sockets.sockets.values()) socket.conn.close();
    await page.getByTestId('connection-lost').waitFor({ timeout: 10_000 });

    // 30 s of readings while away; the last one is HR 129.
    for (let s = 1; s <= 30; s++) await post(s, 99 + s, base);
    const vitalsRequests: string[] = [];
    page.on('request', (request) => {
      if (/\/vitals(\?|$)/.test(request.url())) vitalsRequests.push(request.url());
    });
    const replayedBefore = server.server.relay.stats().samplesReplayed;

    refusing = false;
    await page.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 20_000 });
    await expect
      .poll(() => tile.getByTestId('value-hr').textContent(), { timeout: 5000 })
      .toMatch(/129/);
    await page.screenshot({ path: join(ARTIFACTS, 'reconnect-replayed.png') });
    // BP and RR were never measured: "not measured" beside their "--" is whole, not clipped.
    const clipped = await tile
      .locator('.vital-side')
      .evaluateAll((sides) =>
        sides.filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.textContent),
      );
    expect(clipped).toEqual([]);
    // The 30 readings came through the replay, not through an HTTP reload of the history.
    expect(server.server.relay.stats().samplesReplayed - replayedBefore).toBe(30);
    expect(vitalsRequests).toEqual([]);
    await page.close();
  });
});
