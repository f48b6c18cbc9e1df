import { z } from 'zod';
import { ALERT_PRIORITIES } from '../alert';
import { PLAUSIBLE_RANGES } from '../ranges';
import { SAMPLE_SOURCES } from '../sample';
import { toErrorIssues } from '../errors';
import type { Validated } from '../errors';

/**
 * The alarm rules are data: the clinic's limits (CLINICAL.md section 6) live in one typed,
 * validated object that the engine reads, so an admin can change a limit without code and every
 * rule set the engine runs on has passed the same checks.
 */

/** Quantities with limits: the numeric Sample fields and the two sedation scales. */
export const LIMITED_QUANTITIES = [
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'moaas',
  'rass',
] as const;
export type LimitedQuantity = (typeof LIMITED_QUANTITIES)[number];

/** The range a limit may sit in: the plausible range of a reading, or the scale's scores. */
export const QUANTITY_RANGES: Record<LimitedQuantity, { min: number; max: number; label: string }> =
  {
    hr: { min: PLAUSIBLE_RANGES.hr.min, max: PLAUSIBLE_RANGES.hr.max, label: 'HR' },
    sbp: { min: PLAUSIBLE_RANGES.sbp.min, max: PLAUSIBLE_RANGES.sbp.max, label: 'SBP' },
    dbp: { min: PLAUSIBLE_RANGES.dbp.min, max: PLAUSIBLE_RANGES.dbp.max, label: 'DBP' },
    spo2: { min: PLAUSIBLE_RANGES.spo2.min, max: PLAUSIBLE_RANGES.spo2.max, label: 'SpO2' },
    rr: { min: PLAUSIBLE_RANGES.rr.min, max: PLAUSIBLE_RANGES.rr.max, label: 'RR' },
    etco2: { min: PLAUSIBLE_RANGES.etco2.min, max: PLAUSIBLE_RANGES.etco2.max, label: 'EtCO2' },
    moaas: { min: 0, max: 5, label: 'MOAA/S' },
    rass: { min: -5, max: 4, label: 'RASS' },
  };

/**
 * One side of a parameter (its low or its high side). `inclusive` says whether the limit value
 * itself alarms: the table writes `SBP >= 160` but `HR > 120`. `noDelay` is a more extreme
 * high-priority limit that alarms without the condition delay (SpO2 < 85).
 */
export const AlarmBoundSchema = z.strictObject({
  medium: z.number().nullable(),
  high: z.number().nullable(),
  inclusive: z.boolean(),
  noDelay: z.number().nullable(),
});
export type AlarmBound = z.infer<typeof AlarmBoundSchema>;

/**
 * Limits of one quantity. `hysteresis` is in the quantity's own unit: an episode ends only when
 * the value is back past the least extreme limit by this much, so a value hovering at a limit
 * does not chatter.
 */
export const QuantityLimitsSchema = z.strictObject({
  low: AlarmBoundSchema.nullable(),
  high: AlarmBoundSchema.nullable(),
  hysteresis: z.number().min(0),
});
export type QuantityLimits = z.infer<typeof QuantityLimitsSchema>;

const durationMs = z.number().int().positive();
export const SILENCE_WATCHED_PARAMETERS = ['hr', 'sbp', 'dbp', 'spo2', 'rr', 'etco2'] as const;
export type SilenceWatchedParameter = (typeof SILENCE_WATCHED_PARAMETERS)[number];

