import type { Sedation, Session, SessionState, StoredSample } from '@chairside/core';
import { infusedMs } from '@chairside/core';
import type { LatestReadings } from '../../store/clinic';
import { formatDuration } from '../../time/format';

/** The parameters a tile shows, in the nurse's order of scanning. */
export type TileParameter = 'hr' | 'bp' | 'spo2' | 'rr' | 'etco2' | 'sedation';

export interface TileValue {
  parameter: TileParameter;
  label: string;
  unit: string;
  /** What is on screen: the number(s), or "--" when never measured. */
  text: string;
  /** Sample time of the reading, or null when never measured. */
  atMs: number | null;
}

export function formatSedationScore(s: Sedation): string {
  // RASS is written with its sign: +2 agitated, -2 light sedation.
  return s.scale === 'RASS' && s.score > 0 ? `+${s.score}` : String(s.score);
}

const NEVER = '--';

/** The tile's values from the latest readings of a chair. */
export function tileValues(latest: LatestReadings): Record<TileParameter, TileValue> {
  const num = (
    parameter: TileParameter,
    label: string,
    unit: string,
    r: { value: number; atMs: number } | undefined,
  ): TileValue => ({
    parameter,
    label,
    unit,
    text: r === undefined ? NEVER : String(Math.round(r.value)),
    atMs: r?.atMs ?? null,
  });
  const { sbp, dbp } = latest;
  // Systolic and diastolic belong to one cuff reading; a diastolic from another time is not shown.
  const dbpText =
    dbp !== undefined && sbp !== undefined && dbp.atMs === sbp.atMs
      ? String(Math.round(dbp.value))
      : NEVER;
  return {
    hr: num('hr', 'HR', 'bpm', latest.hr),
    bp: {
      parameter: 'bp',
      label: 'BP',
      unit: 'mmHg',
      text: sbp === undefined ? NEVER : `${Math.round(sbp.value)}/${dbpText}`,
      atMs: sbp?.atMs ?? null,
    },
    spo2: num('spo2', 'SpO2', '%', latest.spo2),
    rr: num('rr', 'RR', '/min', latest.rr),
    etco2: num('etco2', 'EtCO2', 'mmHg', latest.etco2),
    sedation: {
      parameter: 'sedation',
      // The scale's own name says what the score means (MOAA/S 0-5, RASS -5..+4).
      label: latest.sedation?.value.scale ?? 'Sedation',
      unit: '',
      text: latest.sedation === undefined ? NEVER : formatSedationScore(latest.sedation.value),
      atMs: latest.sedation?.atMs ?? null,
    },
  };
}

/**
 * tileValues of a chair's latest readings, the same objects for as long as those readings are
 * (the tile's vitals redraw only when theirs change, not on each second's tick). Kept on the
 * readings object under a hidden symbol, not in a WeakMap (see sampleAtMs in the clinic store).
 */
const VALUES: unique symbol = Symbol('tileValues');
type ValuesOn = LatestReadings & { [VALUES]?: Record<TileParameter, TileValue> };
export function tileValuesOf(latest: LatestReadings): Record<TileParameter, TileValue> {
  const readings = latest as ValuesOn;
  let values = readings[VALUES];
  if (values === undefined) {
    values = tileValues(latest);
    if (Object.isExtensible(readings)) Object.defineProperty(readings, VALUES, { value: values });
  }
  return values;
}

export const pickHr = (s: StoredSample): number | undefined => s.hr;
export const pickSbp = (s: StoredSample): number | undefined => s.sbp;
export const pickSpo2 = (s: StoredSample): number | undefined => s.spo2;

/** Smallest ranges a sparkline draws: a change this big is worth a glance, noise is not. */
export const HR_TREND = { minSpan: 30 };
export const SBP_TREND = { minSpan: 40 };
export const SPO2_TREND = { minSpan: 8 };

const STATE_NAMES: Record<SessionState, string> = {
  'pre-infusion': 'Pre-infusion',
  infusing: 'Infusing',
  paused: 'Paused',
  recovery: 'Recovery',
  discharged: 'Discharged',
};

/** A mark per state so the state reads by shape as well as by colour and word. */
const STATE_MARKS: Record<SessionState, string> = {
  'pre-infusion': '◇',
  infusing: '▶',
  paused: '❚❚',
  recovery: '◆',
  discharged: '✓',
};

export interface SessionSummary {
  state: SessionState | 'none';
  mark: string;
  text: string;
}

/** "Infusing 12:04 of 40 min", "Paused 12:04", "No session". */
export function sessionSummary(session: Session | null, now: number): SessionSummary {
  if (session === null) return { state: 'none', mark: '○', text: 'No session' };
  const name = STATE_NAMES[session.state];
  const mark = STATE_MARKS[session.state];
  switch (session.state) {
    case 'infusing':
    case 'paused':
      return {
        state: session.state,
        mark,
        text: `${name} ${formatDuration(infusedMs(session.events, now))} of ${session.plannedMinutes} min`,
      };
    case 'pre-infusion':
    case 'recovery':
    case 'discharged':
      return { state: session.state, mark, text: name };
  }
}
