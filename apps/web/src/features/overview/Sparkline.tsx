import { memo } from 'react';
import type { StoredSample } from '@chairside/core';
import { sampleAtMs } from '../../store/clinic';

const WIDTH = 100;
const HEIGHT = 24;
/** Enough points for a 100-unit-wide line; more only costs time. */
const MAX_POINTS = 120;
/** The trend covers the last 10 minutes before the newest reading, on a true time axis. */
export const SPARKLINE_WINDOW_MS = 10 * 60_000;

export interface SparklineScale {
  /** The smallest value range drawn, so 2 bpm of noise does not look like a swing. */
  minSpan: number;
}

/** Index of the first sample at or after `ms` (the buffer is ascending by `at`). */
function firstAtOrAfter(samples: readonly StoredSample[], ms: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sampleAtMs(samples[mid] as StoredSample) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The SVG points of a trend line: samples that have the value, spread over their own time
 * span, scaled to the value range. Returns '' when there are fewer than two points.
 * `samples` must be ascending by `at` (as the clinic store keeps its buffers).
 */
export function sparklinePoints(
  samples: readonly StoredSample[],
  pick: (s: StoredSample) => number | undefined,
  scale: SparklineScale = { minSpan: 1 },
): string {
  // The newest sample that has this value (usually the last one; a BP may be a while back).
  let newestIndex = samples.length - 1;
  while (newestIndex >= 0 && pick(samples[newestIndex] as StoredSample) === undefined) {
    newestIndex--;
  }
  if (newestIndex < 0) return '';
  const t1 = sampleAtMs(samples[newestIndex] as StoredSample);
  const t0 = t1 - SPARKLINE_WINDOW_MS;
  // A 15-minute buffer holds 5 minutes before the window: skip them without touching each one.
  const from = firstAtOrAfter(samples, t0, newestIndex);

  const times: number[] = [];
  const values: number[] = [];
  for (let i = from; i <= newestIndex; i++) {
    const s = samples[i] as StoredSample;
    const v = pick(s);
    if (v !== undefined) {
      times.push(sampleAtMs(s));
      values.push(v);
    }
  }
  const count = values.length;
  if (count < 2) return '';
  const step = Math.ceil(count / MAX_POINTS);
  const keep = (i: number): boolean => i % step === 0 || i === count - 1;

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Centre a narrow range inside the minimum span; this also avoids dividing by zero.
  const span = Math.max(max - min, scale.minSpan);
  const low = (min + max) / 2 - span / 2;
  const duration = t1 - t0;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    const x = (((times[i] as number) - t0) / duration) * WIDTH;
    const y = HEIGHT - 2 - (((values[i] as number) - low) / span) * (HEIGHT - 4);
    parts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return parts.join(' ');
}

/**
 * Points already drawn per buffer, pick and scale. A buffer is replaced (never changed in place)
 * when a sample arrives, so a buffer seen before gives the same line: tiles mounted again (back
 * from a chair's detail, a re-sorted grid) do not redo all 144 lines in one task.
 */
const drawn = new WeakMap<
  readonly StoredSample[],
  Map<(s: StoredSample) => number | undefined, Map<SparklineScale, string>>
>();

function cachedPoints(
  samples: readonly StoredSample[],
  pick: (s: StoredSample) => number | undefined,
  scale: SparklineScale,
): string {
  let byPick = drawn.get(samples);
  if (byPick === undefined) {
    byPick = new Map();
    drawn.set(samples, byPick);
  }
  let byScale = byPick.get(pick);
  if (byScale === undefined) {
    byScale = new Map();
    byPick.set(pick, byScale);
  }
  let points = byScale.get(scale);
  if (points === undefined) {
    points = sparklinePoints(samples, pick, scale);
    byScale.set(scale, points);
  }
  return points;
}

/** A light trend line in plain SVG (recharts stays out of the first screen). */
export const Sparkline = memo(function Sparkline({
  samples,
  pick,
  scale,
  className,
}: {
  samples: readonly StoredSample[];
  pick: (s: StoredSample) => number | undefined;
  scale: SparklineScale;
  className?: string;
}) {
  const points = cachedPoints(samples, pick, scale);
  return (
    <svg
      className={`sparkline ${className ?? ''}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      {points !== '' && <polyline points={points} fill="none" vectorEffect="non-scaling-stroke" />}
    </svg>
  );
});
