import { z } from 'zod';
import { ALDRETE_DISCHARGE_MIN, ALDRETE_ITEMS, ALDRETE_ITEM_NAMES, aldreteResult } from './aldrete';

export const SESSION_STATES = [
  'pre-infusion',
  'infusing',
  'paused',
  'recovery',
  'discharged',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const SESSION_EVENT_TYPES = [
  'infusion-started',
  'infusion-paused',
  'infusion-resumed',
  'infusion-stopped',
  'discharged',
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

/** Which event moves which state where. Anything not listed is an impossible transition (409). */
const TRANSITIONS: Record<SessionState, Partial<Record<SessionEventType, SessionState>>> = {
  'pre-infusion': { 'infusion-started': 'infusing', discharged: 'discharged' },
  infusing: { 'infusion-paused': 'paused', 'infusion-stopped': 'recovery' },
  paused: { 'infusion-resumed': 'infusing', 'infusion-stopped': 'recovery' },
  recovery: { discharged: 'discharged' },
  discharged: {},
};

/** The state after `event`, or null when the transition is impossible. */
export function nextSessionState(
  state: SessionState,
  event: SessionEventType,
): SessionState | null {
  return TRANSITIONS[state][event] ?? null;
}

export function allowedSessionEvents(state: SessionState): SessionEventType[] {
  return Object.keys(TRANSITIONS[state]) as SessionEventType[];
}

/** A session is open (owns the chair's incoming samples) until discharge. */
export function isOpenSession(state: SessionState): boolean {
  return state !== 'discharged';
}

export const SessionCreateSchema = z.strictObject({
  // A chart reference, not a name: the dashboard is seen across the room.
  patientRef: z.string().trim().min(1, 'patientRef is required').max(64),
  weightKg: z
    .number()
    .min(30, 'weightKg below 30 kg: check the unit (kg)')
    .max(250, 'weightKg above 250 kg: check the unit (kg)'),
  // CLINICAL.md 1: 0.1-0.75 mg/kg typical, sometimes 1.0; anything above 2 is a typing error.
  doseMgPerKg: z
    .number()
    .gt(0, 'doseMgPerKg must be above 0')
    .max(2, 'doseMgPerKg above 2 mg/kg is outside ketamine infusion practice'),
  plannedMinutes: z.number().int().min(5).max(180),
});
export type SessionCreate = z.infer<typeof SessionCreateSchema>;

const AldreteItemScoreSchema = z.union([z.literal(0), z.literal(1), z.literal(2)], {
  error: 'each Aldrete item scores 0, 1 or 2',
});

/**
 * The modified Aldrete score the nurse recorded at discharge (CLINICAL.md section 4): the five
 * items 0-2 and their total. The total is sent, not only derived, so a client that added it
 * up wrongly is told so instead of having its chart entry silently changed.
 */
export const AldreteRecordSchema = z
  .strictObject({
    activity: AldreteItemScoreSchema,
    respiration: AldreteItemScoreSchema,
    circulation: AldreteItemScoreSchema,
    consciousness: AldreteItemScoreSchema,
    spo2: AldreteItemScoreSchema,
    total: z.number().int().min(0).max(10),
  })
  .check((ctx) => {
    const sum = ALDRETE_ITEMS.reduce((t, item) => t + ctx.value[item], 0);
    if (sum !== ctx.value.total) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value.total,
        path: ['total'],
        message: `total ${ctx.value.total} is not the sum of the five items (${sum})`,
      });
    }
  });
export type AldreteRecord = z.infer<typeof AldreteRecordSchema>;

/**
 * Why a recorded score does not allow discharge, in the nurse's words, or null when it does.
 * CLINICAL.md section 4: total >= 9 to discharge. An item at 0 always falls short (the other
 * four make at most 8), and the message names every item below 2.
 */
export function aldreteDischargeRefusal(record: AldreteRecord): string | null {
  const result = aldreteResult(record);
  if (result.ready) return null;
  const low = result.low.map((l) => `${ALDRETE_ITEM_NAMES[l.item]} ${l.score}`).join(', ');
  return `modified Aldrete ${record.total}/10 is below ${ALDRETE_DISCHARGE_MIN}, the minimum for discharge (${low}); keep the patient in recovery and score again`;
}

