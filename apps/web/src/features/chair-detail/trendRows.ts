import { lttb, TREND_PARAMETERS } from '@chairside/core';
import type { StoredSample, VitalsTrend } from '@chairside/core';
import type { TrendKey, TrendRow } from './TrendChart';

/** Chart rows from samples: one row per sample, the sedation score split by scale. */
export function trendRows(samples: readonly StoredSample[]): TrendRow[] {
  return samples.map((s) => {
    const row: TrendRow = { t: Date.parse(s.at) };
    if (s.hr !== undefined) row.hr = s.hr;
    if (s.sbp !== undefined) row.sbp = s.sbp;
    if (s.dbp !== undefined) row.dbp = s.dbp;
    if (s.spo2 !== undefined) row.spo2 = s.spo2;
    if (s.rr !== undefined) row.rr = s.rr;
    if (s.etco2 !== undefined) row.etco2 = s.etco2;
    if (s.sedation?.scale === 'MOAA/S') row.moaas = s.sedation.score;
    if (s.sedation?.scale === 'RASS') row.rass = s.sedation.score;
    return row;
  });
}

/**
 * Chart rows from a server trend (each parameter downsampled on its own): one row per time at
 * which any series kept a point, ascending.
 */
export function trendSeriesRows(trend: VitalsTrend): TrendRow[] {
  const byTime = new Map<number, TrendRow>();
  for (const key of TREND_PARAMETERS) {
    for (const [t, value] of trend.series[key].points) {
      let row = byTime.get(t);
      if (row === undefined) {
        row = { t };
        byTime.set(t, row);
      }
      row[key] = value;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/**
 * The rows a window draws: the trend up to where the live buffer starts, then the live rows
 * (every reading of the last minutes, late ones included), nothing before `from`. Both inputs
 * ascend by time.
 */
export function withLiveRows(
  trend: readonly TrendRow[],
  live: readonly TrendRow[],
  from: number,
): TrendRow[] {
  const liveStart = live[0]?.t ?? Infinity;
  const rows = trend.filter((r) => r.t >= from && r.t < liveStart);
  for (const r of live) if (r.t >= from) rows.push(r);
  return rows;
}

/** Points kept per series: about one per pixel of a chart; beyond that, more only cost time. */
export const CHART_POINTS = 600;

/**
 * The rows one chart draws: only rows that carry one of its parameters, and for long windows
 * each parameter downsampled with LTTB (core `lttb`), which keeps the shape and the isolated
 * extremes (a short desaturation, a BP spike) that an average would hide. A row survives when
 * any of the chart's series keeps it.
 */
export function chartRows(
  rows: readonly TrendRow[],
  keys: readonly TrendKey[],
  points = CHART_POINTS,
): TrendRow[] {
  const relevant = rows.filter((r) => keys.some((k) => r[k] !== undefined));
  if (relevant.length <= points) return relevant;
  const keep = new Set<TrendRow>();
  for (const k of keys) {
    const series = relevant.filter((r) => r[k] !== undefined);
    for (const r of lttb(
      series,
      points,
      (row) => row.t,
      (row) => row[k] ?? 0,
    ))
      keep.add(r);
  }
  return relevant.filter((r) => keep.has(r));
}
