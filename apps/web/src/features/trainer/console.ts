import { MAX_SIMULATOR_SPEED, MIN_SIMULATOR_SPEED } from '@chairside/core';
import type {
  DebriefAlarm,
  SimulatorDebrief,
  SimulatorRunCreate,
  SimulatorRunEvent,
} from '@chairside/core';
import { csvCell } from '../history/csv';

/** The trainer console's logic, kept apart from the screen so it can be tested on its own. */

export interface RunFormInput {
  chairId: string;
  scenario: string;
  /** As typed in the speed box. */
  speed: string;
  /** The patient number (the model's seed): the same number gives the same patient; empty: a new one. */
  seed?: string;
}

const MAX_SEED = 2 ** 31 - 1;

export type RunFormErrors = Partial<Record<keyof RunFormInput, string>>;

export type RunFormResult =
  { ok: true; value: SimulatorRunCreate } | { ok: false; errors: RunFormErrors };

/** Checks the start form before anything is sent; the messages are shown beside the fields. */
export function validateRunForm(input: RunFormInput): RunFormResult {
  const errors: RunFormErrors = {};
  if (input.chairId === '') errors.chairId = 'Pick the chair to run the scenario on.';
  if (input.scenario === '') errors.scenario = 'Pick a scenario.';
  const speedText = input.speed.trim();
  const speed = Number(speedText);
  if (
    speedText === '' ||
    !Number.isFinite(speed) ||
    speed < MIN_SIMULATOR_SPEED ||
    speed > MAX_SIMULATOR_SPEED
  )
    errors.speed = `Speed is a number from ${MIN_SIMULATOR_SPEED} to ${MAX_SIMULATOR_SPEED} (times real time).`;
  const seedText = (input.seed ?? '').trim();
  const seed = Number(seedText);
  if (seedText !== '' && (!/^\d+$/.test(seedText) || seed > MAX_SEED))
    errors.seed = `Patient number is a whole number from 0 to ${MAX_SEED}, or empty for a new patient.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      chairId: input.chairId,
      scenario: input.scenario,
      speed,
      ...(seedText === '' ? {} : { seed }),
    },
  };
}

/** At speed N the scenario's model minutes pass N times faster than the clock on the wall. */
export function realMinutes(modelMinutes: number, speed: number): number {
  return modelMinutes / speed;
}

export interface InjectionPreset {
  key: string;
  label: string;
  event: Record<string, unknown>;
}

/** The events a trainer reaches for most; each one button, parameters as in the scenarios. */
export const INJECTION_PRESETS: readonly InjectionPreset[] = [
  {
    key: 'desaturate',
    label: 'Desaturate to 85 % over 60 s',
    event: { type: 'desaturate', toSpo2: 85, overSeconds: 60 },
  },
  {
    key: 'hypertensive-surge',
    label: 'Hypertensive surge (+35/+20 mmHg)',
    event: { type: 'hypertensive-surge', sbpRise: 35, dbpRise: 20, overSeconds: 120 },
  },
  {
    key: 'oversedate',
    label: 'Oversedate (MOAA/S 1)',
    event: { type: 'oversedate', toMoaas: 1, overSeconds: 120 },
  },
  {
    key: 'vasovagal',
    label: 'Vasovagal (HR 42, 78/45)',
    event: { type: 'vasovagal', toHr: 42, toSbp: 78, toDbp: 45, overSeconds: 45 },
  },
  {
    key: 'recover',
    label: 'Recover (nurse intervened)',
    event: { type: 'recover', overSeconds: 60 },
  },
  { key: 'probe-off', label: 'SpO2 probe off', event: { type: 'probe-off', sensor: 'spo2' } },
  { key: 'probe-on', label: 'SpO2 probe back on', event: { type: 'probe-on', sensor: 'spo2' } },
  { key: 'feed-loss', label: 'Feed loss', event: { type: 'feed-loss' } },
  { key: 'feed-restored', label: 'Feed restored', event: { type: 'feed-restored' } },
  { key: 'cuff-now', label: 'Cuff now (BP)', event: { type: 'cuff-now' } },
];

/** An injected event in words for the timeline, e.g. "desaturate: toSpo2 85, overSeconds 60". */
export function describeEvent(event: SimulatorRunEvent): string {
  const params = Object.entries(event.event)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key} ${String(value)}`);
  return params.length === 0 ? event.type : `${event.type}: ${params.join(', ')}`;
}

export type TimelineEntry =
  | { kind: 'event'; at: number; who: string; text: string }
  | {
      kind: 'alarm';
      at: number;
      who: string | null;
      text: string;
      priority: string;
      acknowledged: boolean;
    };

/** Injected events and alarms raised on the run's chair, in time order (alarms by raised at). */
export function runTimeline(
  events: readonly SimulatorRunEvent[],
  alarms: readonly DebriefAlarm[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...events.map((e) => ({
      kind: 'event' as const,
      at: Date.parse(e.at),
      who: e.by,
      text: describeEvent(e),
    })),
    ...alarms.map((a) => ({
      kind: 'alarm' as const,
      at: Date.parse(a.raisedAt),
      who: a.acknowledgedBy,
      text: a.message,
      priority: a.priority,
      acknowledged: a.acknowledgedAt !== null,
    })),
  ];
  return entries.sort((a, b) => a.at - b.at);
}

/** Time to acknowledge in words: "12 s", "2 min 05 s"; "never acknowledged" when it was not. */
export function formatTimeToAcknowledge(ms: number | null): string {
  if (ms === null) return 'never acknowledged';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export const DEBRIEF_CSV_COLUMNS = [
  'run_id',
  'chair',
  'scenario',
  'speed',
  'raised_at',
  'priority',
  'kind',
  'parameter',
  'message',
  'acknowledged_by',
  'acknowledged_at',
  'time_to_acknowledge_s',
  'never_acknowledged',
  'cleared_at',
] as const;

/** The debrief as CSV (RFC 4180, CRLF, ISO times, formula-safe text), one alarm per line. */
export function debriefToCsv(debrief: SimulatorDebrief, chairLabel: string): string {
  const { run } = debrief;
  const rows = debrief.alarms.map((a) =>
    [
      run.id,
      chairLabel,
      run.scenario,
      run.speed,
      a.raisedAt,
      a.priority,
      a.kind,
      a.parameter,
      a.message,
      a.acknowledgedBy,
      a.acknowledgedAt,
      a.timeToAcknowledgeMs === null ? null : Math.round(a.timeToAcknowledgeMs / 100) / 10,
      a.acknowledgedAt === null ? 'yes' : 'no',
      a.clearedAt,
    ]
      .map(csvCell)
      .join(','),
  );
  return [DEBRIEF_CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
