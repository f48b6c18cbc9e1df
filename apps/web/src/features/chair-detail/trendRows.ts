import type { StoredSample } from '@chairside/core';
import type { TrendRow } from './TrendChart';

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
