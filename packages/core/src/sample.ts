import { z } from 'zod';
import { MAX_BATCH, MAX_FUTURE_SKEW_MS, NUMERIC_PARAMETERS, PLAUSIBLE_RANGES } from './ranges';
import type { NumericParameter } from './ranges';
import { SedationSchema } from './sedation';
import { toErrorIssues } from './errors';
import type { Validated } from './errors';

export const SAMPLE_SOURCES = ['device', 'manual', 'simulator'] as const;
export const SampleSourceSchema = z.enum(SAMPLE_SOURCES);
export type SampleSource = z.infer<typeof SampleSourceSchema>;
const SOURCES: ReadonlySet<unknown> = new Set(SAMPLE_SOURCES);

/** Longest client-chosen sample id (the idempotency key). */
const MAX_SAMPLE_ID_LENGTH = 128;

/** Sources that stream continuously (condition delays and stale-feed alarms apply). */
export function isContinuousSource(source: SampleSource): boolean {
  return source !== 'manual';
}

function measurement(parameter: NumericParameter) {
  const r = PLAUSIBLE_RANGES[parameter];
  // z.number() already refuses NaN and Infinity.
  return z
    .number({ error: `${parameter} must be a number in ${r.unit}` })
    .min(r.min, {
      error: (iss) =>
        `${r.label} ${String(iss.input)} is below the plausible minimum ${r.min} ${r.unit}`,
    })
    .max(r.max, {
      error: (iss) =>
        `${r.label} ${String(iss.input)} is above the plausible maximum ${r.max} ${r.unit}`,
    })
    .optional();
}

const IsoTimeSchema = z.iso.datetime({ offset: true });

/** `at` is ISO-8601 with an offset, or epoch milliseconds. */
export const SampleTimeSchema = z.union([IsoTimeSchema, z.number().int().nonnegative()], {
  error: 'at must be an ISO-8601 time (e.g. 2026-11-21T09:30:05.000Z) or epoch milliseconds',
});

/** The sample as a client sends it (before `at` is normalised). */
export const SampleInputSchema = z.strictObject({
  id: z.string().min(1).max(MAX_SAMPLE_ID_LENGTH).optional(),
  at: SampleTimeSchema,
  hr: measurement('hr'),
  sbp: measurement('sbp'),
  dbp: measurement('dbp'),
  spo2: measurement('spo2'),
  rr: measurement('rr'),
  etco2: measurement('etco2'),
  sedation: SedationSchema.optional(),
  source: SampleSourceSchema,
});
export type SampleInput = z.input<typeof SampleInputSchema>;

/** A validated sample with `at` normalised to an ISO string in UTC. */
export interface Sample {
  id?: string;
  at: string;
  hr?: number;
  sbp?: number;
  dbp?: number;
  spo2?: number;
  rr?: number;
  etco2?: number;
  sedation?: z.infer<typeof SedationSchema>;
  source: SampleSource;
}

/** A sample as stored and broadcast: the server adds where, when and by whom. */
export interface StoredSample extends Sample {
  /**
   * The server's arrival number, increasing across all chairs: a dashboard that reconnects
   * hands back the last one it saw and receives everything stored after it (its cursor).
   * Always set by the server; optional so that samples built outside it (fixtures, replays of
   * recordings) need not invent one.
   */
  seq?: number;
  id: string;
  chairId: string;
  sessionId: string | null;
  receivedAt: string;
  /** Username of the nurse who entered a manual sample; null for feeds. */
  enteredBy: string | null;
}

export const StoredSampleSchema = z.object({
  seq: z.number().int().optional(),
  id: z.string(),
  at: z.string(),
  hr: z.number().optional(),
  sbp: z.number().optional(),
  dbp: z.number().optional(),
  spo2: z.number().optional(),
  rr: z.number().optional(),
  etco2: z.number().optional(),
  sedation: SedationSchema.optional(),
  source: SampleSourceSchema,
  chairId: z.string(),
  sessionId: z.string().nullable(),
  receivedAt: z.string(),
  enteredBy: z.string().nullable(),
});

export const MEASUREMENT_FIELDS = [...NUMERIC_PARAMETERS, 'sedation'] as const;
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

export function hasMeasurement(s: Partial<Record<MeasurementField, unknown>>): boolean {
  return MEASUREMENT_FIELDS.some((f) => s[f] !== undefined);
}

/**
 * Builds the sample schema with the clock the caller trusts (the server's, or the browser's
 * for the manual-entry form), so "too far in the future" is decided without reading a global
 * clock inside the domain.
 */
export function createSampleSchema(now: () => number) {
  const schema = SampleInputSchema.superRefine((s, ctx) => {
    if (!hasMeasurement(s)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `a sample needs at least one measurement: ${MEASUREMENT_FIELDS.join(', ')}`,
      });
    }
    if (s.sbp !== undefined && s.dbp !== undefined && s.dbp >= s.sbp) {
      ctx.addIssue({
        code: 'custom',
        path: ['dbp'],
        message: `DBP ${s.dbp} must be below SBP ${s.sbp}`,
      });
    }
    const atMs = typeof s.at === 'number' ? s.at : Date.parse(s.at);
    if (atMs > now() + MAX_FUTURE_SKEW_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['at'],
        message: `at lies more than ${MAX_FUTURE_SKEW_MS / 1000} s in the future; check the device clock`,
      });
    }
  }).transform((s): Sample => {
    const out: Sample = { at: new Date(s.at).toISOString(), source: s.source };
    if (s.id !== undefined) out.id = s.id;
    for (const p of NUMERIC_PARAMETERS) {
      const v = s[p];
      if (v !== undefined) out[p] = v;
    }
    if (s.sedation !== undefined) out.sedation = s.sedation;
    return out;
  });
  schemaClocks.set(schema, now);
  return schema;
}

