import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Role, StoredSample, VitalsTrend } from '@chairside/core';
import { call, createChair, startTestServer, tokensForAllRoles } from '../testing/harness';
import type { TestServer } from '../testing/harness';

// Sample times are checked against the server's clock: pin it so 4 h of history is "the past".
const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const START = NOW - 4 * 3600_000;
const SECONDS = 4 * 3600;
/** A 10 s desaturation to 86 % two hours in. */
const DIP_FROM = 2 * 3600 + 17;
const DIP_SECONDS = 10;

let t: TestServer;
let tokens: Record<Role, string>;
let chairId: string;

/** SpO2 wandering between 95 and 99 with the dip; BP every 5 minutes; a sedation score each 15. */
function sampleAt(s: number) {
  const dip = s >= DIP_FROM && s < DIP_FROM + DIP_SECONDS;
  return {
    id: `trend-${s}`,
    at: START + s * 1000,
    hr: Math.round(72 + 8 * Math.sin(s / 600)) + (s % 3),
    spo2: dip ? 86 : 97 + (((s * 7919) % 5) - 2),
    rr: 14,
    ...(s % 300 === 0 ? { sbp: 120 + ((s / 300) % 10), dbp: 78 } : {}),
    ...(s % 900 === 0 ? { sedation: { scale: 'MOAA/S' as const, score: 4 } } : {}),
    ...(s === 1234 ? { sedation: { scale: 'RASS' as const, score: -1 } } : {}),
    source: 'device' as const,
  };
}

const trendOf = async (query: string, token = tokens.nurse) =>
  call<{ trend: VitalsTrend }>(t.url, 'GET', `/chairs/${chairId}/vitals/trend${query}`, { token });
const window4h = `from=${new Date(START).toISOString()}&to=${new Date(NOW).toISOString()}`;

beforeAll(async () => {
  t = await startTestServer({ clock: () => NOW });
  tokens = await tokensForAllRoles(t.url);
  chairId = await createChair(t.url, tokens.admin, 'Trend chair');
  for (let i = 0; i < SECONDS; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, SECONDS - i) }, (_, k) => sampleAt(i + k));
    const res = await call(t.url, 'POST', `/chairs/${chairId}/vitals`, {
      token: tokens.nurse,
      body: batch,
    });
    expect(res.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await t.stop();
});

