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

const NURSE = { username: 'lena', password: 'infusion-nurse-2', role: 'nurse' } as const;

interface SessionBody {
  session: {
    id: string;
    state: string;
    events: { type: string }[];
    baseline: { hr: number | null; sbp: number | null } | null;
  };
}

describe.skipIf(!hasChromium)('an infusion session run by a nurse in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let chairId = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const adminToken = await login(server.url, 'admin', ADMIN_PASSWORD);
    expect((await api(server.url, '/users', { token: adminToken, body: NURSE })).status).toBe(201);
    const chair = await api(server.url, '/chairs', {
      token: adminToken,
      body: { label: 'Chair 1' },
    });
    expect(chair.status).toBe(201);
    chairId = (chair.body as { chair: { id: string } }).chair.id;
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('starts a session, takes readings by keyboard, runs the infusion and discharges by Aldrete', async () => {
    // A 768 px tablet, as at the chairside.
    const page = await browser.newPage({ viewport: { width: 768, height: 1024 } });
    await loginInBrowser(page, server.url, NURSE.username, NURSE.password);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    const tile = page.locator(`[data-testid="chair-tile"][data-chair-id="${chairId}"]`);
    await tile.waitFor();
    // A nurse is offered no administration.
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    // 1. Open the chair and start a session: the dose shows while typing.
    await tile.click();
    await page.getByLabel(/Patient reference/).fill('KET-3001');
    await page.getByLabel(/^Weight/).fill('72');
    await page
      .getByTestId('dose-summary')
      .filter({ hasText: 'Total 36 mg · 0.9 mg/min over 40 min' })
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'session-start-form.png') });
    await page.getByLabel(/^Weight/).press('Enter');
    await page.getByRole('button', { name: 'Start infusion' }).waitFor();
    await page.getByTestId('pre-infusion-step').waitFor();
    const nurseToken = await login(server.url, NURSE.username, NURSE.password);
    const opened = await api(server.url, `/chairs/${chairId}`, { token: nurseToken });
    const sessionId = (opened.body as { chair: { session: { id: string } } }).chair.session.id;

    // 2. Baseline reading from the detail's form, keyboard only.
    await page.getByLabel(/^BP/).focus();
    await page.keyboard.type('124/80');
    await page.keyboard.press('Tab');
    await page.keyboard.type('72');
    await page.keyboard.press('Tab');
    await page.keyboard.type('98');
    await page.keyboard.press('Tab');
    await page.keyboard.type('14');
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved \d\d:\d\d:\d\d$/ })
      .waitFor();

    // 3. Back on the overview, a second reading through the tile's Enter vitals, keyboard only.
    await page.getByRole('link', { name: 'All chairs' }).click();
    await tile.getByTestId('value-bp').filter({ hasText: '124/80' }).waitFor({ timeout: 2000 });
    await page.getByRole('button', { name: 'Enter vitals for Chair 1' }).focus();
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: /Manual reading/ });
    await sheet.waitFor();
    await page.keyboard.type('128/82');
    await page.keyboard.press('Tab');
    await page.keyboard.type('76');
    await page.keyboard.press('Tab');
    await page.keyboard.type('97');
    await page.keyboard.press('Enter');
    const entered = Date.now();
    await tile.getByTestId('value-bp').filter({ hasText: '128/82' }).waitFor({ timeout: 2000 });
    console.log(`manual reading on the tile ${Date.now() - entered} ms after Enter`);
    expect(await tile.getByTestId('value-hr').textContent()).toBe('76');
    expect(await tile.getByTestId('value-spo2').textContent()).toBe('97');
    await sheet.getByText(/^Saved \d\d:\d\d:\d\d$/).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'session-tile-entry.png') });
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    // 4. Start, pause, resume, stop.
    await tile.click();
    await page.getByRole('button', { name: 'Start infusion' }).click();
    const baseline = page.getByTestId('baseline');
    await baseline.waitFor();
    // Median of the two pre-infusion readings: HR 72 and 76, SBP 124 and 128.
    expect(await baseline.textContent()).toContain('HR 74 · BP 126/81');
    await page
      .getByTestId('infusion-timer')
      .filter({ hasText: /infused · 3\d:\d\d left/ })
      .waitFor();
    await page.getByRole('button', { name: 'Pause infusion' }).click();
    await page.getByRole('button', { name: 'Resume infusion' }).click();
    await page.getByTestId('vitals-due').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'session-infusing.png'), fullPage: true });
    await page.getByRole('button', { name: 'Stop infusion (to recovery)' }).click();
    await page.getByRole('button', { name: 'Yes, stop infusion (to recovery)' }).click();

    // 5. Aldrete: circulation and SpO2 come from the readings; the nurse scores the rest.
    const result = page.getByTestId('aldrete-result');
    await result.waitFor();
    expect(await result.textContent()).toContain(
      'Not ready: score Activity, Respiration, Consciousness first',
    );
    expect(await page.getByRole('button', { name: 'Discharge' }).isDisabled()).toBe(true);
    await page.getByRole('radio', { name: /Moves all four limbs/ }).check();
    await page.getByRole('radio', { name: /Breathes deeply/ }).check();
    await page.getByRole('radio', { name: /Arousable on calling/ }).check();
    await result.filter({ hasText: 'Ready for discharge: Aldrete 9/10' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'session-aldrete.png'), fullPage: true });
    await page.getByRole('button', { name: 'Discharge' }).click();
    await page.getByRole('heading', { name: 'Start an infusion session' }).waitFor();

    // The server holds the whole story.
    const stored = (await api(server.url, `/sessions/${sessionId}`, { token: nurseToken }))
      .body as SessionBody;
    expect(stored.session.state).toBe('discharged');
    expect(stored.session.events.map((e) => e.type)).toEqual([
      'infusion-started',
      'infusion-paused',
      'infusion-resumed',
      'infusion-stopped',
      'discharged',
    ]);
    expect(stored.session.baseline).toMatchObject({ hr: 74, sbp: 126 });
    await page.screenshot({ path: join(ARTIFACTS, 'session-discharged.png'), fullPage: true });
    await page.close();
  }, 60_000);
});
