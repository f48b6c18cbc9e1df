import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSampleSchema, NUMERIC_PARAMETERS, PLAUSIBLE_RANGES } from '@chairside/core';
import type { NumericParameter, Sample, SampleInput } from '@chairside/core';

/**
 * Replay of real ICU stays from the PhysioNet/CinC Challenge 2012 (set a): each record is a
 * `Time,Parameter,Value` file, Time = hours:minutes since ICU admission (can pass 24:00), the
 * first rows general descriptors (RecordID, Age, Gender, Height, ICUType, Weight; -1 = unknown).
 *
 * Mapping to the Sample fields:
 * - HR -> hr.
 * - NISysABP / NIDiasABP (cuff) -> sbp / dbp: the cuff is what an infusion clinic uses.
 *   SysABP / DiasABP (arterial line) -> sbp / dbp only at times with no cuff reading; when both
 *   exist the arterial value is counted as superseded, never merged into the cuff pair.
 * - RespRate -> rr.
 * - SaO2 is NOT mapped to spo2: it is the arterial blood-gas saturation measured by
 *   co-oximetry on a drawn sample, a few times a day, not a pulse oximeter; putting it in spo2
 *   would pretend a continuous oximeter existed and feed it to SpO2 alarms. It is counted as skipped.
 * - Everything else (labs, GCS, urine, temperature, ...) has no Sample field and is ignored.
 *
 * Every sample is validated with core's schema; an implausible value is rejected with core's
 * reason and the rest of that moment's values kept. Nothing is ever invented or clamped.
 */

export interface PhysioNetObservation {
  /** Minutes since ICU admission. */
  readonly minute: number;
  readonly parameter: string;
  readonly value: number;
}

export interface PhysioNetRecord {
  readonly recordId: string;
  /** General descriptors; absent when the file says -1 (unknown). */
  readonly descriptors: {
    readonly ageYears?: number;
    readonly heightCm?: number;
    readonly weightKg?: number;
    readonly icuType?: number;
    readonly gender?: number;
  };
  readonly observations: readonly PhysioNetObservation[];
  /** Lines that could not be read, with why. */
  readonly malformedLines: readonly {
    readonly line: number;
    readonly text: string;
    readonly reason: string;
  }[];
}

const DESCRIPTORS = ['RecordID', 'Age', 'Gender', 'Height', 'ICUType'] as const;

/** Parses one record's text. Never throws: unreadable lines are collected. */
export function parsePhysioNetRecord(text: string, fallbackId = 'unknown'): PhysioNetRecord {
  const descriptors: {
    ageYears?: number;
    heightCm?: number;
    weightKg?: number;
    icuType?: number;
    gender?: number;
  } = {};
  let recordId = fallbackId;
  const observations: PhysioNetObservation[] = [];
  const malformedLines: { line: number; text: string; reason: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || (index === 0 && line.startsWith('Time,'))) return;
    const parts = line.split(',');
    const [time = '', parameter = '', valueText = ''] = parts;
    const timeMatch = /^(\d+):(\d{2})$/.exec(time);
    const value = Number(valueText);
    if (
      parts.length !== 3 ||
      timeMatch === null ||
      parameter === '' ||
      valueText === '' ||
      !Number.isFinite(value)
    ) {
      malformedLines.push({
        line: index + 1,
        text: line,
        reason: 'expected "HH:MM,Parameter,number"',
      });
      return;
    }
    const minute = Number(timeMatch[1]) * 60 + Number(timeMatch[2]);
    // The descriptors come first at 00:00; Weight is both a descriptor and a time series.
    if (minute === 0 && (DESCRIPTORS as readonly string[]).includes(parameter)) {
      if (parameter === 'RecordID') recordId = valueText;
      else if (value !== -1) {
        if (parameter === 'Age') descriptors.ageYears = value;
        else if (parameter === 'Gender') descriptors.gender = value;
        else if (parameter === 'Height') descriptors.heightCm = value;
        else descriptors.icuType = value;
      }
      return;
    }
    if (parameter === 'Weight') {
      if (value !== -1) descriptors.weightKg ??= value;
      if (minute === 0) return;
    }
    observations.push({ minute, parameter, value });
  });
  return { recordId, descriptors, observations, malformedLines };
}

/** Why a value did not make it into a sample. */
export type RejectionRule =
  'below-plausible-minimum' | 'above-plausible-maximum' | 'dbp-not-below-sbp' | 'other';

export interface Rejection {
  readonly recordId: string;
  readonly minute: number;
  readonly field: NumericParameter;
  readonly value: number;
  readonly rule: RejectionRule;
  /** Core's message, as an ingest client would see it. */
  readonly reason: string;
}

export interface ReplayOptions {
  /** Sample time of ICU admission (minute 0), epoch ms. */
  readonly startAtMs: number;
  /**
   * How many times faster than real time the stay is replayed: 60 (default) turns an hour of
   * ICU stay into a minute of feed, so the hourly charting looks like a monitor.
   */
  readonly compression?: number;
}

export interface ReplayResult {
  readonly recordId: string;
  /** Validated samples, ascending by time, source `simulator`. */
  readonly samples: Sample[];
  readonly accepted: Record<NumericParameter, number>;
  readonly rejected: Rejection[];
  /** Values not used, by PhysioNet parameter and why: SaO2, superseded arterial pressures. */
  readonly skipped: Record<string, number>;
}

