import type { AlertPriority } from '../alert';
import type { Baseline } from '../session';
import type { MeasurementField } from '../sample';
import type { SedationScale } from '../sedation';
import type { AlarmRuleSet, LimitedQuantity } from './rules';
import { QUANTITY_RANGES } from './rules';

/**
 * Reading a value against the limits: which thresholds it crosses, and whether it still lies
 * inside the hysteresis band (so an open episode goes on).
 */

export type Side = 'low' | 'high';
export const SIDES: readonly Side[] = ['low', 'high'];
export type PhysiologicalPriority = Extract<AlertPriority, 'medium' | 'high'>;

/** One value of one Sample field, on sample time. */
export interface Reading {
  field: MeasurementField;
  value: number;
  /** The sedation scale for `sedation`, null for the numeric fields. */
  scale: SedationScale | null;
  at: number;
}

export interface Threshold {
  /** Rule id, e.g. `hr-high`, `spo2-low-no-delay`, `sbp-rise-over-baseline`. */
  rule: string;
  priority: PhysiologicalPriority;
  side: Side;
  limit: number;
  inclusive: boolean;
  /** Alarms without the condition delay (SpO2 < 85). */
  immediate: boolean;
  label: string;
  /** Context for the message, e.g. ` (baseline 120 +25%)`. */
  note: string;
  hysteresis: number;
}

export interface Assessment {
  /** The thresholds the value crosses now. */
  met: readonly Threshold[];
  /** True while the value is inside some threshold widened by its hysteresis. */
  holds: boolean;
  value: number;
}

export function quantityOf(field: MeasurementField, scale: SedationScale | null): LimitedQuantity {
  if (field !== 'sedation') return field;
  return scale === 'RASS' ? 'rass' : 'moaas';
}

function crosses(side: Side, inclusive: boolean, value: number, limit: number): boolean {
  if (side === 'low') return inclusive ? value <= limit : value < limit;
  return inclusive ? value >= limit : value > limit;
}

// Thresholds depend only on the rule set, the quantity, the side and the baseline SBP: they are
// built once per rule set and reused for every sample (the engine runs per sample per chair,
// twice per reading: so the lookup builds no key string, only SBP-high varies with a baseline).
interface RuleSetThresholds {
  bySide: Map<LimitedQuantity, { low?: readonly Threshold[]; high?: readonly Threshold[] }>;
  sbpHighByBaseline: Map<number, readonly Threshold[]>;
}
const thresholdCache = new WeakMap<AlarmRuleSet, RuleSetThresholds>();

export function thresholdsFor(
  field: MeasurementField,
  scale: SedationScale | null,
  side: Side,
  rules: AlarmRuleSet,
  baseline: Baseline | null,
): readonly Threshold[] {
  let perRules = thresholdCache.get(rules);
  if (perRules === undefined) {
    perRules = { bySide: new Map(), sbpHighByBaseline: new Map() };
    thresholdCache.set(rules, perRules);
  }
  const q = quantityOf(field, scale);
  const baseSbp = field === 'sbp' && side === 'high' ? (baseline?.sbp ?? null) : null;
  if (baseSbp !== null) {
    let built = perRules.sbpHighByBaseline.get(baseSbp);
    if (built === undefined) {
      built = buildThresholds(field, q, side, rules, baseSbp);
      perRules.sbpHighByBaseline.set(baseSbp, built);
    }
    return built;
  }
  let sides = perRules.bySide.get(q);
  if (sides === undefined) {
    sides = {};
    perRules.bySide.set(q, sides);
  }
  let built = sides[side];
  if (built === undefined) {
    built = buildThresholds(field, q, side, rules, null);
    sides[side] = built;
  }
  return built;
}

function buildThresholds(
  field: MeasurementField,
  q: LimitedQuantity,
  side: Side,
  rules: AlarmRuleSet,
  base: number | null,
): Threshold[] {
  const limits = rules.limits[q];
  const bound = limits[side];
  const label = QUANTITY_RANGES[q].label;
  const out: Threshold[] = [];
  const common = { side, label, note: '', hysteresis: limits.hysteresis };
  if (bound !== null) {
    const rule = `${q}-${side}`;
    if (bound.medium !== null) {
      out.push({
        ...common,
        rule,
        priority: 'medium',
        limit: bound.medium,
        inclusive: bound.inclusive,
        immediate: false,
      });
    }
    if (bound.high !== null) {
      out.push({
        ...common,
        rule,
        priority: 'high',
        limit: bound.high,
        inclusive: bound.inclusive,
        immediate: false,
      });
    }
    if (bound.noDelay !== null) {
      out.push({
        ...common,
        rule: `${rule}-no-delay`,
        priority: 'high',
        limit: bound.noDelay,
        inclusive: bound.inclusive,
        immediate: true,
      });
    }
  }
  const rise = rules.sbpRiseOverBaseline;
  // The relative rule shares the SBP-high episode: one alert per episode, whichever rule is worse.
  if (field === 'sbp' && side === 'high' && rise !== null && base !== null && base > 0) {
    for (const [priority, percent] of [
      ['medium', rise.mediumPercent],
      ['high', rise.highPercent],
    ] as const) {
      if (percent === null) continue;
      out.push({
        ...common,
        rule: 'sbp-rise-over-baseline',
        priority,
        limit: (base * (100 + percent)) / 100,
        inclusive: true,
        immediate: false,
        note: ` (baseline ${formatNumber(base)} +${formatNumber(percent)}%)`,
      });
    }
  }
  return out;
}

const NONE_MET: readonly Threshold[] = Object.freeze([]);

export function assess(
  reading: Reading,
  side: Side,
  rules: AlarmRuleSet,
  baseline: Baseline | null,
): Assessment {
  const thresholds = thresholdsFor(reading.field, reading.scale, side, rules, baseline);
  const v = reading.value;
  // Most readings cross nothing: no array is allocated for them (this runs twice per reading).
  let met: Threshold[] | null = null;
  let holds = false;
  for (const t of thresholds) {
    if (crosses(t.side, t.inclusive, v, t.limit)) (met ??= []).push(t);
    if (
      !holds &&
      crosses(
        t.side,
        t.inclusive,
        v,
        t.side === 'low' ? t.limit + t.hysteresis : t.limit - t.hysteresis,
      )
    )
      holds = true;
  }
  return { met: met ?? NONE_MET, holds, value: v };
}

export function meets(a: Assessment, priority: PhysiologicalPriority): boolean {
  return a.met.some((t) => t.priority === priority);
}

/** The worst priority the value crosses, or null. */
export function levelOf(a: Assessment): PhysiologicalPriority | null {
  if (meets(a, 'high')) return 'high';
  if (meets(a, 'medium')) return 'medium';
  return null;
}

/** The threshold that names an alert of `priority`: a no-delay row first, then absolute before relative. */
export function triggerFor(a: Assessment, priority: PhysiologicalPriority): Threshold | null {
  const candidates = a.met.filter((t) => t.priority === priority);
  return candidates.find((t) => t.immediate) ?? candidates[0] ?? null;
}

export function formatNumber(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** `HR 134 > 120`, `SpO2 86 < 90`, `SBP 170 >= 168 (baseline 120 +40%)`. */
export function alarmMessage(t: Threshold, value: number): string {
  const op = t.side === 'low' ? (t.inclusive ? '<=' : '<') : t.inclusive ? '>=' : '>';
  return `${t.label} ${formatNumber(value)} ${op} ${formatNumber(t.limit)}${t.note}`;
}
