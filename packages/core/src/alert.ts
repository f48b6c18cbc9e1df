import { z } from 'zod';

export const ALERT_PRIORITIES = ['high', 'medium', 'low'] as const;
export type AlertPriority = (typeof ALERT_PRIORITIES)[number];
export const ALERT_KINDS = ['physiological', 'technical'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATES = ['active', 'acknowledged', 'cleared'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Sample fields an alert can be about, plus the technical pseudo-parameters. */
export const ALERT_PARAMETERS = [
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'sedation',
  'feed',
  'manual-check',
] as const;
export type AlertParameter = (typeof ALERT_PARAMETERS)[number];

export const AlertSchema = z.object({
  id: z.string(),
  chairId: z.string(),
  sessionId: z.string().nullable(),
  kind: z.enum(ALERT_KINDS),
  parameter: z.enum(ALERT_PARAMETERS),
  priority: z.enum(ALERT_PRIORITIES),
  rule: z.string().optional(),
  message: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  state: z.enum(ALERT_STATES),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  escalatedAt: z.string().nullable().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** IEC 60601-1-8 rank for ordering: high first. */
export function priorityRank(p: AlertPriority): number {
  return p === 'high' ? 0 : p === 'medium' ? 1 : 2;
}
