import { memo, useEffect, useRef } from 'react';
import type { StoredSample } from '@chairside/core';
import { sampleAtMs } from '../../store/clinic';

/** Enough points for a line a hundred-odd pixels wide; more only costs time. */
const MAX_POINTS = 120;
/** The trend covers the last 10 minutes before the newest reading, on a true time axis. */
export const SPARKLINE_WINDOW_MS = 10 * 60_000;
const WINDOW_S = SPARKLINE_WINDOW_MS / 1000;
/**
 * Thinning: the first reading of each 5-second step of the clock (120 steps in 10 minutes), and
 * the newest reading. The steps are fixed in time, so a point once drawn stays where it is as
 * the window slides, and a new reading adds one point instead of redrawing the line.
 */
const STEP_MS = SPARKLINE_WINDOW_MS / MAX_POINTS;
/** Points older than the window are dropped from the arrays once this many have gathered. */
const PRUNE_AFTER = 2 * MAX_POINTS;

export interface SparklineScale {
  /** The smallest value range drawn, so 2 bpm of noise does not look like a swing. */
  minSpan: number;
}

type Pick = (s: StoredSample) => number | undefined;

/**
 * The thinned readings of one value in a buffer, in the line's own coordinates: x in seconds
 * after `origin`, y the value negated (SVG's y grows downwards). The arrays are append-only and
 * shared between a buffer's trend and the next buffer's: a trend sees the first `length`.
 */
interface Trend {
  /** The time of the first sample this trend was built from (with or without the value). */
  since: number;
  origin: number;
  t: number[];
  v: number[];
  text: string[];
  length: number;
  /** The newest reading that has the value (NaN when none). */
  newestT: number;
  newestV: number;
  lastStep: number;
}

const emptyTrend = (): Trend => ({
  since: NaN,
  origin: NaN,
  t: [],
  v: [],
  text: [],
  length: 0,
  newestT: NaN,
  newestV: NaN,
  lastStep: NaN,
});

const pointText = (ms: number, value: number, origin: number) =>
  `${Math.round((ms - origin) / 100) / 10},${-value}`;

/** Index of the first of the first `end` times at or after `ms` (the times ascend). */
function firstAtOrAfter(times: readonly number[], ms: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `trend` with the readings of samples[from..] after it (samples ascending by `at`). */
function appendReadings(trend: Trend, samples: readonly StoredSample[], from: number, pick: Pick) {
  let { since, origin, t, v, text, newestT, newestV, lastStep } = trend;
  const first = samples[from];
  if (Number.isNaN(since) && first !== undefined) since = sampleAtMs(first);
  // Another trend already grew these arrays from the same one (a render done twice): copy.
  if (t.length !== trend.length) {
    t = t.slice(0, trend.length);
    v = v.slice(0, trend.length);
    text = text.slice(0, trend.length);
  }
  for (let i = from; i < samples.length; i++) {
    const s = samples[i] as StoredSample;
    const value = pick(s);
    if (value === undefined) continue;
    const ms = sampleAtMs(s);
    if (Number.isNaN(origin)) origin = ms;
    const step = Math.floor(ms / STEP_MS);
    if (step !== lastStep) {
      t.push(ms);
      v.push(value);
      text.push(pointText(ms, value, origin));
      lastStep = step;
    }
    newestT = ms;
    newestV = value;
  }
  // What has left the window for good (readings only get newer) goes, a few hundred at a time.
  const gone = firstAtOrAfter(t, newestT - SPARKLINE_WINDOW_MS, t.length);
  if (gone > PRUNE_AFTER) {
    t = t.slice(gone);
    v = v.slice(gone);
    text = text.slice(gone);
  }
  return { since, origin, t, v, text, length: t.length, newestT, newestV, lastStep };
}

/**
 * Where `next` continues `previous`: the index in `next` of its first sample that `previous`
 * did not have, or null when `next` is not `previous` cut at its old end and extended at its
 * new end (a late reading placed in the middle, a new session's buffer).
 */
function continuesAt(
  previous: readonly StoredSample[],
  next: readonly StoredSample[],
): number | null {
  const first = next[0];
  const last = previous.at(-1);
  if (first === undefined || last === undefined) return null;
  // Where `next` starts in `previous`: found by time, then by identity among equal times.
  let lo = 0;
  let hi = previous.length;
  const firstMs = sampleAtMs(first);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sampleAtMs(previous[mid] as StoredSample) < firstMs) lo = mid + 1;
    else hi = mid;
  }
  while (lo < previous.length && previous[lo] !== first) {
    if (sampleAtMs(previous[lo] as StoredSample) !== firstMs) return null;
    lo++;
  }
  if (lo === previous.length) return null;
  // Same first sample and same last old sample the same distance apart: nothing was inserted
  // between them (the buffer never loses a sample from its middle).
  const kept = previous.length - lo;
  return next.length >= kept && next[kept - 1] === last ? kept : null;
}

