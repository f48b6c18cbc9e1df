import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import fc from 'fast-check';
import type { StoredSample } from '@chairside/core';
import { mergeSamples } from '../../store/clinic';
import type { BufferLimits } from '../../store/clinic';
import { Sparkline, SPARKLINE_WINDOW_MS, sparklineGeometry } from './Sparkline';
import type { SparklineGeometry } from './Sparkline';

afterEach(cleanup);

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
const HR = { minSpan: 1 };

/**
 * Where the line's points are in the sparkline's box, 100 wide and 24 high (as the polyline's
 * points mapped through the SVG's viewBox; preserveAspectRatio="none" stretches it to the box).
 */
function inBox(points: string, viewBox: string): [number, number][] {
  const [vx, vy, vw, vh] = viewBox.split(' ').map(Number) as [number, number, number, number];
  return points
    .split(' ')
    .map((p) => p.split(',').map(Number) as [number, number])
    .map(([x, y]) => [((x - vx) / vw) * 100, ((y - vy) / vh) * 24]);
}

const show = (box: [number, number][]) =>
  box.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

function drawn(g: SparklineGeometry | null): string {
  return g === null ? '' : show(inBox(g.points, g.viewBox));
}

/** The line as the browser would draw it from the rendered SVG ('' when none). */
function onScreen(container: HTMLElement): [number, number][] {
  const svg = container.querySelector('svg.sparkline');
  const line = svg?.querySelector('polyline') ?? null;
  if (svg === null || line === null) return [];
  return inBox(line.getAttribute('points') ?? '', svg.getAttribute('viewBox') ?? '');
}

describe('sparklineGeometry', () => {
  it('needs two readings to draw a line', () => {
    expect(sparklineGeometry([s('a', 0, 80)], pickHr)).toBeNull();
    expect(sparklineGeometry([s('a', 0, 80), s('b', 1000)], pickHr)).toBeNull();
  });

  it('spans the last 10 minutes on a true time axis, newest at the right edge', () => {
    const end = SPARKLINE_WINDOW_MS;
    const g = sparklineGeometry(
      [s('old', -60_000, 200), s('a', end / 2, 60), s('b', end, 100)],
      pickHr,
      HR,
    );
    // The reading older than the window is left out; the middle one sits mid-width.
    expect(drawn(g)).toBe('50.0,22.0 100.0,2.0');
  });

  it('draws small noise small, within the minimum span', () => {
    const g = sparklineGeometry([s('a', 0, 80), s('b', 60_000, 82)], pickHr, { minSpan: 20 });
    const ys = drawn(g)
      .split(' ')
      .map((p) => Number(p.split(',')[1]));
    expect(Math.abs(ys[0]! - ys[1]!)).toBeCloseTo(2, 1);
  });

  it('starts the window at the newest sample that has the value, leaving older ones out', () => {
    const end = SPARKLINE_WINDOW_MS;
    const g = sparklineGeometry(
      [
        s('older', -400_000, 10),
        s('a', 0, 60),
        s('b', end / 2, 100),
        // Newer samples without a heart rate do not move the window.
        s('c', end + 30_000),
        s('d', end + 60_000),
      ],
      pickHr,
      HR,
    );
    expect(drawn(g)).toBe('50.0,22.0 100.0,2.0');
  });

  it('thins a full window to one point per 5 seconds, keeping the newest one', () => {
    // 10 minutes of 1 Hz plus the edge: 601 samples in the window, 300 older ones before it.
    const samples = Array.from({ length: 901 }, (_, i) =>
      s(`s${i}`, (i - 300) * 1000 + 500, 60 + (i % 7)),
    );
    const g = sparklineGeometry(samples, pickHr);
    const xs = g === null ? [] : inBox(g.points, g.viewBox).map(([x]) => x);
    // The window's 601 readings fall in 121 steps of 5 s; the first is cut by the window's
    // edge, and the newest is drawn as well as its step's first reading.
    expect(xs.length).toBeGreaterThanOrEqual(120);
    expect(xs.length).toBeLessThanOrEqual(122);
    expect(xs[0]).toBeLessThan(1);
    expect(xs.at(-1)).toBeCloseTo(100, 5);
    // Thinned, not bunched: neighbouring points are one step (5 s = 0.8 of the width) apart.
    for (let i = 1; i < xs.length - 1; i++)
      expect(xs[i]! - xs[i - 1]!).toBeCloseTo((5000 / SPARKLINE_WINDOW_MS) * 100, 1);
  });
});

