import { z } from 'zod';

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

export const SessionEventInputSchema = z.strictObject({
  type: z.enum(SESSION_EVENT_TYPES),
  at: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
});
export type SessionEventInput = z.infer<typeof SessionEventInputSchema>;

export const SessionEventSchema = z.object({
  type: z.enum(SESSION_EVENT_TYPES),
  at: z.string(),
  by: z.string(),
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
