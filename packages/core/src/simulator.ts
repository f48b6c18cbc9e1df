import { z } from 'zod';

/**
 * Wire shapes of the training simulator's runs (`/simulator/runs`): what the trainer starts,
 * what a run records (who started it, every event injected with who and when) and the debrief
 * (each alarm of the run with its time to acknowledge).
 */

export const MIN_SIMULATOR_SPEED = 1;
export const MAX_SIMULATOR_SPEED = 20;

/** A scenario id of the simulator package, or `physionet:<recordId>` for a real ICU stay. */
export const PHYSIONET_SCENARIO_PREFIX = 'physionet:';

export const SimulatorRunCreateSchema = z.strictObject({
  chairId: z.string().trim().min(1, 'chairId is required'),
  scenario: z.string().trim().min(1, 'scenario is required'),
  speed: z
    .number()
    .min(MIN_SIMULATOR_SPEED, `speed must be from ${MIN_SIMULATOR_SPEED} to ${MAX_SIMULATOR_SPEED}`)
    .max(MAX_SIMULATOR_SPEED, `speed must be from ${MIN_SIMULATOR_SPEED} to ${MAX_SIMULATOR_SPEED}`)
    .optional(),
  /** The patient drawn for the run; the same seed gives the same patient and noise. */
  seed: z
    .number()
    .int('seed must be a whole number')
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});
export type SimulatorRunCreate = z.infer<typeof SimulatorRunCreateSchema>;

export const SIMULATOR_RUN_STATES = ['running', 'finished', 'stopped'] as const;
export type SimulatorRunState = (typeof SIMULATOR_RUN_STATES)[number];

export const SimulatorRunQuerySchema = z.strictObject({
  state: z.enum(SIMULATOR_RUN_STATES).optional(),
  chairId: z.string().min(1).optional(),
});
export type SimulatorRunQuery = z.infer<typeof SimulatorRunQuerySchema>;

export const SimulatorRunEventSchema = z.object({
  seq: z.number().int(),
  /** Server time the event was applied. */
  at: z.string(),
  by: z.string(),
  type: z.string(),
  /** The event as applied, with its parameters (e.g. `toSpo2`, `overSeconds`). */
  event: z.record(z.string(), z.unknown()),
});
export type SimulatorRunEvent = z.infer<typeof SimulatorRunEventSchema>;

export const SimulatorRunSchema = z.object({
  id: z.string(),
  chairId: z.string(),
  scenario: z.string(),
  scenarioTitle: z.string(),
  speed: z.number(),
  seed: z.number().int(),
  state: z.enum(SIMULATOR_RUN_STATES),
  startedAt: z.string(),
  startedBy: z.string(),
  /** Sample time at which the scenario is over by itself. */
  endsAt: z.string(),
  endedAt: z.string().nullable(),
  /** Who stopped it; null when it finished by itself or is still running. */
  endedBy: z.string().nullable(),
  samplesSent: z.number().int(),
  samplesStored: z.number().int(),
  samplesRefused: z.number().int(),
  events: z.array(SimulatorRunEventSchema),
});
export type SimulatorRun = z.infer<typeof SimulatorRunSchema>;

export const DebriefAlarmSchema = z.object({
  alertId: z.string(),
  parameter: z.string(),
  kind: z.string(),
  priority: z.string(),
  message: z.string(),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** From the moment the alarm was shown to the acknowledgment; null when never acknowledged. */
  timeToAcknowledgeMs: z.number().nullable(),
});
export type DebriefAlarm = z.infer<typeof DebriefAlarmSchema>;

export const SimulatorDebriefSchema = z.object({
  run: SimulatorRunSchema,
  alarms: z.array(DebriefAlarmSchema),
  summary: z.object({
    count: z.number().int(),
    acknowledged: z.number().int(),
    neverAcknowledged: z.number().int(),
    medianTimeToAcknowledgeMs: z.number().nullable(),
  }),
});
export type SimulatorDebrief = z.infer<typeof SimulatorDebriefSchema>;

/** The median of the times to acknowledge, or null when nothing was acknowledged. */
export function medianMs(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}
