import type { ErrorIssue, Validated } from '@chairside/core';
import type { SimulatorEvent, SimulatorEventType } from './scenarios';

/**
 * Validation of an event a trainer injects live (it arrives as JSON over the API), with
 * contract-shaped issues. Bounds keep a typo from producing a physiologically absurd patient
 * (a "desaturation" to 8 %, a surge of +800 mmHg).
 */
interface NumberField {
  readonly kind: 'number';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly optional?: boolean;
  readonly unit: string;
}
interface SensorField {
  readonly kind: 'sensor';
  readonly name: 'sensor';
  readonly optional: true;
}
type Field = NumberField | SensorField;

const num = (
  name: string,
  min: number,
  max: number,
  unit: string,
  extra: Partial<NumberField> = {},
): NumberField => ({
  kind: 'number',
  name,
  min,
  max,
  unit,
  ...extra,
});
const timing: readonly Field[] = [
  num('overSeconds', 0, 3600, 's'),
  num('holdSeconds', 0, 86_400, 's', { optional: true }),
  num('recoverSeconds', 0, 3600, 's', { optional: true }),
];
const sensor: SensorField = { kind: 'sensor', name: 'sensor', optional: true };
const SENSORS = ['spo2', 'etco2', 'ecg'] as const;

export const SIMULATOR_EVENT_FIELDS: Readonly<Record<SimulatorEventType, readonly Field[]>> = {
  'infusion-started': [],
  'infusion-paused': [],
  'infusion-resumed': [],
  'infusion-stopped': [],
  desaturate: [num('toSpo2', 50, 100, '%'), ...timing],
  hypoventilate: [num('toRr', 0, 40, '/min'), ...timing],
  'hypertensive-surge': [num('sbpRise', 0, 100, 'mmHg'), num('dbpRise', 0, 60, 'mmHg'), ...timing],
  oversedate: [num('toMoaas', 0, 5, '', { integer: true }), ...timing],
  vasovagal: [
    num('toHr', 20, 100, 'bpm'),
    num('toSbp', 40, 200, 'mmHg'),
    num('toDbp', 20, 120, 'mmHg'),
    ...timing,
  ],
  'emergence-agitation': [
    num('toRass', 1, 4, '', { integer: true }),
    num('hrRise', 0, 80, 'bpm'),
    num('sbpRise', 0, 80, 'mmHg'),
    ...timing,
  ],
  recover: [num('overSeconds', 0, 3600, 's')],
  'probe-off': [sensor, num('seconds', 1, 86_400, 's', { optional: true })],
  'probe-on': [sensor],
  motion: [num('seconds', 1, 3600, 's')],
  'feed-loss': [num('seconds', 1, 86_400, 's', { optional: true })],
  'feed-restored': [],
  'cuff-now': [],
};

export const SIMULATOR_EVENT_TYPES = Object.keys(SIMULATOR_EVENT_FIELDS) as SimulatorEventType[];

function isEventType(t: unknown): t is SimulatorEventType {
  return typeof t === 'string' && Object.hasOwn(SIMULATOR_EVENT_FIELDS, t);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a live event; never throws. */
export function parseSimulatorEvent(body: unknown): Validated<SimulatorEvent> {
  if (!isRecord(body))
    return {
      ok: false,
      issues: [{ path: '', message: 'an event is a JSON object with a "type"' }],
    };
  const type = body.type;
  if (!isEventType(type)) {
    return {
      ok: false,
      issues: [
        { path: 'type', message: `type must be one of: ${SIMULATOR_EVENT_TYPES.join(', ')}` },
      ],
    };
  }
  const fields = SIMULATOR_EVENT_FIELDS[type];
  const issues: ErrorIssue[] = [];
  const out: Record<string, unknown> = { type };
  for (const key of Object.keys(body)) {
    if (key !== 'type' && !fields.some((f) => f.name === key))
      issues.push({ path: key, message: `unknown field "${key}" for ${type}` });
  }
  for (const f of fields) {
    const v = body[f.name];
    if (v === undefined) {
      if (f.kind === 'number' && f.optional !== true)
        issues.push({ path: f.name, message: `${f.name} is required for ${type}` });
      continue;
    }
    if (f.kind === 'sensor') {
      if (typeof v === 'string' && (SENSORS as readonly string[]).includes(v)) out[f.name] = v;
      else issues.push({ path: f.name, message: `sensor must be one of: ${SENSORS.join(', ')}` });
      continue;
    }
    const unit = f.unit === '' ? '' : ` ${f.unit}`;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (f.integer === true && !Number.isInteger(v)) ||
      v < f.min ||
      v > f.max
    ) {
      issues.push({
        path: f.name,
        message: `${f.name} must be ${f.integer === true ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}${unit}`,
      });
      continue;
    }
    out[f.name] = v;
  }
  // The checks above match SimulatorEvent's shape field by field (SIMULATOR_EVENT_FIELDS).
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out as SimulatorEvent };
}
