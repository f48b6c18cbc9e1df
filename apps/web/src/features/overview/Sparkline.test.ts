import { describe, expect, it } from 'vitest';
import type { StoredSample } from '@chairside/core';
import { SPARKLINE_WINDOW_MS, sparklinePoints } from './Sparkline';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const s = (id: string, ms: number, hr?: number): StoredSample => ({
  id,
  at: new Date(T0 + ms).toISOString(),
  source: 'device',
  chairId: 'c1',
  sessionId: null,
  receivedAt: new Date(T0 + ms).toISOString(),
  enteredBy: null,
  ...(hr === undefined ? {} : { hr }),
});
const pickHr = (x: StoredSample) => x.hr;

describe('sparklinePoints', () => {
  it('needs two readings to draw a line', () => {
    expect(sparklinePoints([s('a', 0, 80)], pickHr)).toBe('');
    expect(sparklinePoints([s('a', 0, 80), s('b', 1000)], pickHr)).toBe('');
  });

  it('spans the last 10 minutes on a true time axis, newest at the right edge', () => {
    const end = SPARKLINE_WINDOW_MS;
    const points = sparklinePoints(
      [s('old', -60_000, 200), s('a', end / 2, 60), s('b', end, 100)],
      pickHr,
      { minSpan: 1 },
    );
    // The reading older than the window is left out; the middle one sits mid-width.
    expect(points).toBe('50.0,22.0 100.0,2.0');
  });

  it('draws small noise small, within the minimum span', () => {
    const points = sparklinePoints([s('a', 0, 80), s('b', 60_000, 82)], pickHr, { minSpan: 20 });
    const ys = points.split(' ').map((p) => Number(p.split(',')[1]));
    expect(Math.abs(ys[0]! - ys[1]!)).toBeCloseTo(2, 1);
  });

  it('starts the window at the newest sample that has the value, leaving older ones out', () => {
    const end = SPARKLINE_WINDOW_MS;
    const points = sparklinePoints(
      [
        s('older', -400_000, 10),
        s('a', 0, 60),
        s('b', end / 2, 100),
        // Newer samples without a heart rate do not move the window.
        s('c', end + 30_000),
        s('d', end + 60_000),
      ],
      pickHr,
      { minSpan: 1 },
    );
    expect(points).toBe('50.0,22.0 100.0,2.0');
  });

  it('thins a full window to at most 120 points, keeping the newest one', () => {
    // 10 minutes of 1 Hz plus the edge: 601 samples in the window, 300 older ones before it.
    const samples = Array.from({ length: 901 }, (_, i) =>
      s(`s${i}`, (i - 300) * 1000, 60 + (i % 7)),
    );
    const points = sparklinePoints(samples, pickHr).split(' ');
    // ceil(601 / 120) = 6: every 6th of the 601 (0, 6, … 600) → 101 points.
    expect(points).toHaveLength(101);
    expect(points[0]!.startsWith('0.0,')).toBe(true);
    expect(points.at(-1)!.startsWith('100.0,')).toBe(true);
  });
});