describe('GET /chairs/{chairId}/vitals/trend', () => {
  it('downsamples 4 h of 1 Hz to at most `points` per parameter, keeping the 10 s desaturation', async () => {
    const res = await trendOf(`?${window4h}&points=600`);
    expect(res.status).toBe(200);
    const { trend } = res.body;
    expect(trend).toMatchObject({
      chairId,
      from: new Date(START).toISOString(),
      to: new Date(NOW).toISOString(),
      points: 600,
      samples: SECONDS,
    });
    const spo2 = trend.series.spo2;
    expect(spo2.count).toBe(SECONDS);
    expect(spo2.points).toHaveLength(600);
    // The ends are kept, times ascend, and every point is a stored reading.
    expect(spo2.points[0]).toEqual([START, sampleAt(0).spo2]);
    expect(spo2.points.at(-1)).toEqual([START + (SECONDS - 1) * 1000, sampleAt(SECONDS - 1).spo2]);
    for (let i = 1; i < spo2.points.length; i++) {
      expect(spo2.points[i]![0]).toBeGreaterThan(spo2.points[i - 1]![0]);
    }
    for (const [at, v] of spo2.points) expect(sampleAt((at - START) / 1000).spo2).toBe(v);
    // The dip is there, at its time: the nurse sees the desaturation on the 4 h chart.
    const lows = spo2.points.filter(([, v]) => v < 90);
    expect(lows.length).toBeGreaterThanOrEqual(1);
    for (const [at, v] of lows) {
      expect(v).toBe(86);
      expect(at).toBeGreaterThanOrEqual(START + DIP_FROM * 1000);
      expect(at).toBeLessThan(START + (DIP_FROM + DIP_SECONDS) * 1000);
    }
    expect(trend.series.hr).toMatchObject({ count: SECONDS });
    expect(trend.series.hr.points).toHaveLength(600);
    expect(trend.series.etco2).toEqual({ count: 0, points: [] });
  });

  it('hands back sparse series whole: BP every 5 minutes, sedation by scale', async () => {
    const { trend } = (await trendOf(`?${window4h}`)).body;
    expect(trend.points).toBe(600);
    const bpTimes = Array.from({ length: SECONDS / 300 }, (_, k) => START + k * 300_000);
    expect(trend.series.sbp.count).toBe(48);
    expect(trend.series.sbp.points).toEqual(bpTimes.map((at, k) => [at, 120 + (k % 10)]));
    expect(trend.series.dbp.points).toEqual(bpTimes.map((at) => [at, 78]));
    expect(trend.series.moaas.points).toEqual(
      Array.from({ length: SECONDS / 900 }, (_, k) => [START + k * 900_000, 4]),
    );
    expect(trend.series.rass.points).toEqual([[START + 1234_000, -1]]);
  });

  it('bounds the window: a shorter one counts only its readings', async () => {
    const from = START + DIP_FROM * 1000 - 60_000;
    const to = from + 120_000;
    const { trend } = (await trendOf(`?from=${from}&to=${to}&points=50`)).body;
    expect(trend.samples).toBe(121);
    expect(trend.series.spo2.count).toBe(121);
    expect(trend.series.spo2.points).toHaveLength(50);
    expect(Math.min(...trend.series.spo2.points.map(([, v]) => v))).toBe(86);
    expect(trend.series.spo2.points.every(([at]) => at >= from && at <= to)).toBe(true);
  });

  it('agrees with the raw samples of the same window', async () => {
    const from = START + 3600_000;
    const to = from + 5 * 60_000;
    const raw = await call<{ samples: StoredSample[] }>(
      t.url,
      'GET',
      `/chairs/${chairId}/vitals?from=${from}&to=${to}&limit=20000`,
      { token: tokens.charge },
    );
    const { trend } = (await trendOf(`?from=${from}&to=${to}&points=1000`, tokens.trainer)).body;
    expect(trend.series.hr.points).toEqual(
      raw.body.samples.map((s) => [Date.parse(s.at), s.hr ?? NaN]),
    );
  });

  it('refuses bad queries with the field named, an unknown chair with 404, no token with 401', async () => {
    const issuePath = (body: unknown) => (body as ErrorBody).error.issues?.[0]?.path;
    const message = (body: unknown) => (body as ErrorBody).error.message;
    const few = await trendOf('?points=2');
    expect(few.status).toBe(400);
    expect(issuePath(few.body)).toBe('points');
    expect((await trendOf('?points=many')).status).toBe(400);
    const reversed = await trendOf(`?from=${NOW}&to=${START}`);
    expect(reversed.status).toBe(400);
    expect(issuePath(reversed.body)).toBe('from');
    const tooLong = await trendOf(`?from=${NOW - 25 * 3600_000}&to=${NOW}`);
    expect(tooLong.status).toBe(400);
    expect(message(tooLong.body)).toContain('at most 24 h');
    const unknown = await call(t.url, 'GET', '/chairs/no-such-chair/vitals/trend', {
      token: tokens.nurse,
    });
    expect(unknown.status).toBe(404);
    expect((await call(t.url, 'GET', `/chairs/${chairId}/vitals/trend`)).status).toBe(401);
  });

  it('defaults to the last 24 h up to now and is listed in the OpenAPI document', async () => {
    const { trend } = (await trendOf('')).body;
    expect(trend.to).toBe(new Date(NOW).toISOString());
    expect(trend.from).toBe(new Date(NOW - 24 * 3600_000).toISOString());
    expect(trend.samples).toBe(SECONDS);
    const doc = await call<{ paths: Record<string, unknown> }>(t.url, 'GET', '/openapi.json', {
      token: tokens.nurse,
    });
    expect(Object.keys(doc.body.paths)).toContain('/chairs/{chairId}/vitals/trend');
  });
});
