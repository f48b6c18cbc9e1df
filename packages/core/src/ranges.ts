/**
 * Plausible ranges per measured parameter. A value outside its range cannot be a real
 * reading of a living adult by the instruments we take data from, so ingest rejects it with
 * the field named instead of storing or alarming on it. Values at the edge that ARE real
 * and dangerous (HR 0 = asystole, RR 0 = apnea, SpO2 in the 50s) stay inside the range:
 * those must reach the alarm engine, never be filtered away.
 */
export interface PlausibleRange {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly label: string;
  /** Why the bound is where it is. */
  readonly reason: string;
}

export const PLAUSIBLE_RANGES = {
  hr: {
    min: 0,
    max: 300,
    unit: 'bpm',
    label: 'HR',
    reason:
      '0 is asystole and must alarm; above 300/min no adult rhythm is conducted (1:1 flutter tops out near 300), so a higher count is an artifact',
  },
  sbp: {
    min: 20,
    max: 300,
    unit: 'mmHg',
    label: 'SBP',
    reason:
      'adult oscillometric cuffs measure about 20-300 mmHg (IEC 80601-2-30 ranges); a systolic below 20 is not a measurement but a failed cuff cycle',
  },
  dbp: {
    min: 10,
    max: 250,
    unit: 'mmHg',
    label: 'DBP',
    reason:
      'the diastolic measuring range of adult cuffs is about 10-250 mmHg; it must also lie below the systolic',
  },
  spo2: {
    min: 0,
    max: 100,
    unit: '%',
    label: 'SpO2',
    reason:
      'a saturation is a percentage: above 100 is impossible; low values are real and must alarm',
  },
  rr: {
    min: 0,
    max: 80,
    unit: '/min',
    label: 'RR',
    reason:
      '0 is apnea and must alarm; above 80/min is beyond any adult respiration and is an artifact',
  },
  etco2: {
    min: 0,
    max: 150,
    unit: 'mmHg',
    label: 'EtCO2',
    reason:
      'capnographs measure 0-150 mmHg; 0 means no exhaled CO2 (apnea or a disconnected line) and must alarm',
  },
} as const satisfies Record<string, PlausibleRange>;

export type NumericParameter = keyof typeof PLAUSIBLE_RANGES;
export const NUMERIC_PARAMETERS = Object.keys(PLAUSIBLE_RANGES) as NumericParameter[];

/** How far ahead of the server's clock a sample's `at` may lie (clock skew of a device). */
export const MAX_FUTURE_SKEW_MS = 60_000;
/** A batch holds at most this many samples (CONTRACT.md). */
export const MAX_BATCH = 1000;
