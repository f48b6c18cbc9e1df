import { z } from 'zod';

/**
 * The audit trail as the API serves it (`GET /audit`, charge nurse and admin): who did what,
 * when, with what it concerned. Shared by the server (to validate the query) and the dashboard
 * (to read the answer).
 */

/**
 * The actions the server records today, for filters and documentation. The server does not
 * limit `action` to these: an action added later is listed and filtered like the others.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login-failed',
  'user.created',
  'chair.created',
  'session.created',
  'session.infusion-started',
  'session.infusion-paused',
  'session.infusion-resumed',
  'session.infusion-stopped',
  'session.discharged',
  'session.discharge-refused',
  'alert.acknowledged',
  'alarm-rules.clinic.updated',
  'alarm-rules.session.updated',
] as const;
export type KnownAuditAction = (typeof AUDIT_ACTIONS)[number];

export const DEFAULT_AUDIT_LIMIT = 200;
export const MAX_AUDIT_LIMIT = 1000;

export const AuditEntrySchema = z.object({
  /** Order of recording; the page cursor (`beforeSeq`). */
  seq: z.number().int(),
  at: z.string(),
  /** The username that acted (for a failed login: the name that was typed). */
  actor: z.string(),
  action: z.string(),
  /** What the action concerned, as recorded with it (ids, old and new values, scores). */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  /** Pass as `beforeSeq` for the next, older page; null when no older entry matches. */
  nextBeforeSeq: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

// ISO-8601 or epoch milliseconds, like the vitals and alerts queries.
const queryTime = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)], {
    error: 'must be an ISO-8601 time (e.g. 2026-11-21T09:30:05.000Z) or epoch milliseconds',
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string({ error: `${name} must be a whole number` })
    .regex(/^\d{1,16}$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int(`${name} is too large`)
        .min(min, `${name} must be at least ${min}`)
        .max(max, `${name} must be at most ${max}`),
    );

/** `GET /audit` query: every filter optional; `from`/`to` bound `at` (both inclusive). */
export const AuditQuerySchema = z
  .strictObject({
    from: queryTime.optional(),
    to: queryTime.optional(),
    actor: z
      .string({ error: 'actor must be one username' })
      .min(1, 'actor must not be empty')
      .max(64, 'actor is at most 64 characters')
      .optional(),
    action: z
      .string({ error: 'action must be one action name' })
      .max(64, 'action is at most 64 characters')
      .regex(
        /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/,
        'action must be an action name such as alert.acknowledged',
      )
      .optional(),
    chairId: z
      .string({ error: 'chairId must be one chair id' })
      .min(1, 'chairId must not be empty')
      .max(200)
      .optional(),
    sessionId: z
      .string({ error: 'sessionId must be one session id' })
      .min(1, 'sessionId must not be empty')
      .max(200)
      .optional(),
    limit: wholeNumber('limit', 1, MAX_AUDIT_LIMIT).optional(),
    /** The `seq` of an entry: only entries before it (by `at`, then `seq`) are returned. */
    beforeSeq: wholeNumber('beforeSeq', 1, Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['from'],
    message: 'from must not be after to',
  });
export type AuditQuery = z.output<typeof AuditQuerySchema>;