/**
 * Trends already built per buffer and value, kept on the buffer under a hidden symbol: a tile
 * mounted again does not rebuild them. Not a WeakMap: one more key per chair per second made its
 * table grow and rehash in one go now and then (see sampleAtMs in the clinic store).
 */
const BUILT: unique symbol = Symbol('sparklineTrends');
type BuiltOn = readonly StoredSample[] & { [BUILT]?: Map<Pick, Trend> };

function remember(samples: readonly StoredSample[], pick: Pick, trend: Trend): Trend {
  const buffer = samples as BuiltOn;
  let byPick = buffer[BUILT];
  if (byPick === undefined) {
    byPick = new Map();
    if (Object.isExtensible(buffer)) Object.defineProperty(buffer, BUILT, { value: byPick });
  }
  byPick.set(pick, trend);
  return trend;
}

/** The trend of `samples`: from the previous buffer's trend when `samples` continues it. */
function trendOf(
  samples: readonly StoredSample[],
  pick: Pick,
  previous: { samples: readonly StoredSample[]; pick: Pick; trend: Trend } | null,
): Trend {
  const known = (samples as BuiltOn)[BUILT]?.get(pick);
  if (known !== undefined) return known;
  if (previous !== null && previous.pick === pick) {
    const at = continuesAt(previous.samples, samples);
    const first = samples[0];
    if (at !== null && first !== undefined) {
      const trend = appendReadings(previous.trend, samples, at, pick);
      // The line is the one a build from `samples` alone gives when nothing was cut from the
      // front, or when the cut is before the window's first step. Otherwise (a buffer shorter
      // than the window that lost its oldest samples; a BP line whose window reaches back past
      // the buffer) points from the cut samples could show: build afresh.
      const firstMs = sampleAtMs(first);
      const t0 = trend.newestT - SPARKLINE_WINDOW_MS;
      if (
        Number.isNaN(trend.newestT) ||
        firstMs === trend.since ||
        (Math.floor(firstMs / STEP_MS) + 1) * STEP_MS <= t0
      )
        return remember(samples, pick, trend);
    }
  }
  return remember(samples, pick, appendReadings(emptyTrend(), samples, 0, pick));
}

export interface SparklineGeometry {
  /** The polyline's points, in the line's own coordinates. */
  points: string;
  /** The SVG viewBox that frames the last 10 minutes and the value range. */
  viewBox: string;
}

/** The line of a trend, or null when fewer than two readings are in the window. */
function geometry(trend: Trend, scale: SparklineScale): SparklineGeometry | null {
  const { t, v, text, length, newestT, newestV, origin } = trend;
  if (Number.isNaN(newestT)) return null;
  const t0 = newestT - SPARKLINE_WINDOW_MS;
  const i0 = firstAtOrAfter(t, t0, length);
  // The newest reading is drawn even when it is not the first of its 5-second step.
  const extra = t[length - 1] !== newestT;
  if (length - i0 + (extra ? 1 : 0) < 2) return null;
  let min = extra ? newestV : Infinity;
  let max = extra ? newestV : -Infinity;
  for (let i = i0; i < length; i++) {
    const value = v[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // Centre a narrow range inside the minimum span; this also avoids dividing by zero. A tenth
  // of the span is left free above and below.
  const span = Math.max(max - min, scale.minSpan);
  const low = (min + max) / 2 - span / 2;
  const pad = span / 10;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const points = text.slice(i0, length);
  if (extra) points.push(pointText(newestT, newestV, origin));
  return {
    points: points.join(' '),
    viewBox: `${round((t0 - origin) / 1000)} ${round(-(low + span + pad))} ${WINDOW_S} ${round(span + 2 * pad)}`,
  };
}

/**
 * The trend line of `samples` (ascending by `at`, as the clinic store keeps its buffers): the
 * readings that have the value, over the 10 minutes before the newest of them, scaled to their
 * range; null when fewer than two readings are in that window.
 */
export function sparklineGeometry(
  samples: readonly StoredSample[],
  pick: Pick,
  scale: SparklineScale = { minSpan: 1 },
): SparklineGeometry | null {
  return geometry(trendOf(samples, pick, null), scale);
}

/**
 * A light trend line in plain SVG (recharts stays out of the first screen). Each new buffer
 * continues the previous one's line, so a reading per second costs one point, not a redraw.
 */
export const Sparkline = memo(function Sparkline({
  samples,
  pick,
  scale,
  className,
}: {
  samples: readonly StoredSample[];
  pick: Pick;
  scale: SparklineScale;
  className?: string;
}) {
  const previous = useRef<{ samples: readonly StoredSample[]; pick: Pick; trend: Trend } | null>(
    null,
  );
  const trend = trendOf(samples, pick, previous.current);
  useEffect(() => {
    previous.current = { samples, pick, trend };
  });
  const line = geometry(trend, scale);
  return (
    <svg
      className={`sparkline ${className ?? ''}`}
      viewBox={line?.viewBox ?? `0 0 ${WINDOW_S} 1`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      {line !== null && (
        <polyline points={line.points} fill="none" vectorEffect="non-scaling-stroke" />
      )}
    </svg>
  );
});
