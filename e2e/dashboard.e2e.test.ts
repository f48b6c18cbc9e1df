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

const NURSE = { username: 'amy', password: 'infusion-nurse-1', role: 'nurse' } as const;

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminToken: string;
  const chairIds: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await login(server.url, 'admin', ADMIN_PASSWORD);
    const created = await api(server.url, '/users', { token: adminToken, body: NURSE });
    expect(created.status).toBe(201);
    for (const label of ['Chair 1', 'Chair 2', 'Chair 3']) {
      const res = await api(server.url, '/chairs', { token: adminToken, body: { label } });
      expect(res.status).toBe(201);
      chairIds.push((res.body as { chair: { id: string } }).chair.id);
    }
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('shows a sample posted through the API on the right tile within 1 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginInBrowser(page, server.url, NURSE.username, NURSE.password);
    const tiles = page.getByTestId('chair-tile');
    await expect.poll(() => tiles.count(), { timeout: 10_000 }).toBe(3);
    // The dashboard must be live (subscribed) before we post, or we would test the backfill.
    await expect
      .poll(() => page.getByTestId('connection-lost').count(), { timeout: 10_000 })
      .toBe(0);

    const chair2 = page.locator(`[data-testid="chair-tile"][data-chair-id="${chairIds[1]}"]`);
    await expect.poll(() => chair2.getByTestId('value-spo2').textContent()).toMatch(/--/);

    const nurseToken = await login(server.url, NURSE.username, NURSE.password);
    const posted = Date.now();
    const res = await api(server.url, `/chairs/${chairIds[1]}/vitals`, {
      token: nurseToken,
      body: {
        at: new Date().toISOString(),
        hr: 88,
        sbp: 141,
        dbp: 92,
        spo2: 95,
        rr: 15,
        source: 'manual',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });

    await chair2.getByTestId('value-spo2').filter({ hasText: '95' }).waitFor({ timeout: 1000 });
    const elapsed = Date.now() - posted;
    expect(elapsed).toBeLessThan(1000);
    expect(await chair2.getByTestId('value-hr').textContent()).toContain('88');
    expect(await chair2.getByTestId('value-bp').textContent()).toContain('141/92');
    // The other chairs did not get it.
    const chair1 = page.locator(`[data-testid="chair-tile"][data-chair-id="${chairIds[0]}"]`);
    expect(await chair1.getByTestId('value-spo2').textContent()).toContain('--');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-live-sample.png') });
    console.log(`sample reached the tile ${elapsed} ms after the POST`);
    await page.close();
  });

  it('marks a value stale once it is older than 30 s', async () => {
    const nurseToken = await login(server.url, NURSE.username, NURSE.password);
    const old = new Date(Date.now() - 45_000).toISOString();
    const res = await api(server.url, `/chairs/${chairIds[2]}/vitals`, {
      token: nurseToken,
      body: { at: old, hr: 71, source: 'manual' },
    });
    expect(res.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginInBrowser(page, server.url, NURSE.username, NURSE.password);
    const chair3 = page.locator(`[data-testid="chair-tile"][data-chair-id="${chairIds[2]}"]`);
    const hr = chair3.getByTestId('value-hr');
    await hr.filter({ hasText: '71' }).waitFor({ timeout: 5000 });
    const staleMarked = chair3.locator('[data-stale="true"]');
    await expect.poll(() => staleMarked.count()).toBeGreaterThan(0);
    expect(await chair3.textContent()).toMatch(/STALE/);
    await page.close();
  });
});