const FIELD_OF: Readonly<Record<string, NumericParameter>> = {
  HR: 'hr',
  RespRate: 'rr',
  NISysABP: 'sbp',
  NIDiasABP: 'dbp',
  SysABP: 'sbp',
  DiasABP: 'dbp',
};
const ARTERIAL = new Set(['SysABP', 'DiasABP']);

function emptyCounts(): Record<NumericParameter, number> {
  return { hr: 0, sbp: 0, dbp: 0, spo2: 0, rr: 0, etco2: 0 };
}

function ruleFor(field: NumericParameter, value: number, pairIssue: boolean): RejectionRule {
  const r = PLAUSIBLE_RANGES[field];
  if (value < r.min) return 'below-plausible-minimum';
  if (value > r.max) return 'above-plausible-maximum';
  if (pairIssue) return 'dbp-not-below-sbp';
  return 'other';
}

function isNumericParameter(key: unknown): key is NumericParameter {
  return typeof key === 'string' && key in PLAUSIBLE_RANGES;
}

/** Turns a record into validated samples, one per charted moment, with the rejections. */
export function replayPhysioNetRecord(
  record: PhysioNetRecord,
  options: ReplayOptions,
): ReplayResult {
  const compression = options.compression ?? 60;
  if (!(compression > 0)) throw new RangeError(`compression must be positive, got ${compression}`);
  const accepted = emptyCounts();
  const rejected: Rejection[] = [];
  const skipped: Record<string, number> = {};
  const skip = (why: string) => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };

  // Group the charted values by moment.
  const byMinute = new Map<number, PhysioNetObservation[]>();
  for (const o of record.observations) {
    if (o.parameter === 'SaO2') skip('SaO2 (arterial blood gas, not pulse oximetry)');
    if (FIELD_OF[o.parameter] === undefined) continue;
    const list = byMinute.get(o.minute) ?? [];
    list.push(o);
    byMinute.set(o.minute, list);
  }

  const samples: Sample[] = [];
  let atMs = options.startAtMs;
  // The replay validates as the feed would be received: "now" is the sample's own time.
  const schema = createSampleSchema(() => atMs);
  for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
    const observations = byMinute.get(minute) ?? [];
    const hasCuff = observations.some(
      (o) => o.parameter === 'NISysABP' || o.parameter === 'NIDiasABP',
    );
    const values: Partial<Record<NumericParameter, number>> = {};
    for (const o of observations) {
      const field = FIELD_OF[o.parameter];
      if (field === undefined) continue;
      if (hasCuff && ARTERIAL.has(o.parameter)) {
        skip(`${o.parameter} (arterial line superseded by a cuff reading at the same time)`);
        continue;
      }
      if (values[field] !== undefined) {
        skip(`${o.parameter} (second value at the same minute)`);
        continue;
      }
      values[field] = o.value;
    }
    atMs = Math.round(options.startAtMs + (minute * 60_000) / compression);
    const reject = (field: NumericParameter, reason: string, pairIssue: boolean) => {
      const value = values[field];
      if (value === undefined) return;
      rejected.push({
        recordId: record.recordId,
        minute,
        field,
        value,
        reason,
        rule: ruleFor(field, value, pairIssue),
      });
      values[field] = undefined;
    };
    // Each pass removes at least one rejected value, so this ends within six passes.
    for (;;) {
      const input: SampleInput = {
        id: `physionet-${record.recordId}-${minute}`,
        at: new Date(atMs).toISOString(),
        source: 'simulator',
      };
      let any = false;
      for (const k of NUMERIC_PARAMETERS) {
        const v = values[k];
        if (v !== undefined) {
          input[k] = v;
          any = true;
        }
      }
      if (!any) break;
      const parsed = schema.safeParse(input);
      if (parsed.success) {
        samples.push(parsed.data);
        for (const k of NUMERIC_PARAMETERS) if (values[k] !== undefined) accepted[k]++;
        break;
      }
      let removed = false;
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (!isNumericParameter(field) || values[field] === undefined) continue;
        // "DBP must be below SBP": the pair contradicts itself and neither value can be trusted.
        const pairIssue =
          field === 'dbp' && values.sbp !== undefined && (values.dbp ?? 0) >= values.sbp;
        if (pairIssue) reject('sbp', issue.message, true);
        reject(field, issue.message, pairIssue);
        removed = true;
      }
      if (!removed) {
        // An issue about the sample as a whole (should not happen for charted vitals): keep
        // nothing from this moment rather than guess, and say so.
        for (const k of NUMERIC_PARAMETERS)
          reject(k, parsed.error.issues[0]?.message ?? 'invalid', false);
        break;
      }
    }
  }
  return { recordId: record.recordId, samples, accepted, rejected, skipped };
}

/** Reads one record file (I/O lives here, outside the model). */
export async function readPhysioNetRecord(path: string): Promise<PhysioNetRecord> {
  const text = await readFile(path, 'utf8');
  const base = path.split(/[\\/]/).pop() ?? path;
  return parsePhysioNetRecord(text, base.replace(/\.txt$/, ''));
}

/** The record files in a PhysioNet 2012 set folder, sorted. */
export async function listPhysioNetRecords(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => /^\d+\.txt$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}