const AlarmRuleSetObject = z.strictObject({
  limits: z.strictObject({
    hr: QuantityLimitsSchema,
    sbp: QuantityLimitsSchema,
    dbp: QuantityLimitsSchema,
    spo2: QuantityLimitsSchema,
    rr: QuantityLimitsSchema,
    etco2: QuantityLimitsSchema,
    moaas: QuantityLimitsSchema,
    rass: QuantityLimitsSchema,
  }),
  /** SBP rise over the session baseline (median of pre-infusion readings), in percent. */
  sbpRiseOverBaseline: z
    .strictObject({
      mediumPercent: z.number().positive().nullable(),
      highPercent: z.number().positive().nullable(),
    })
    .nullable(),
  /** How long (sample time) a condition must hold on a continuous source before it alarms. */
  conditionDelayMs: z.number().int().min(0).max(60_000),
  /** A continuous feed (device, simulator) that has sent nothing for longer than this alarms. */
  feedSilent: z.strictObject({ afterMs: durationMs, priority: z.enum(ALERT_PRIORITIES) }),
  /**
   * A parameter a continuous feed was reporting that stops arriving while the feed is alive
   * (SpO2 probe off, capnography line out). Null turns the watch off for that parameter.
   */
  parameterSilent: z.strictObject({
    afterMs: z.strictObject({
      hr: durationMs.nullable(),
      sbp: durationMs.nullable(),
      dbp: durationMs.nullable(),
      spo2: durationMs.nullable(),
      rr: durationMs.nullable(),
      etco2: durationMs.nullable(),
    }),
    priority: z.enum(ALERT_PRIORITIES),
  }),
  /**
   * HR, BP and SpO2 must be recorded during an infusion: a low "vitals due" reminder after
   * `reminderMs`, a medium technical alarm after `overdueMs`. `countedSources` says which
   * sources renew the clock.
   */
  vitalsDue: z.strictObject({
    reminderMs: durationMs,
    overdueMs: durationMs,
    countedSources: z.array(z.enum(SAMPLE_SOURCES)).min(1),
  }),
  /** An unacknowledged high-priority alarm escalates to the charge nurse after this long. */
  escalateAfterMs: durationMs,
});

/**
 * Coherence checks a field-by-field schema cannot express. Each issue names its field path
 * (e.g. `limits.hr.high.medium`) so an admin form can point at the wrong box.
 */
function checkCoherence(rules: z.infer<typeof AlarmRuleSetObject>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  for (const q of LIMITED_QUANTITIES) {
    const limits = rules.limits[q];
    const range = QUANTITY_RANGES[q];
    for (const side of ['low', 'high'] as const) {
      const bound = limits[side];
      if (bound === null) continue;
      const base = ['limits', q, side];
      for (const level of ['medium', 'high', 'noDelay'] as const) {
        const v = bound[level];
        if (v !== null && (v < range.min || v > range.max)) {
          issue(
            [...base, level],
            `${range.label} ${side} ${level} limit ${v} lies outside ${range.min}..${range.max}`,
          );
        }
      }
      if (bound.medium === null && bound.high === null) {
        issue(
          base,
          `${range.label} ${side} side has neither a medium nor a high limit: set one, or set the side to null`,
        );
      }
      // "More extreme" is lower on the low side and higher on the high side.
      const moreExtreme = (a: number, b: number) => (side === 'low' ? a < b : a > b);
      if (bound.medium !== null && bound.high !== null && !moreExtreme(bound.high, bound.medium)) {
        issue(
          [...base, 'medium'],
          `${range.label} ${side} medium limit ${bound.medium} must be less extreme than the high limit ${bound.high}`,
        );
      }
      if (bound.noDelay !== null) {
        if (bound.high === null) {
          issue(
            [...base, 'noDelay'],
            `${range.label} ${side} no-delay limit needs a high limit beside it`,
          );
        } else if (moreExtreme(bound.high, bound.noDelay)) {
          issue(
            [...base, 'noDelay'],
            `${range.label} ${side} no-delay limit ${bound.noDelay} must be at least as extreme as the high limit ${bound.high}`,
          );
        }
      }
    }
    const lowLeast = limits.low === null ? null : (limits.low.medium ?? limits.low.high);
    const highLeast = limits.high === null ? null : (limits.high.medium ?? limits.high.high);
    if (lowLeast !== null && highLeast !== null && lowLeast >= highLeast) {
      issue(
        ['limits', q, 'low'],
        `${range.label} low limits (${lowLeast}) must lie below the high limits (${highLeast})`,
      );
    }
    const span = range.max - range.min;
    if (limits.hysteresis > span / 10) {
      issue(
        ['limits', q, 'hysteresis'],
        `${range.label} hysteresis ${limits.hysteresis} is larger than a tenth of its range`,
      );
    }
  }
  const rise = rules.sbpRiseOverBaseline;
  if (rise !== null) {
    if (rise.mediumPercent === null && rise.highPercent === null) {
      issue(
        ['sbpRiseOverBaseline'],
        'the SBP rise rule has neither a medium nor a high percentage: set one, or set it to null',
      );
    }
    if (
      rise.mediumPercent !== null &&
      rise.highPercent !== null &&
      rise.mediumPercent >= rise.highPercent
    ) {
      issue(
        ['sbpRiseOverBaseline', 'mediumPercent'],
        `the medium SBP rise (${rise.mediumPercent}%) must be below the high SBP rise (${rise.highPercent}%)`,
      );
    }
  }
  if (rules.vitalsDue.reminderMs >= rules.vitalsDue.overdueMs) {
    issue(
      ['vitalsDue', 'reminderMs'],
      'the vitals-due reminder must come before the overdue alarm',
    );
  }
}

