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
 * The trainer console in a real browser against the real server: a trainer starts a
 * desaturation run at 20x, injects a desaturation with the button, sees the event and the SpO2
 * alarm on the run's timeline, stops the run and opens its debrief.
 */

const TRAINER = { username: 'tess', password: 'trainer-pass-1', role: 'trainer' } as const;
const NURSE = { username: 'amy', password: 'infusion-nurse-1', role: 'nurse' } as const;

interface RunBody {
  runs: { id: string; state: string; events: { type: string; by: string }[] }[];
}

describe.skipIf(!hasChromium)('trainer console in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await login(server.url, 'admin', ADMIN_PASSWORD);
    expect((await api(server.url, '/users', { token: adminToken, body: TRAINER })).status).toBe(
      201,
    );
    expect((await api(server.url, '/users', { token: adminToken, body: NURSE })).status).toBe(201);
    for (const label of ['Chair 1', 'Chair 2'])
      expect(
        (await api(server.url, '/chairs', { token: adminToken, body: { label } })).status,
      ).toBe(201);
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('starts a run, injects a desaturation, shows the SpO2 alarm on the timeline and the debrief', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await loginInBrowser(page, server.url, TRAINER.username, TRAINER.password);
    await page.getByRole('link', { name: 'Trainer' }).click();
    await page.getByRole('heading', { name: 'Trainer console' }).waitFor();

    await page.getByLabel('Chair').selectOption({ label: 'Chair 1' });
    await page.getByLabel('Scenario').selectOption({ label: 'Desaturation with hypoventilation' });
    await page.getByText(/breathing slows to 6\/min/).waitFor();
    await page.getByLabel('Speed (×)').fill('20');
    await page.getByRole('button', { name: 'Start run' }).click();

    const panel = page.getByRole('article', { name: 'Run on Chair 1' });
    await panel.waitFor({ timeout: 10_000 });
    await panel.getByRole('button', { name: 'Desaturate to 85 % over 60 s' }).click();
    await panel.getByText('Desaturate to 85 % over 60 s: injected.').waitFor();
    const timeline = panel.getByRole('list', { name: 'Run timeline' });
    await timeline.getByText('desaturate: toSpo2 85, overSeconds 60').waitFor({ timeout: 5000 });
    // The SpO2 falls to about 85 in 3 s of wall time at 20x; the alarm follows its condition delay.
    await timeline.getByText(/SpO2/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'trainer.png'), fullPage: true });

    const { body } = await api(server.url, '/simulator/runs?state=running', { token: adminToken });
    const [run] = (body as RunBody).runs;
    expect(run?.events).toEqual([expect.objectContaining({ type: 'desaturate', by: 'tess' })]);

    // The trainee (a nurse at her station) acknowledges the SpO2 alarm a little later.
    const nurseToken = await login(server.url, NURSE.username, NURSE.password);
    const alerts = await api(server.url, '/alerts?state=active', { token: nurseToken });
    const spo2 = (alerts.body as { alerts: { id: string; parameter: string }[] }).alerts.find(
      (a) => a.parameter === 'spo2',
    );
    expect(spo2).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      (
        await api(server.url, `/alerts/${spo2?.id ?? ''}/acknowledge`, {
          token: nurseToken,
          method: 'POST',
        })
      ).status,
    ).toBe(200);
    await timeline.getByText('acknowledged by amy').waitFor({ timeout: 5000 });

    await panel.getByRole('button', { name: 'Stop run' }).click();
    await page.getByText('No run is going.').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Debrief' }).first().click();
    const debrief = page.getByRole('region', {
      name: /Debrief of Desaturation with hypoventilation on Chair 1/,
    });
    await debrief.waitFor({ timeout: 5000 });
    // The acknowledged SpO2 alarm shows who and how fast (at least the 1.5 s she waited).
    const row = debrief.getByRole('row').filter({ hasText: 'SpO2' }).first();
    await row.getByRole('cell', { name: 'amy' }).waitFor();
    expect(await row.getByRole('cell').last().textContent()).toMatch(/^\d+ s$/);
    expect(await debrief.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toMatch(
      /^data:text\/csv/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'trainer-debrief.png'), fullPage: true });
    await page.close();
  });
});
