import { z } from 'zod';

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps `threshold` points of a series so
 * the drawn line keeps its shape. The first and last points are always kept; in every bucket the
 * point forming the largest triangle with its neighbours wins, so an isolated spike or dip (a
 * short desaturation) survives where averaging would flatten it. Points must be sorted by x.
 */
export function lttb<T>(
  points: readonly T[],
  threshold: number,
  x: (p: T) => number,
  y: (p: T) => number,
): T[] {
  const n = points.length;
  if (threshold >= n || threshold <= 2) {
    if (threshold <= 0 || threshold >= n) return [...points];
    // Two points (or one): the ends are all that can be kept.
    const ends = threshold === 1 ? [points[0]] : [points[0], points[n - 1]];
    return ends.filter((p): p is T => p !== undefined);
  }
  const at = (i: number): T => points[i] as T;
  const out: T[] = [at(0)];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b++) {
    // The next bucket's average is the third corner of the triangle.
    const nextStart = Math.floor((b + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((b + 2) * bucketSize) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += x(at(i));
      avgY += y(at(i));
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgX /= count;
    avgY /= count;

    const start = Math.floor(b * bucketSize) + 1;
    const end = Math.floor((b + 1) * bucketSize) + 1;
    const ax = x(at(a));
    const ay = y(at(a));
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((ax - avgX) * (y(at(i)) - ay) - (ax - x(at(i))) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    out.push(at(best));
    a = best;
  }
  out.push(at(n - 1));
  return out;
}

/** The series of a vitals trend: the numeric parameters, and the sedation score per scale. */
export const TREND_PARAMETERS = [
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'moaas',
  'rass',
] as const;
export type TrendParameter = (typeof TREND_PARAMETERS)[number];

const TrendPointSchema = z.tuple([z.number(), z.number()]);
/** A reading on the time axis: [epoch milliseconds, value]. */
export type TrendPoint = z.infer<typeof TrendPointSchema>;

export const TrendSeriesSchema = z.object({
  /** Readings of the parameter in the window, before downsampling. */
  count: z.number().int().nonnegative(),
  /** At most `points` of them (LTTB), ascending by time; all of them when there are fewer. */
  points: z.array(TrendPointSchema),
});
export type TrendSeries = z.infer<typeof TrendSeriesSchema>;

/**
 * A chair's readings over a window, each parameter downsampled on the server
 * (GET /chairs/{chairId}/vitals/trend): what a long chart draws, without every sample.
 */
export const VitalsTrendSchema = z.object({
  chairId: z.string(),
  from: z.string(),
  to: z.string(),
  /** The most points kept per series. */
  points: z.number().int(),
  /** Samples in the window. */
  samples: z.number().int().nonnegative(),
  series: z.object({
    hr: TrendSeriesSchema,
    sbp: TrendSeriesSchema,
    dbp: TrendSeriesSchema,
    spo2: TrendSeriesSchema,
    rr: TrendSeriesSchema,
    etco2: TrendSeriesSchema,
    moaas: TrendSeriesSchema,
    rass: TrendSeriesSchema,
  }),
});
export type VitalsTrend = z.infer<typeof VitalsTrendSchema>;
