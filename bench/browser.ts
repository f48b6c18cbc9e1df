/**
 * The dashboard in a real Chromium under load (the performance targets of the dashboard issue):
 * - 48 chairs at 1 Hz for 10 minutes (`--quick`: 2 minutes): p95 frame time, long tasks over
 *   50 ms, JS heap growth after warm-up;
 * - the chair detail of a 4-hour session of 1 Hz data: time from choosing "Whole session" to
 *   the drawn charts;
 * - the first screen's JavaScript, gzipped.
 * The server runs in this process (with a clock that can open a session "4 hours ago").
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { createChairsideServer } from '../apps/server/src/app';

const ROOT = resolve(import.meta.dirname, '..');
const WEB_DIST = join(ROOT, 'apps/web/dist');
const PASSWORD = 'bench-admin-pass-1';

export interface BrowserBenchResult {
  chairs: number;
  seconds: number;
  frames: number;
  frameMs: { p50: number; p95: number; p99: number; max: number };
  longTasks: { count: number; over50ms: number; maxMs: number };
  heapMb: { afterWarmup: number; end: number; growthPercent: number };
  detail: { samples: number; firstRenderMs: number };
  firstScreenGzipKb: number;
}

function firstScreenGzipKb(): number {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(WEB_DIST, f))).length, 0);
  return Math.round(bytes / 102.4) / 10;
}

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const round = (v: number) => Math.round(v * 100) / 100;

export async function runBrowserBench(opts: { quick: boolean }): Promise<BrowserBenchResult> {
  const seconds = Number(process.env['BENCH_BROWSER_SECONDS'] ?? (opts.quick ? 120 : 600));
  const warmupSeconds = Math.min(60, Math.max(10, Math.round(seconds / 6)));
  const chairs = 48;
  process.env['LOG_LEVEL'] ??= 'warn';
  const dataDir = mkdtempSync(join(tmpdir(), 'chairside-browser-bench-'));
  let offset = 0;
  const server = createChairsideServer({
    dataDir,
    webDist: WEB_DIST,
    adminPassword: PASSWORD,
    clock: () => Date.now() + offset,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  const api = async (path: string, token: string | null, body?: unknown) => {
    const r = await fetch(`${url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, unknown>;
  };
  const token = (await api('/auth/login', null, { username: 'admin', password: PASSWORD }))[
    'token'
  ] as string;

  // The 4-hour session first, opened on a clock set back 4 h, then filled with 1 Hz readings.
  const detailHours = 4;
  offset = -detailHours * 3600_000;
  const detailChair = (
    (await api('/chairs', token, { label: 'Long session' }))['chair'] as { id: string }
  ).id;
  const detailSession = (
    (
      await api(`/chairs/${detailChair}/sessions`, token, {
        patientRef: 'KET-4H',
        weightKg: 80,
        doseMgPerKg: 0.5,
        plannedMinutes: 40,
      })
    )['session'] as { id: string }
  ).id;
  await api(`/sessions/${detailSession}/events`, token, { type: 'infusion-started' });
  offset = 0;
  const start = Date.now() - detailHours * 3600_000;
  const total = detailHours * 3600;
  for (let i = 0; i < total; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - i) }, (_, k) => {
      const t = i + k;
      return {
        id: `long-${t}`,
        at: start + t * 1000,
        hr: Math.round(72 + 8 * Math.sin(t / 600)),
        spo2: 97,
        rr: 14,
        etco2: 36,
        ...(t % 300 === 0 ? { sbp: Math.round(125 + 15 * Math.sin(t / 3000)), dbp: 80 } : {}),
        source: 'device',
      };
    });
    await api(`/chairs/${detailChair}/vitals`, token, batch);
  }

  // 47 more chairs (48 in all), each with an infusing session, fed at 1 Hz over the socket ingest.
  const chairIds = [detailChair];
  for (let i = 2; i <= chairs; i++) {
    const id = ((await api('/chairs', token, { label: `Chair ${i}` }))['chair'] as { id: string })
      .id;
    const s = (
      (
        await api(`/chairs/${id}/sessions`, token, {
          patientRef: `KET-${1000 + i}`,
          weightKg: 75,
          doseMgPerKg: 0.5,
          plannedMinutes: 40,
        })
      )['session'] as { id: string }
    ).id;
    await api(`/sessions/${s}/events`, token, { type: 'infusion-started' });
    chairIds.push(id);
  }
  const feeders: Socket[] = await Promise.all(
    chairIds.map(
      () =>
        new Promise<Socket>((res, rej) => {
          const s = io(url, { auth: { token }, transports: ['websocket'] });
          s.once('connect', () => res(s));
          s.once('connect_error', rej);
        }),
    ),
  );
  let tick = 0;
  const feed = setInterval(() => {
    tick++;
    chairIds.forEach((chairId, c) => {
      const t = tick + c;
      feeders[c]?.emit(
        'vitals',
        {
          chairId,
          samples: [
            {
              at: Date.now(),
              hr: Math.round(75 + 10 * Math.sin(t / 30)),
              spo2: 96 + (t % 3),
              rr: 13 + (t % 4),
              etco2: 35 + (t % 5),
              ...(t % 60 === 0 ? { sbp: 120 + (t % 20), dbp: 78 } : {}),
              source: 'device',
            },
          ],
        },
        () => undefined,
      );
    });
  }, 1000);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1048576;
    };
    await page.goto(url);
    await page.getByLabel(/user ?name/i).fill('admin');
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="chair-tile"]').length >= n,
      chairs,
    );
    await page.waitForTimeout(warmupSeconds * 1000);
    const heapStart = await heapMb();
    // Frame times from requestAnimationFrame, long tasks from the Long Tasks API.
    // In-page code goes as text: tsx would wrap functions in a __name() helper the page lacks.
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__long = [];
      let last = performance.now();
      const loop = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    })()`);
    await page.waitForTimeout(seconds * 1000);
    const { frames, long } = await page.evaluate<{ frames: number[]; long: number[] }>(
      '({ frames: window.__frames.slice(1), long: window.__long })',
    );
    const heapEnd = await heapMb();
    const sorted = [...frames].sort((a, b) => a - b);

    // Chair detail of the 4-hour session: choose "Whole session" and time until the charts are drawn.
    await page.goto(`${url}/chairs/${detailChair}`);
    await page.locator('.recharts-surface').first().waitFor({ timeout: 30_000 });
    const t0 = Date.now();
    await page.getByRole('button', { name: /whole session/i }).click();
    // Drawn over the whole session: some line spans (almost) the full plot width.
    await page.waitForFunction(
      `(() => {
        const plot = document.querySelector('.recharts-cartesian-grid')?.getBoundingClientRect().width ?? 0;
        const widths = [...document.querySelectorAll('.recharts-line-curve')].map((p) => p.getBBox().width);
        return plot > 0 && widths.some((w) => w > plot * 0.9);
      })()`,
      undefined,
      { timeout: 30_000, polling: 'raf' },
    );
    const firstRenderMs = Date.now() - t0;

    return {
      chairs,
      seconds,
      frames: frames.length,
      frameMs: {
        p50: round(pct(sorted, 0.5)),
        p95: round(pct(sorted, 0.95)),
        p99: round(pct(sorted, 0.99)),
        max: round(sorted[sorted.length - 1] ?? NaN),
      },
      longTasks: {
        count: long.length,
        over50ms: long.filter((d) => d > 50).length,
        maxMs: round(Math.max(0, ...long)),
      },
      heapMb: {
        afterWarmup: round(heapStart),
        end: round(heapEnd),
        growthPercent: round(((heapEnd - heapStart) / heapStart) * 100),
      },
      detail: { samples: total, firstRenderMs },
      firstScreenGzipKb: firstScreenGzipKb(),
    };
  } finally {
    clearInterval(feed);
    for (const f of feeders) f.close();
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
