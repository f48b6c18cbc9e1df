import { memo } from 'react';
import type { StoredSample } from '@chairside/core';

const WIDTH = 100;
const HEIGHT = 24;
/** Enough points for a 100-unit-wide line; more only costs time. */
const MAX_POINTS = 120;

/**
 * The SVG points of a trend line: samples that have the value, spread over their own time
 * span, scaled to the value range. Returns '' when there are fewer than two points.
 */
export function sparklinePoints(samples: readonly StoredSample[], pick: (s: StoredSample) => number | undefined): string {
  const points: [number, number][] = [];
  for (const s of samples) {
    const v = pick(s);
    if (v !== undefined) points.push([Date.parse(s.at), v]);
  }
  if (points.length < 2) return '';
  const step = Math.ceil(points.length / MAX_POINTS);
  const kept = step > 1 ? points.filter((_, i) => i % step === 0 || i === points.length - 1) : points;
  const [t0] = kept[0] as [number, number];
  const [t1] = kept[kept.length - 1] as [number, number];
  let min = Infinity;
  let max = -Infinity;
  for (const [, v] of kept) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  // A flat trend draws mid-height rather than dividing by zero.
  const span = max - min || 1;
  const duration = t1 - t0 || 1;
  return kept
    .map(([t, v]) => {
      const x = ((t - t0) / duration) * WIDTH;
      const y = HEIGHT - 2 - ((v - min) / span) * (HEIGHT - 4);
      return `${x.toFixed(1)},${(max === min ? HEIGHT / 2 : y).toFixed(1)}`;
    })
    .join(' ');
}

/** A light trend line in plain SVG (recharts stays out of the first screen). */
export const Sparkline = memo(function Sparkline({
  samples,
  pick,
  className,
}: {
  samples: readonly StoredSample[];
  pick: (s: StoredSample) => number | undefined;
  className?: string;
}) {
  const points = sparklinePoints(samples, pick);
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