/** "Aldrete 9/10 (Activity 2, Respiration 2, Circulation 1, Consciousness 2, SpO2 2)". */
export function aldreteRecordText(record: AldreteRecord): string {
  const items = ALDRETE_ITEMS.map((item) => `${ALDRETE_ITEM_NAMES[item]} ${record[item]}`);
  return `Aldrete ${record.total}/10 (${items.join(', ')})`;
}

export const SessionEventInputSchema = z
  .strictObject({
    type: z.enum(SESSION_EVENT_TYPES),
    at: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
    /** Only with `discharged`: the discharge-readiness score recorded with it. */
    aldrete: AldreteRecordSchema.optional(),
  })
  .check((ctx) => {
    if (ctx.value.aldrete !== undefined && ctx.value.type !== 'discharged') {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value.aldrete,
        path: ['aldrete'],
        message: 'an Aldrete score is recorded with the "discharged" event only',
      });
    }
  });
export type SessionEventInput = z.infer<typeof SessionEventInputSchema>;

export const SessionEventSchema = z.object({
  type: z.enum(SESSION_EVENT_TYPES),
  at: z.string(),
  by: z.string(),
  /** On a discharge scored in recovery: the modified Aldrete score it was decided on. */
  aldrete: AldreteRecordSchema.optional(),
});
export type SessionEvent = z.infer<typeof SessionEventSchema>;

/** Pre-infusion baseline: median of the readings taken before the infusion started. */
export const BaselineSchema = z.object({
  hr: z.number().nullable(),
  sbp: z.number().nullable(),
  dbp: z.number().nullable(),
  spo2: z.number().nullable(),
  rr: z.number().nullable(),
  samples: z.number().int(),
});
export type Baseline = z.infer<typeof BaselineSchema>;

export const SessionSchema = z.object({
  id: z.string(),
  chairId: z.string(),
  patientRef: z.string(),
  weightKg: z.number(),
  doseMgPerKg: z.number(),
  plannedMinutes: z.number(),
  state: z.enum(SESSION_STATES),
  events: z.array(SessionEventSchema),
  baseline: BaselineSchema.nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Session = z.infer<typeof SessionSchema>;

/** Total dose and pump rate, shown to the nurse when she starts a session. */
export function infusionDose(s: Pick<Session, 'weightKg' | 'doseMgPerKg' | 'plannedMinutes'>): {
  totalMg: number;
  mgPerMin: number;
} {
  const totalMg = Math.round(s.weightKg * s.doseMgPerKg * 10) / 10;
  return { totalMg, mgPerMin: Math.round((totalMg / s.plannedMinutes) * 100) / 100 };
}

/**
 * Milliseconds of infusion so far (time spent infusing, pauses excluded), from the session's
 * events, at time `now`.
 */
export function infusedMs(events: readonly SessionEvent[], now: number): number {
  let total = 0;
  let runningSince: number | null = null;
  for (const e of events) {
    const t = Date.parse(e.at);
    if (e.type === 'infusion-started' || e.type === 'infusion-resumed') runningSince = t;
    else if (runningSince !== null) {
      // paused, stopped or discharged: the pump is not running from here on.
      total += t - runningSince;
      runningSince = null;
    }
  }
  if (runningSince !== null) total += Math.max(0, now - runningSince);
  return total;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Baseline = median of each parameter over the pre-infusion readings (CLINICAL.md section 6). */
export function computeBaseline(
  samples: readonly { hr?: number; sbp?: number; dbp?: number; spo2?: number; rr?: number }[],
): Baseline | null {
  if (samples.length === 0) return null;
  const pick = (k: 'hr' | 'sbp' | 'dbp' | 'spo2' | 'rr') =>
    median(samples.map((s) => s[k]).filter((v): v is number => v !== undefined));
  return {
    hr: pick('hr'),
    sbp: pick('sbp'),
    dbp: pick('dbp'),
    spo2: pick('spo2'),
    rr: pick('rr'),
    samples: samples.length,
  };
}
