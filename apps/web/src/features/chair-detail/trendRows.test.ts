import { describe, expect, it } from 'vitest';
import type { StoredSample, VitalsTrend } from '@chairside/core';
import { CHART_POINTS, chartRows, trendRows, trendSeriesRows, withLiveRows } from './trendRows';
import type { TrendRow } from './TrendChart';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

describe('trendRows', () => {
  it('splits sedation by scale and keeps only measured fields', () => {
    const base = {
      source: 'manual',
      chairId: 'c1',
      sessionId: null,
      receivedAt: '',
      enteredBy: 'nurse',
    } as const;
    const samples: StoredSample[] = [
      {
        ...base,
        id: 'a',
        at: '2026-11-21T09:00:00.000Z',
        sbp: 130,
        dbp: 85,
        sedation: { scale: 'MOAA/S', score: 4 },
      },
      { ...base, id: 'b', at: '2026-11-21T09:05:00.000Z', sedation: { scale: 'RASS', score: -2 } },
    ];
    expect(trendRows(samples)).toEqual([
      { t: T0, sbp: 130, dbp: 85, moaas: 4 },
      { t: T0 + 300_000, rass: -2 },
    ]);
  });
});

describe('chartRows', () => {
  // An hour of 1 Hz SpO2 at 97 with one 3-second dip to 84 and a one-off HR of 150.
  const hour: TrendRow[] = Array.from({ length: 3600 }, (_, i) => ({
    t: T0 + i * 1000,
    spo2: i >= 1800 && i < 1803 ? 84 : 97,
    hr: i === 2500 ? 150 : 80,
  }));

  it('keeps only rows with the chart parameters, untouched when short', () => {
    const rows: TrendRow[] = [
      { t: 1, hr: 70 },
      { t: 2, sbp: 120 },
      { t: 3, hr: 71 },
    ];
    expect(chartRows(rows, ['hr'])).toEqual([
      { t: 1, hr: 70 },
      { t: 3, hr: 71 },
    ]);
  });

  it('bounds an hour of 1 Hz data and keeps the extremes a nurse must see', () => {
    const spo2 = chartRows(hour, ['spo2']);
    expect(spo2).toHaveLength(CHART_POINTS);
    expect(Math.min(...spo2.map((r) => r.spo2 ?? 100))).toBe(84);
    expect(spo2[0]).toBe(hour[0]);
    expect(spo2.at(-1)).toBe(hour.at(-1));

    const hr = chartRows(hour, ['hr']);
    expect(Math.max(...hr.map((r) => r.hr ?? 0))).toBe(150);
    // Ascending time is preserved for the line.
    expect(hr.every((r, i) => i === 0 || r.t > hr[i - 1]!.t)).toBe(true);
  });

  it('downsamples 4 h of 1 Hz BP per series: both lines keep their extremes', () => {
    const fourHours: TrendRow[] = Array.from({ length: 14_400 }, (_, i) => ({
      t: T0 + i * 1000,
      sbp: i === 9000 ? 182 : 120 + (i % 7),
      dbp: i === 3000 ? 48 : 80 + (i % 5),
    }));
    const rows = chartRows(fourHours, ['sbp', 'dbp']);
    expect(rows.length).toBeLessThanOrEqual(CHART_POINTS * 2);
    expect(rows.length).toBeGreaterThanOrEqual(CHART_POINTS);
    expect(Math.max(...rows.map((r) => r.sbp ?? 0))).toBe(182);
    expect(Math.min(...rows.map((r) => r.dbp ?? 999))).toBe(48);
    expect(rows.every((r, i) => i === 0 || r.t > rows[i - 1]!.t)).toBe(true);
  });
});

describe('trendSeriesRows and withLiveRows', () => {
  const empty = { count: 0, points: [] as [number, number][] };
  const trend = (series: Partial<VitalsTrend['series']>): VitalsTrend => ({
    chairId: 'c1',
    from: '',
    to: '',
    points: 600,
    samples: 0,
    series: {
      hr: empty,
      sbp: empty,
      dbp: empty,
      spo2: empty,
      rr: empty,
      etco2: empty,
      moaas: empty,
      rass: empty,
      ...series,
    },
  });

  it('joins the series kept at the same time into one row, ascending', () => {
    const rows = trendSeriesRows(
      trend({
        hr: {
          count: 3,
          points: [
            [T0 + 2000, 80],
            [T0, 72],
          ],
        },
        spo2: {
          count: 3,
          points: [
            [T0, 97],
            [T0 + 1000, 86],
          ],
        },
        rass: { count: 1, points: [[T0 + 1000, -1]] },
      }),
    );
    expect(rows).toEqual([
      { t: T0, hr: 72, spo2: 97 },
      { t: T0 + 1000, spo2: 86, rass: -1 },
      { t: T0 + 2000, hr: 80 },
    ]);
  });

  it('draws the trend up to the live buffer, then every live reading, nothing before the window', () => {
    const older: TrendRow[] = [
      { t: T0, spo2: 97 },
      { t: T0 + 60_000, spo2: 86 },
      { t: T0 + 120_000, spo2: 97 },
      { t: T0 + 180_000, spo2: 96 },
    ];
    const live: TrendRow[] = [
      { t: T0 + 150_000, spo2: 95 },
      { t: T0 + 151_000, spo2: 94 },
    ];
    expect(withLiveRows(older, live, T0 + 30_000)).toEqual([
      { t: T0 + 60_000, spo2: 86 },
      { t: T0 + 120_000, spo2: 97 },
      { t: T0 + 150_000, spo2: 95 },
      { t: T0 + 151_000, spo2: 94 },
    ]);
    // No live buffer (the socket is down): the trend alone.
    expect(withLiveRows(older, [], T0)).toEqual(older);
  });
});
