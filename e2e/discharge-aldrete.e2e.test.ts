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

/** The Aldrete score a patient is discharged on, from the nurse's clicks to the chart. */

const NURSE = { username: 'rita', password: 'infusion-nurse-5', role: 'nurse' } as const;
const SCORE = 'Aldrete 9/10 (Activity 2, Respiration 2, Circulation 2, Consciousness 1, SpO2 2)';

interface SessionBody {
  session: {
    id: string;
    state: string;
    events: { type: string; by: string; aldrete?: Record<string, number> }[];
  };
}

describe.skipIf(!hasChromium)('discharge with the modified Aldrete score', () => {
  let server: RunningServer;
  let browser: Browser;
  let chairId: string;
  let sessionId: string;
  let nurse: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    expect((await api(server.url, '/users', { token: admin, body: NURSE })).status).toBe(201);
    const chair = await api(server.url, '/chairs', { token: admin, body: { label: 'Chair 9' } });
    chairId = (chair.body as { chair: { id: string } }).chair.id;
    nurse = await login(server.url, NURSE.username, NURSE.password);
    const created = await api(server.url, `/chairs/${chairId}/sessions`, {
      token: nurse,
      body: { patientRef: 'KET-3090', weightKg: 68, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    sessionId = (created.body as SessionBody).session.id;
    const reading = (sbp: number) =>
      api(server.url, `/chairs/${chairId}/vitals`, {
        token: nurse,
        body: { at: new Date().toISOString(), hr: 72, sbp, dbp: 80, spo2: 97, source: 'manual' },
      });
    expect((await reading(126)).status).toBe(201);
    for (const type of ['infusion-started', 'infusion-stopped']) {
      const res = await api(server.url, `/sessions/${sessionId}/events`, {
        token: nurse,
        body: { type },
      });
      expect(res.status).toBe(200);
    }
    // In recovery, BP within 20% of the baseline: circulation scores 2 by itself.
    expect((await reading(130)).status).toBe(201);
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('records the score the nurse gave, shows it on the chair and in the session report', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await loginInBrowser(page, server.url, NURSE.username, NURSE.password);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    await page.goto(`${server.url}/chairs/${chairId}`);
    const result = page.getByTestId('aldrete-result');
    await result.waitFor();
    await page.getByRole('radio', { name: /Moves all four limbs/ }).check();
    await page.getByRole('radio', { name: /Breathes deeply/ }).check();
    await page.getByRole('radio', { name: /Arousable on calling/ }).check();
    await result.filter({ hasText: 'Ready for discharge: Aldrete 9/10' }).waitFor();
    await page.getByRole('button', { name: 'Discharge' }).click();

    // The panel keeps what was recorded in view after the chair is free again.
    const note = page.getByTestId('last-discharge');
    await note.waitFor();
    expect(await note.textContent()).toContain(`by ${NURSE.username} on ${SCORE}`);

    const stored = (await api(server.url, `/sessions/${sessionId}`, { token: nurse }))
      .body as SessionBody;
    expect(stored.session.state).toBe('discharged');
    expect(stored.session.events.at(-1)).toMatchObject({
      type: 'discharged',
      by: NURSE.username,
      aldrete: {
        activity: 2,
        respiration: 2,
        circulation: 2,
        consciousness: 1,
        spo2: 2,
        total: 9,
      },
    });

    await page.goto(`${server.url}/sessions/${sessionId}/report`);
    const reported = page.getByTestId('report-aldrete');
    await reported.waitFor();
    expect(await reported.textContent()).toBe(SCORE);
    await page.screenshot({ path: join(ARTIFACTS, 'report-aldrete.png'), fullPage: true });
    await page.close();
  });
});
