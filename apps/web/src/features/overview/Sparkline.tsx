import { memo } from 'react';
import type { StoredSample } from '@chairside/core';

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

/**
 * The SVG points of a trend line: samples that have the value, spread over their own time
 * span, scaled to the value range. Returns '' when there are fewer than two points.
 */
export function sparklinePoints(
  samples: readonly StoredSample[],
  pick: (s: StoredSample) => number | undefined,
  scale: SparklineScale = { minSpan: 1 },
): string {
  const all: [number, number][] = [];
  for (const s of samples) {
    const v = pick(s);
    if (v !== undefined) all.push([Date.parse(s.at), v]);
  }
  const newest = all.at(-1);
  if (newest === undefined) return '';
  const start = newest[0] - SPARKLINE_WINDOW_MS;
  const points = all.filter(([t]) => t >= start);
  if (points.length < 2) return '';
  const step = Math.ceil(points.length / MAX_POINTS);
  const kept =
    step > 1 ? points.filter((_, i) => i % step === 0 || i === points.length - 1) : points;
  const t0 = start;
  const t1 = newest[0];
  let min = Infinity;
  let max = -Infinity;
  for (const [, v] of kept) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  // Centre a narrow range inside the minimum span; this also avoids dividing by zero.
  const span = Math.max(max - min, scale.minSpan);
  const low = (min + max) / 2 - span / 2;
  const duration = t1 - t0;
  return kept
    .map(([t, v]) => {
      const x = ((t - t0) / duration) * WIDTH;
      const y = HEIGHT - 2 - ((v - low) / span) * (HEIGHT - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
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
  const points = sparklinePoints(samples, pick, scale);
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
