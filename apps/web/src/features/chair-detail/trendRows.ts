import type { StoredSample } from '@chairside/core';
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

/** About one bucket per two pixels of a chart: beyond that, more points only cost time. */
export const CHART_BUCKETS = 300;

/**
 * The rows one chart draws: only rows that carry one of its parameters, and for long windows
 * the lowest and highest reading of each parameter per time bucket. Keeping both extremes
 * means a short desaturation or a BP spike survives downsampling; an average would hide it.
 */
export function chartRows(
  rows: readonly TrendRow[],
  keys: readonly TrendKey[],
  buckets = CHART_BUCKETS,
): TrendRow[] {
  const relevant = rows.filter((r) => keys.some((k) => r[k] !== undefined));
  const first = relevant[0];
  const last = relevant.at(-1);
  if (first === undefined || last === undefined || relevant.length <= buckets * 2) return relevant;

  const width = (last.t - first.t) / buckets || 1;
  const bucketOf = (r: TrendRow) => Math.min(buckets - 1, Math.floor((r.t - first.t) / width));
  const out: TrendRow[] = [];
  let start = 0;
  while (start < relevant.length) {
    const bucket = bucketOf(relevant[start] as TrendRow);
    let end = start;
    while (end < relevant.length && bucketOf(relevant[end] as TrendRow) === bucket) end++;
    const keep = new Set<number>();
    for (const k of keys) {
      let minAt = -1;
      let maxAt = -1;
      for (let i = start; i < end; i++) {
        const v = (relevant[i] as TrendRow)[k];
        if (v === undefined) continue;
        if (minAt < 0 || v < ((relevant[minAt] as TrendRow)[k] ?? v)) minAt = i;
        if (maxAt < 0 || v > ((relevant[maxAt] as TrendRow)[k] ?? v)) maxAt = i;
      }
      if (minAt >= 0) keep.add(minAt);
      if (maxAt >= 0) keep.add(maxAt);
    }
    for (const i of [...keep].sort((a, b) => a - b)) out.push(relevant[i] as TrendRow);
    start = end;
  }
  return out;
}
