import { lttb } from '@chairside/core';
import type { Session, SessionEventType, StoredSample } from '@chairside/core';

/** One point of the report chart: sample time and the values measured then. */
export interface ReportRow {
  t: number;
  hr?: number;
  sbp?: number;
  dbp?: number;
  spo2?: number;
  rr?: number;
}

export const REPORT_CHART_POINTS = 500;

const SERIES = ['hr', 'sbp', 'dbp', 'spo2', 'rr'] as const;

/**
 * Chart rows for a whole session: each parameter thinned on its own (LTTB keeps a short dip),
 * so hours of 1 Hz data draw fast and a rare manual BP is never dropped for a dense HR.
 */
export function reportRows(
  samples: readonly StoredSample[],
  points = REPORT_CHART_POINTS,
): ReportRow[] {
  const byTime = new Map<number, ReportRow>();
  for (const key of SERIES) {
    const series = samples
      .filter((s) => s[key] !== undefined)
      .map((s) => ({ t: Date.parse(s.at), v: s[key] as number }));
    for (const p of lttb(
      series,
      points,
      (q) => q.t,
      (q) => q.v,
    )) {
      const row = byTime.get(p.t) ?? { t: p.t };
      row[key] = p.v;
      byTime.set(p.t, row);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/** The time span a session covers: from its creation to its discharge (or now, if open). */
export function sessionSpan(session: Session, now: number): [number, number] {
  // An event may be recorded with an earlier `at` than the session's creation (entered late).
  const start = Math.min(
    Date.parse(session.createdAt),
    ...session.events.map((e) => Date.parse(e.at)),
  );
  const discharged = session.events.find((e) => e.type === 'discharged');
  const end = discharged === undefined ? now : Date.parse(discharged.at);
  return [start, Math.max(end, start + 60_000)];
}

export const EVENT_WORDS: Record<SessionEventType, string> = {
  'infusion-started': 'Infusion started',
  'infusion-paused': 'Infusion paused',
  'infusion-resumed': 'Infusion resumed',
  'infusion-stopped': 'Infusion stopped',
  discharged: 'Discharged',
};

const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120];

/** Time-axis ticks on whole clock minutes, at most about 12 over the span, whatever its length. */
export function reportTicks([start, end]: [number, number], maxTicks = 12): number[] {
  const span = end - start;
  const stepMin = TICK_STEPS_MIN.find((m) => span / (m * 60_000) <= maxTicks) ?? 240;
  const step = stepMin * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}
