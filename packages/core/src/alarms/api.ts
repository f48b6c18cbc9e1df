import { z } from 'zod';
import { ALERT_KINDS, ALERT_PRIORITIES, ALERT_STATES, AlertSchema } from '../alert';
import type { ErrorBody } from '../errors';

/**
 * The wire shapes of the alarm routes and socket events, shared by the server (to validate and
 * answer) and the dashboard (to type what it receives).
 */

/** An alert in the history: the contract's Alert plus how long it took to be acknowledged. */
export const AlertRecordSchema = AlertSchema.extend({
  /** Server time from when the alert was first shown to its acknowledgment; null if none yet. */
  timeToAcknowledgeMs: z.number().nullable(),
});
export type AlertRecord = z.infer<typeof AlertRecordSchema>;

export const DEFAULT_ALERTS_LIMIT = 200;
export const MAX_ALERTS_LIMIT = 5000;

const queryTime = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)], {
    error: 'must be an ISO-8601 time (e.g. 2026-11-21T09:30:05.000Z) or epoch milliseconds',
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

/** `GET /alerts` query: every filter optional; `from`/`to` bound `raisedAt`. */
export const AlertQuerySchema = z
  .strictObject({
    chairId: z.string().min(1).optional(),
    sessionId: z.string().min(1).optional(),
    from: queryTime.optional(),
    to: queryTime.optional(),
    priority: z.enum(ALERT_PRIORITIES).optional(),
    state: z.enum(ALERT_STATES).optional(),
    kind: z.enum(ALERT_KINDS).optional(),
    limit: z
      .string({ error: 'limit must be a whole number' })
      .regex(/^\d+$/, 'limit must be a whole number')
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, 'limit must be at least 1')
          .max(MAX_ALERTS_LIMIT, `limit must be at most ${MAX_ALERTS_LIMIT}`),
      )
      .optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['from'],
    message: 'from must not be after to',
  });
export type AlertQuery = z.output<typeof AlertQuerySchema>;

/** A shared audio pause of one chair: every viewer's sound pauses until `until`. */
export const AudioPauseSchema = z.object({
  chairId: z.string(),
  by: z.string(),
  from: z.string(),
  until: z.string(),
});
export type AudioPause = z.infer<typeof AudioPauseSchema>;

export const AUDIO_PAUSE_MS = 120_000;

/** Why a pause ended: broken through by a worse alarm, replaced by a new pause, or ran out. */
export const AUDIO_PAUSE_END_REASONS = ['higher-priority-alarm', 'replaced', 'expired'] as const;
export type AudioPauseEndReason = (typeof AUDIO_PAUSE_END_REASONS)[number];

/** The `audio-pause` event: a pause began, or one ended (with why). */
export type AudioPauseMessage =
  { pause: AudioPause } | { pause: null; chairId: string; reason: AudioPauseEndReason };

/** `GET /chairs/{chairId}/alarm-state`: what a chair tile needs to show its alarm state. */
export interface ChairAlarmState {
  chairId: string;
  /** Alerts not over yet (active or acknowledged), worst first. */
  openAlerts: Alert[];
  /** Time to the vitals-due reminder and to the overdue alarm (negative once passed); null when not infusing. */
  vitalsDue: { reminderInMs: number; overdueInMs: number } | null;
  pause: AudioPause | null;
}

export const AcknowledgeRequestSchema = z.strictObject({ alertId: z.string().min(1) });
export type AcknowledgeRequest = z.infer<typeof AcknowledgeRequestSchema>;
export type AcknowledgeAck = { ok: true; alert: Alert } | { ok: false; error: ErrorBody['error'] };

type Alert = z.infer<typeof AlertSchema>;