describe('Sparkline', () => {
  it('draws the line of the buffer it is given', () => {
    const end = SPARKLINE_WINDOW_MS;
    const { container } = render(
      <Sparkline
        samples={[s('old', -60_000, 200), s('a', end / 2, 60), s('b', end, 100)]}
        pick={pickHr}
        scale={HR}
      />,
    );
    expect(show(onScreen(container))).toBe('50.0,22.0 100.0,2.0');
  });

  it('shows no line with fewer than two readings', () => {
    const { container } = render(<Sparkline samples={[s('a', 0, 80)]} pick={pickHr} scale={HR} />);
    expect(container.querySelector('polyline')).toBeNull();
  });

  it('moves the line left as live readings arrive, as a fresh drawing of the buffer would', () => {
    let buffer: readonly StoredSample[] = [];
    for (let i = 0; i < 900; i++) buffer = mergeSamples(buffer, [s(`s${i}`, i * 1000, 70)]);
    const { container, rerender } = render(<Sparkline samples={buffer} pick={pickHr} scale={HR} />);
    // A climb in the last minute: the newest point is at the top right.
    for (let i = 900; i < 960; i++) {
      buffer = mergeSamples(buffer, [s(`s${i}`, i * 1000, 70 + (i - 900))]);
      rerender(<Sparkline samples={buffer} pick={pickHr} scale={HR} />);
    }
    const line = onScreen(container);
    expect(line.at(-1)![0]).toBeCloseTo(100, 5);
    expect(line.at(-1)![1]).toBeCloseTo(2, 5);
    // The point at 10 minutes before the newest reading is at the left edge, flat at the bottom.
    expect(line[0]![0]).toBeLessThan(1);
    expect(line[0]![1]).toBeCloseTo(22, 5);
    const fresh = render(<Sparkline samples={[...buffer]} pick={pickHr} scale={HR} />);
    expect(show(line)).toBe(show(onScreen(fresh.container)));
  });

  it('shows a late reading placed inside the window (a backfill after a reconnect)', () => {
    // Live readings at 70 with a gap between 300 and 360 s that the backfill fills with 40s.
    let buffer: readonly StoredSample[] = [];
    for (let i = 0; i < 600; i++)
      if (i < 300 || i >= 360) buffer = mergeSamples(buffer, [s(`s${i}`, i * 1000, 70)]);
    const { container, rerender } = render(<Sparkline samples={buffer} pick={pickHr} scale={HR} />);
    const before = onScreen(container);
    expect(Math.max(...before.map(([, y]) => y))).toBeCloseTo(12, 5);
    buffer = mergeSamples(
      buffer,
      Array.from({ length: 60 }, (_, k) => s(`s${300 + k}`, (300 + k) * 1000, 40)),
    );
    rerender(<Sparkline samples={buffer} pick={pickHr} scale={HR} />);
    const after = onScreen(container);
    // The dip is drawn: points at the bottom of the box, in the middle of the line.
    const low = after.filter(([, y]) => y > 21.9);
    expect(low.length).toBeGreaterThan(5);
    expect(low.every(([x]) => x > 45 && x < 62)).toBe(true);
  });

  it('draws the same line continued reading by reading as drawn afresh, whatever arrives', () => {
    // Small buffers (the window and cap shrunk) so that cuts at the front happen often.
    const limits: BufferLimits = { windowMs: 14 * 60_000, maxSamples: 400 };
    const batch = fc.array(
      fc.record({
        // Seconds after the previous batch's newest reading (negative: late, placed in the
        // buffer), how many readings, their spacing, and whether they carry a heart rate.
        offset: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: -900, max: 0 })),
        count: fc.integer({ min: 1, max: 40 }),
        every: fc.integer({ min: 1, max: 30 }),
        hr: fc.option(fc.integer({ min: 40, max: 180 }), { freq: 4 }),
      }),
      { minLength: 1, maxLength: 25 },
    );
    fc.assert(
      fc.property(batch, (batches) => {
        let buffer: readonly StoredSample[] = [];
        let newest = 0;
        let n = 0;
        const { container, rerender, unmount } = render(
          <Sparkline samples={buffer} pick={pickHr} scale={HR} />,
        );
        for (const b of batches) {
          const start = newest + b.offset * 1000;
          const fresh = Array.from({ length: b.count }, (_, k) =>
            s(`r${n++}`, start + k * b.every * 1000, b.hr ?? undefined),
          );
          buffer = mergeSamples(buffer, fresh, limits);
          newest = Math.max(newest, start + (b.count - 1) * b.every * 1000);
          rerender(<Sparkline samples={buffer} pick={pickHr} scale={HR} />);
          const continued = onScreen(container);
          const afresh = sparklineGeometry([...buffer], pickHr, HR);
          const expected = afresh === null ? [] : inBox(afresh.points, afresh.viewBox);
          expect(continued.length).toBe(expected.length);
          continued.forEach(([x, y], i) => {
            expect(x).toBeCloseTo(expected[i]![0], 1);
            expect(y).toBeCloseTo(expected[i]![1], 5);
          });
        }
        unmount();
      }),
      { numRuns: 150 },
    );
  });
});