export type SampleSchema = ReturnType<typeof createSampleSchema>;

/** The clock each sample schema was built with: what the common-reading check needs too. */
const schemaClocks = new WeakMap<object, () => number>();

/** zod's own pattern for `at` (the same object SampleTimeSchema checks with). */
const ISO_TIME: RegExp | undefined = IsoTimeSchema._zod.def.pattern;
const INPUT_KEYS: ReadonlySet<string> = new Set(['id', 'at', 'source', ...NUMERIC_PARAMETERS]);

/**
 * The common reading, checked without zod: a plain object with `at`, `source`, an optional
 * `id` and numbers in their plausible ranges, as every device and the simulator send at
 * 1 Hz per chair. It returns exactly what the sample schema would (sample.test.ts checks that
 * with generated inputs) or null whenever anything is unusual (a sedation score, a key or
 * value it does not know, any rule broken), and zod then decides and words the issues.
 * Why: zod's parse was the largest part of ingest's CPU and garbage that Chairside adds to a
 * plain relay (a result object per check), and garbage collections pause every reading.
 */
export function acceptCommonSample(input: unknown, now: () => number): Sample | null {
  if (typeof input !== 'object' || input === null || ISO_TIME === undefined) return null;
  if (Object.getPrototypeOf(input) !== Object.prototype) return null;
  const record = input as Record<string, unknown>;
  for (const key in record) if (!INPUT_KEYS.has(key)) return null;

  const { id, at, source } = record;
  if (
    id !== undefined &&
    (typeof id !== 'string' || id.length < 1 || id.length > MAX_SAMPLE_ID_LENGTH)
  )
    return null;
  if (!SOURCES.has(source)) return null;
  let atMs: number;
  if (typeof at === 'string') {
    if (!ISO_TIME.test(at)) return null;
    atMs = Date.parse(at);
    if (Number.isNaN(atMs)) return null;
  } else if (typeof at === 'number') {
    if (!Number.isSafeInteger(at) || at < 0) return null;
    atMs = at;
  } else {
    return null;
  }
  if (atMs > now() + MAX_FUTURE_SKEW_MS) return null;

  const out: Sample = { at: new Date(atMs).toISOString(), source: source as SampleSource };
  if (id !== undefined) out.id = id;
  let measured = false;
  for (const p of NUMERIC_PARAMETERS) {
    if (!(p in record)) continue;
    const v = record[p];
    const range = PLAUSIBLE_RANGES[p];
    if (typeof v !== 'number' || !(v >= range.min && v <= range.max)) return null;
    out[p] = v;
    measured = true;
  }
  if (!measured) return null;
  if (out.sbp !== undefined && out.dbp !== undefined && out.dbp >= out.sbp) return null;
  return out;
}

// Building a zod schema is not free (zod 4 initialises it on construction): the array of a
// sample schema is made once, not once per batch (it was ~7 us of every reading's ingest).
const arraySchemas = new WeakMap<SampleSchema, z.ZodArray<SampleSchema>>();
function arrayOf(schema: SampleSchema): z.ZodArray<SampleSchema> {
  let array = arraySchemas.get(schema);
  if (array === undefined) {
    array = z.array(schema);
    arraySchemas.set(schema, array);
  }
  return array;
}

/**
 * Validates what a client posted: one sample or an array of up to MAX_BATCH. A batch with any
 * invalid sample is rejected whole; issue paths name the index (`3.spo2`).
 */
export function validateSamples(body: unknown, schema: SampleSchema): Validated<Sample[]> {
  if (Array.isArray(body)) {
    if (body.length === 0) {
      return {
        ok: false,
        issues: [{ path: '', message: 'the batch is empty: send 1 to 1000 samples' }],
      };
    }
    if (body.length > MAX_BATCH) {
      return {
        ok: false,
        issues: [
          {
            path: '',
            message: `a batch holds at most ${MAX_BATCH} samples; this one has ${body.length}`,
          },
        ],
      };
    }
    const clock = schemaClocks.get(schema);
    if (clock !== undefined) {
      const fast: Sample[] = [];
      for (const item of body) {
        const sample = acceptCommonSample(item, clock);
        if (sample === null) break;
        fast.push(sample);
      }
      if (fast.length === body.length) return { ok: true, value: fast };
    }
    const parsed = arrayOf(schema).safeParse(body);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, issues: toErrorIssues(parsed.error) };
  }
  const clock = schemaClocks.get(schema);
  const fast = clock === undefined ? null : acceptCommonSample(body, clock);
  if (fast !== null) return { ok: true, value: [fast] };
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, value: [parsed.data] }
    : { ok: false, issues: toErrorIssues(parsed.error) };
}