export const AlarmRuleSetSchema = AlarmRuleSetObject.superRefine(checkCoherence);
export type AlarmRuleSet = z.infer<typeof AlarmRuleSetObject>;

const bound = (
  medium: number | null,
  high: number | null,
  inclusive: boolean,
  noDelay: number | null = null,
): AlarmBound => ({
  medium,
  high,
  inclusive,
  noDelay,
});

/** CLINICAL.md section 6, the product defaults. */
export const DEFAULT_ALARM_RULES: AlarmRuleSet = {
  limits: {
    // Hysteresis: 2 %-points of SpO2 (a probe's accuracy band), otherwise about 2-3 % of the limit.
    spo2: { low: bound(94, 90, false, 85), high: null, hysteresis: 2 },
    hr: { low: bound(50, 40, false), high: bound(120, 140, false), hysteresis: 3 },
    sbp: { low: bound(90, 80, false), high: bound(160, 180, true), hysteresis: 4 },
    dbp: { low: null, high: bound(100, 110, true), hysteresis: 3 },
    rr: { low: bound(10, 8, false), high: bound(30, null, false), hysteresis: 2 },
    etco2: { low: null, high: bound(50, 60, false), hysteresis: 2 },
    // Sedation scores are whole steps scored by a nurse: any better score ends the episode.
    moaas: { low: bound(3, 2, true), high: null, hysteresis: 0 },
    rass: { low: bound(-3, -4, true), high: bound(3, null, true), hysteresis: 0 },
  },
  sbpRiseOverBaseline: { mediumPercent: 25, highPercent: 40 },
  conditionDelayMs: 10_000,
  feedSilent: { afterMs: 15_000, priority: 'medium' },
  parameterSilent: {
    // 30 s: twice the feed-silent time, long enough for a probe being repositioned. A cuff
    // measures BP every 3-5 min, so BP is missing only after two cycles and a margin (11 min).
    afterMs: { hr: 30_000, spo2: 30_000, rr: 30_000, etco2: 30_000, sbp: 660_000, dbp: 660_000 },
    priority: 'medium',
  },
  // ASA: BP and HR at least every 5 min. Readings from any source count: a cuff cycle renews it.
  vitalsDue: {
    reminderMs: 300_000,
    overdueMs: 600_000,
    countedSources: ['manual', 'device', 'simulator'],
  },
  escalateAfterMs: 60_000,
};

/** Validates a rule set posted by an admin (or loaded from the store). */
export function validateAlarmRules(input: unknown): Validated<AlarmRuleSet> {
  const parsed = AlarmRuleSetSchema.safeParse(input);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, issues: toErrorIssues(parsed.error) };
}

