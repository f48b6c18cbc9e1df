import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
 * The station screen of issue 4: eight chairs on one 1920x1080 screen, numerals readable from
 * 3 m, a 768 px tablet without sideways scrolling, and the whole job done by keyboard.
 */

const NURSE = { username: 'nina', password: 'infusion-nurse-4', role: 'nurse' } as const;
const LABELS = [
  'Chair 1',
  'Chair 2',
  'Chair 3',
  'Chair 4',
  'Chair 5',
  'Chair 6',
  'Chair 7',
  'Chair 8',
];

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

async function tileBoxes(page: Page): Promise<Box[]> {
  return page.locator('.chair-tile-cell').evaluateAll((cells) =>
    cells.map((c) => {
      const r = c.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }),
  );
}

async function openOverview(server: RunningServer, page: Page): Promise<void> {
  await loginInBrowser(page, server.url, NURSE.username, NURSE.password);
  await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
  await expect.poll(() => page.getByTestId('chair-tile').count(), { timeout: 10_000 }).toBe(8);
  // The readings of the backfill are on the tiles.
  await expect
    .poll(() => page.getByTestId('value-hr').allTextContents(), { timeout: 10_000 })
    .not.toContain('--');
}

describe.skipIf(!hasChromium)('overview layout and keyboard use', () => {
  let server: RunningServer;
  let browser: Browser;
  const chairIds: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    expect((await api(server.url, '/users', { token: admin, body: NURSE })).status).toBe(201);
    for (const label of LABELS) {
      const res = await api(server.url, '/chairs', { token: admin, body: { label } });
      chairIds.push((res.body as { chair: { id: string } }).chair.id);
    }
    const nurse = await login(server.url, NURSE.username, NURSE.password);
    // Chair 1 infusing (timer and vitals-due band), every chair with a full set of readings,
    // Chair 5 with a high SpO2 alarm (a manual reading alarms at once).
    const session = await api(server.url, `/chairs/${chairIds[0]}/sessions`, {
      token: nurse,
      body: { patientRef: 'KET-2041', weightKg: 72, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    expect(session.status).toBe(201);
    for (const [i, id] of chairIds.entries()) {
      const res = await api(server.url, `/chairs/${id}/vitals`, {
        token: nurse,
        body: {
          at: new Date().toISOString(),
          hr: 70 + i,
          sbp: i === 2 ? 188 : 120 + i,
          dbp: i === 2 ? 112 : 78,
          spo2: i === 4 ? 86 : 97,
          rr: 14,
          etco2: 36,
          sedation: { scale: 'MOAA/S', score: 5 },
          source: 'manual',
        },
      });
      expect(res.status).toBe(201);
    }
    const { session: opened } = session.body as { session: { id: string } };
    const started = await api(server.url, `/sessions/${opened.id}/events`, {
      token: nurse,
      body: { type: 'infusion-started' },
    });
    expect(started.status).toBe(200);
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('fits 8 chairs on 1920x1080 without scrolling, with numerals of at least 48 px', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await openOverview(server, page);
    await page.getByTestId('tile-alarm').first().waitFor();

    const boxes = await tileBoxes(page);
    expect(boxes).toHaveLength(8);
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(1920);
      expect(box.bottom).toBeLessThanOrEqual(1080);
    }
    // 4 x 2: two rows of four.
    expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(2);
    const page_ = await page.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
    }));
    expect(page_).toEqual({ scrollHeight: 1080, scrollWidth: 1920 });

    const sizes = await page
      .locator(
        '[data-testid="value-hr"], [data-testid="value-spo2"], [data-testid="value-bp"], [data-testid="value-rr"]',
      )
      .evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(sizes).toHaveLength(32);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(48);

    // Every tile has the same height whatever it shows (alarm, timer, nothing): no jumps.
    const heights = new Set(boxes.map((b) => Math.round(b.bottom - b.top)));
    expect(heights.size).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-8-chairs-1920x1080.png') });
    await page.close();
  });

  it('keeps a 768 px tablet free of sideways overflow, inside the page and inside each tile', async () => {
    const page = await browser.newPage({ viewport: { width: 768, height: 1024 } });
    await openOverview(server, page);
    const widths = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.clientWidth);
    const columns = new Set((await tileBoxes(page)).map((b) => Math.round(b.left)));
    expect(columns.size).toBeGreaterThanOrEqual(1);
    expect(columns.size).toBeLessThanOrEqual(2);
    // Nothing sticks out of its tile (a long state pill, a value, the age of a reading).
    const sticking = await page.locator('.chair-tile').evaluateAll((tiles) =>
      tiles.flatMap((tile) => {
        const edge = tile.getBoundingClientRect();
        return [...tile.querySelectorAll('*')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.right > edge.right + 0.5 || r.left < edge.left - 0.5);
          })
          .map((el) => `${el.className || el.tagName}: ${el.textContent}`);
      }),
    );
    expect(sticking).toEqual([]);
    await page.screenshot({
      path: join(ARTIFACTS, 'overview-tablet-768x1024.png'),
      fullPage: true,
    });
    await page.close();
  });

  it('works by keyboard alone: Tab to a chair, Enter, enter a reading; Escape closes the sheet', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await openOverview(server, page);
    const target = chairIds[2] ?? '';

    // The tile's entry sheet: Enter opens it, Escape closes it and gives the focus back.
    const focusedName = () =>
      page.evaluate(
        () =>
          document.activeElement?.getAttribute('aria-label') ??
          document.activeElement?.textContent ??
          '',
      );
    for (let i = 0; i < 60 && (await focusedName()) !== 'Enter vitals for Chair 2'; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focusedName()).toBe('Enter vitals for Chair 2');
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: /Manual reading/ });
    await sheet.waitFor();
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    expect(await focusedName()).toBe('Enter vitals for Chair 2');

    // On to Chair 3's tile; the focus ring is visible.
    const onTarget = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-chair-id') ?? null);
    for (let i = 0; i < 60 && (await onTarget()) !== target; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await onTarget()).toBe(target);
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement ?? document.body);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(ring.style).toBe('solid');
    expect(ring.width).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Chair 3, .*BP 188\/112 mmHg/,
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/chairs/${target}`);

    // Tab to the manual reading's first field (BP) and type a full set.
    const onField = () => page.evaluate(() => document.activeElement?.id ?? '');
    const bpField = await page
      .getByRole('form', { name: 'Manual reading for Chair 3' })
      .locator('input')
      .first()
      .getAttribute('id');
    for (let i = 0; i < 80 && (await onField()) !== bpField; i++) {
      await page.keyboard.press('Tab');
    }
    expect(await onField()).toBe(bpField);
    await page.keyboard.type('132/84');
    await page.keyboard.press('Tab');
    await page.keyboard.type('77');
    await page.keyboard.press('Tab');
    await page.keyboard.type('98');
    await page.keyboard.press('Enter');
    await page.getByText(/^Saved \d\d:\d\d:\d\d$/).waitFor({ timeout: 5000 });

    const nurse = await login(server.url, NURSE.username, NURSE.password);
    const stored = await api(server.url, `/chairs/${target}/vitals`, { token: nurse });
    const samples = (
      stored.body as { samples: { sbp?: number; hr?: number; spo2?: number; source: string }[] }
    ).samples;
    expect(samples.at(-1)).toMatchObject({ sbp: 132, hr: 77, spo2: 98, source: 'manual' });
    await page.close();
  });
});
