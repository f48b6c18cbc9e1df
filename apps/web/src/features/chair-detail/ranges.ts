import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type { AlarmBound, AlarmRuleSet, Alert, Session, SessionEventType } from '@chairside/core';
import type { LimitBand, TimeMarker, TrendKey } from './TrendChart';

export type RangeId = '15m' | '1h' | 'session';

export interface RangeChoice {
  id: RangeId;
  label: string;
  /** How an empty chart names the range: "in the last 15 minutes". */
  phrase: string;
}

export const RANGES: readonly RangeChoice[] = [
  { id: '15m', label: '15 min', phrase: 'in the last 15 minutes' },
  { id: '1h', label: '1 h', phrase: 'in the last 60 minutes' },
  { id: 'session', label: 'Whole session', phrase: 'in this session' },
];

/** The most samples asked for at once: 4 h of 1 Hz with room to spare (the server allows 20,000). */
export const SESSION_LIMIT = 20_000;

/** The time window of a range at `now`; the whole session starts when the session was opened. */
export function rangeWindow(
  range: RangeId,
  now: number,
  sessionCreatedAt: string | null,
): { from: number; to: number; limit: number } {
  switch (range) {
    case '15m':
      return { from: now - 15 * 60_000, to: now, limit: 2000 };
    case '1h':
      return { from: now - 60 * 60_000, to: now, limit: 5000 };
    case 'session': {
      const start = sessionCreatedAt === null ? now - 60 * 60_000 : Date.parse(sessionCreatedAt);
      return { from: Math.min(start, now - 60_000), to: now, limit: SESSION_LIMIT };
    }
  }
}

const PHASE_LABELS: Record<SessionEventType, string | null> = {
  'infusion-started': '▶ Start',
  'infusion-paused': '❚❚ Pause',
  'infusion-resumed': '▶ Resume',
  'infusion-stopped': '■ Stop',
  discharged: null,
};

/** Infusion start, pause, resume and stop as markers on the time axis. */
export function phaseMarkers(session: Session | null): TimeMarker[] {
  if (session === null) return [];
  return session.events.flatMap((e) => {
    const label = PHASE_LABELS[e.type];
    return label === null ? [] : [{ t: Date.parse(e.at), label, kind: 'phase' as const }];
  });
}

/** The alerts of a chair as markers for the charts of their parameter (CONTRACT.md Alert). */
export function alarmMarkers(
  alerts: readonly Alert[],
  chairId: string,
  keys: readonly TrendKey[],
): TimeMarker[] {
  const field = (k: TrendKey): string => (k === 'moaas' || k === 'rass' ? 'sedation' : k);
  const fields = new Set(keys.map(field));
  return alerts
    .filter((a) => a.chairId === chairId && fields.has(a.parameter))
    .map((a) => ({ t: Date.parse(a.raisedAt), label: `⚠ ${a.message}`, kind: 'alarm' as const }));
}

/** The zones beyond the medium alarm limits in force (the product defaults until the server says). */
export function limitBands(
  key: 'hr' | 'sbp' | 'dbp' | 'spo2' | 'rr' | 'etco2',
  label: string,
  rules: AlarmRuleSet = DEFAULT_ALARM_RULES,
): LimitBand[] {
  const limits = rules.limits[key];
  const bands: LimitBand[] = [];
  const low: AlarmBound | null = limits.low;
  const high: AlarmBound | null = limits.high;
  if (low?.medium !== null && low?.medium !== undefined) {
    bands.push({
      from: low.medium,
      side: 'below',
      label: `${label} ${low.inclusive ? '≤' : '<'} ${low.medium}`,
    });
  }
  if (high?.medium !== null && high?.medium !== undefined) {
    bands.push({
      from: high.medium,
      side: 'above',
      label: `${label} ${high.inclusive ? '≥' : '>'} ${high.medium}`,
    });
  }
  return bands;
}