/** A per-session override: any subset of the fields; a bound set to null turns that side off. */
const BoundOverrideSchema = AlarmBoundSchema.partial();
const QuantityOverrideSchema = z.strictObject({
  low: BoundOverrideSchema.nullable().optional(),
  high: BoundOverrideSchema.nullable().optional(),
  hysteresis: z.number().min(0).optional(),
});
export const AlarmRuleOverrideSchema = z.strictObject({
  limits: z
    .strictObject({
      hr: QuantityOverrideSchema.optional(),
      sbp: QuantityOverrideSchema.optional(),
      dbp: QuantityOverrideSchema.optional(),
      spo2: QuantityOverrideSchema.optional(),
      rr: QuantityOverrideSchema.optional(),
      etco2: QuantityOverrideSchema.optional(),
      moaas: QuantityOverrideSchema.optional(),
      rass: QuantityOverrideSchema.optional(),
    })
    .optional(),
  sbpRiseOverBaseline: AlarmRuleSetObject.shape.sbpRiseOverBaseline
    .unwrap()
    .partial()
    .nullable()
    .optional(),
  conditionDelayMs: AlarmRuleSetObject.shape.conditionDelayMs.optional(),
  feedSilent: AlarmRuleSetObject.shape.feedSilent.partial().optional(),
  parameterSilent: z
    .strictObject({
      afterMs: AlarmRuleSetObject.shape.parameterSilent.shape.afterMs.partial().optional(),
      priority: z.enum(ALERT_PRIORITIES).optional(),
    })
    .optional(),
  vitalsDue: AlarmRuleSetObject.shape.vitalsDue.partial().optional(),
  escalateAfterMs: durationMs.optional(),
});
export type AlarmRuleOverride = z.infer<typeof AlarmRuleOverrideSchema>;

function mergeBound(
  base: AlarmBound | null,
  override: Partial<AlarmBound> | null | undefined,
): unknown {
  if (override === undefined) return base;
  if (override === null) return null;
  // Turning on a side the clinic left off: the override must then name every field, which the
  // validation of the merged set checks.
  return { ...(base ?? {}), ...override };
}

/**
 * The rules a session runs on: the clinic's rules with the session's override laid over them.
 * The merged set is validated as a whole, so an override that makes the rules incoherent (a
 * medium limit beyond the high one) is refused with field paths instead of being applied.
 */
export function mergeRules(
  clinic: AlarmRuleSet,
  sessionOverride: AlarmRuleOverride | null,
): Validated<AlarmRuleSet> {
  if (sessionOverride === null) return validateAlarmRules(clinic);
  const o = sessionOverride;
  const limits: Record<string, unknown> = {};
  for (const q of LIMITED_QUANTITIES) {
    const base = clinic.limits[q];
    const lo = o.limits?.[q];
    limits[q] = {
      low: mergeBound(base.low, lo?.low),
      high: mergeBound(base.high, lo?.high),
      hysteresis: lo?.hysteresis ?? base.hysteresis,
    };
  }
  const rise =
    o.sbpRiseOverBaseline === undefined
      ? clinic.sbpRiseOverBaseline
      : o.sbpRiseOverBaseline === null
        ? null
        : { ...(clinic.sbpRiseOverBaseline ?? {}), ...o.sbpRiseOverBaseline };
  const merged = {
    limits,
    sbpRiseOverBaseline: rise,
    conditionDelayMs: o.conditionDelayMs ?? clinic.conditionDelayMs,
    feedSilent: { ...clinic.feedSilent, ...o.feedSilent },
    parameterSilent: {
      afterMs: { ...clinic.parameterSilent.afterMs, ...o.parameterSilent?.afterMs },
      priority: o.parameterSilent?.priority ?? clinic.parameterSilent.priority,
    },
    vitalsDue: { ...clinic.vitalsDue, ...o.vitalsDue },
    escalateAfterMs: o.escalateAfterMs ?? clinic.escalateAfterMs,
  };
  return validateAlarmRules(merged);
}
