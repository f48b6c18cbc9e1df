import { z } from 'zod';
import { lttb, toErrorIssues } from '@chairside/core';
import type { TrendParameter, TrendPoint, TrendSeries, VitalsTrend } from '@chairside/core';
import { assertChairExists } from './chairs';
import type { DomainContext } from './context';
import { invalid } from './errors';
import type { ChairsideDb } from '../store/database';
import { planRunnerFor } from '../store/plans';
import { QueryTemplate } from '../store/templates';

/**
 * The trend of a chair's readings over a window, downsampled on the server: the chair detail
 * draws a 4-hour session from ~600 points per parameter instead of fetching, parsing and
 * shaping 14,400 samples in the browser. The raw samples stay at GET /chairs/{id}/vitals.
 */

/** About one point per pixel of a chart: more only costs the browser time. */
export const DEFAULT_TREND_POINTS = 600;
export const MIN_TREND_POINTS = 3;
export const MAX_TREND_POINTS = 5000;
/** The longest window: a day of 1 Hz is 86,400 rows, read in one query. */
export const MAX_TREND_SPAN_MS = 24 * 3600_000;

// ISO-8601 or epoch milliseconds, like the `from`/`to` of GET /chairs/{id}/vitals.
const time = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)], {
    error: 'must be an ISO-8601 time (e.g. 2026-11-21T09:30:05.000Z) or epoch milliseconds',
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

export const TrendQuerySchema = z.object({
  from: time.optional(),
  to: time.optional(),
  points: z
    .string({ error: 'points must be a whole number' })
    .regex(/^\d+$/, 'points must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(MIN_TREND_POINTS, `points must be at least ${MIN_TREND_POINTS}`)
        .max(MAX_TREND_POINTS, `points must be at most ${MAX_TREND_POINTS}`),
    )
    .optional(),
});

/**
 * Downsamples one series with core's LTTB: the shape and the isolated extremes (a 10 s
 * desaturation, a BP spike) survive, where averaging buckets would flatten them.
 */
export function downsampleSeries(points: readonly TrendPoint[], threshold: number): TrendSeries {
  return {
    count: points.length,
    points: lttb(
      points,
      threshold,
      (p) => p[0],
      (p) => p[1],
    ),
  };
}

/** A trend's rows as arrays, in this column order: only the measured columns. */
type TrendRow = [
  at: number,
  hr: number | null,
  sbp: number | null,
  dbp: number | null,
  spo2: number | null,
  rr: number | null,
  etco2: number | null,
  sedationScale: string | null,
  sedationScore: number | null,
];

const templates = new WeakMap<ChairsideDb, QueryTemplate<unknown>>();

/** A chair's readings in [from, to] in storage order, compiled once per store. */
function trendTemplate(db: ChairsideDb): QueryTemplate<unknown> {
  let template = templates.get(db);
  if (template === undefined) {
    template = new QueryTemplate(3, ([chairId, from, to]) =>
      db
        .selectFrom('samples')
        .select([
          'at',
          'hr',
          'sbp',
          'dbp',
          'spo2',
          'rr',
          'etco2',
          'sedation_scale',
          'sedation_score',
        ])
        .where('chair_id', '=', chairId as string)
        .where('at', '>=', from as never)
        .where('at', '<=', to as never)
        .orderBy('at')
        .orderBy('seq'),
    );
    templates.set(db, template);
  }
  return template;
}

/**
 * The trend of a chair in [from, to] (default: the last 24 h up to now), each parameter
 * downsampled to at most `points` readings.
 */
export async function queryTrend(
  ctx: DomainContext,
  chairId: string,
  query: unknown,
): Promise<VitalsTrend> {
  const parsed = TrendQuerySchema.safeParse(query);
  if (!parsed.success) throw invalid(toErrorIssues(parsed.error), 'trend query');
  const to = parsed.data.to ?? ctx.clock();
  const from = parsed.data.from ?? to - MAX_TREND_SPAN_MS;
  const points = parsed.data.points ?? DEFAULT_TREND_POINTS;
  if (from > to) {
    throw invalid([{ path: 'from', message: 'from must not be after to' }], 'trend query');
  }
  if (to - from > MAX_TREND_SPAN_MS) {
    throw invalid(
      [
        {
          path: 'from',
          message: `a trend spans at most ${MAX_TREND_SPAN_MS / 3600_000} h; ask for a shorter window`,
        },
      ],
      'trend query',
    );
  }
  await assertChairExists(ctx.db, chairId);
  const rows = await planRunnerFor(ctx.db).readArrays(
    trendTemplate(ctx.db).fill([chairId, from, to]),
  );

  const raw: Record<TrendParameter, TrendPoint[]> = {
    hr: [],
    sbp: [],
    dbp: [],
    spo2: [],
    rr: [],
    etco2: [],
    moaas: [],
    rass: [],
  };
  // In the order trendTemplate selects them.
  for (const [at, hr, sbp, dbp, spo2, rr, etco2, scale, score] of rows as TrendRow[]) {
    if (hr !== null) raw.hr.push([at, hr]);
    if (sbp !== null) raw.sbp.push([at, sbp]);
    if (dbp !== null) raw.dbp.push([at, dbp]);
    if (spo2 !== null) raw.spo2.push([at, spo2]);
    if (rr !== null) raw.rr.push([at, rr]);
    if (etco2 !== null) raw.etco2.push([at, etco2]);
    if (score !== null) {
      if (scale === 'MOAA/S') raw.moaas.push([at, score]);
      else if (scale === 'RASS') raw.rass.push([at, score]);
    }
  }
  const down = (p: TrendParameter) => downsampleSeries(raw[p], points);
  return {
    chairId,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    points,
    samples: rows.length,
    series: {
      hr: down('hr'),
      sbp: down('sbp'),
      dbp: down('dbp'),
      spo2: down('spo2'),
      rr: down('rr'),
      etco2: down('etco2'),
      moaas: down('moaas'),
      rass: down('rass'),
    },
  };
}
