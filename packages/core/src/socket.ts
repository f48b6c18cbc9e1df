import { z } from 'zod';
import type { Alert } from './alert';
import type { AcknowledgeAck, AcknowledgeRequest, AudioPauseMessage } from './alarms/api';
import type { Chair } from './chair';
import type { ErrorBody } from './errors';
import type { SampleInput, StoredSample } from './sample';

const cursor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Where a dashboard stands: the last sample `seq` and the last alert change `seq` it has. */
export const RelayCursorSchema = z.strictObject({ samples: cursor, alerts: cursor });
export type RelayCursor = z.infer<typeof RelayCursorSchema>;

export const SubscribeSchema = z.strictObject({
  chairIds: z.array(z.string().min(1)).max(1000).optional(),
  /**
   * A reconnecting dashboard's cursor (from the last `subscribe` ack and the `seq` of what it
   * received since): everything stored after it is sent before live messages resume.
   */
  since: RelayCursorSchema.optional(),
  /** `vitals-batch` messages (one per ingest commit) instead of a `vitals` message per chair. */
  coalesce: z.boolean().optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeSchema>;

/** The socket ingest payload; `samples` is validated with the same sample schema as HTTP. */
export const SocketVitalsSchema = z.strictObject({
  chairId: z.string().min(1),
  samples: z.array(z.unknown()),
});
export type SocketVitals = z.output<typeof SocketVitalsSchema>;

/**
 * The socket ingest payload checked without zod: exactly `{ chairId, samples }` with a
 * non-empty chair id and an array, which is what every device sends every second. It returns
 * what SocketVitalsSchema's parse returns (a new object and a shallow copy of the array; the
 * samples themselves are checked next, by the sample schema) or null for anything else, and
 * zod then decides and words the issues (socket.test.ts checks both against zod).
 * Why: zod's parse of this wrapper took about 16 µs of each reading's event-loop time in a CPU
 * profile at 500 readings/s (checking the reading itself: about 20), with its result objects
 * as garbage, at every reading of every chair.
 */
export function acceptSocketVitals(payload: unknown): SocketVitals | null {
  if (typeof payload !== 'object' || payload === null) return null;
  if (Object.getPrototypeOf(payload) !== Object.prototype) return null;
  const record = payload as Record<string, unknown>;
  for (const key in record) if (key !== 'chairId' && key !== 'samples') return null;
  const { chairId, samples } = record;
  if (typeof chairId !== 'string' || chairId.length < 1) return null;
  if (!Array.isArray(samples)) return null;
  return { chairId, samples: Array.from(samples) };
}

export type SubscribeAck =
  | {
      ok: true;
      /** Where the dashboard stands now that it is live; send it back as `since` next time. */
      cursor: RelayCursor;
      replayed: { samples: number; alerts: number };
      /** More was missed than a replay carries: reload the history over HTTP. */
      truncated: boolean;
    }
  | { ok: false; error: ErrorBody['error'] };
export type IngestAck =
  { ok: true; accepted: number; duplicates: number } | { ok: false; error: ErrorBody['error'] };

export interface VitalsMessage {
  chairId: string;
  samples: StoredSample[];
}

export interface ServerToClientEvents {
  vitals: (message: VitalsMessage) => void;
  /**
   * For a `coalesce` subscription: what one ingest commit stored, per chair (a large commit
   * comes as several messages of at most 256 samples, in order).
   */
  'vitals-batch': (message: { batches: VitalsMessage[] }) => void;
  /**
   * Raised, changed, acknowledged, cleared or escalated (escalations also reach every charge
   * nurse and admin); `seq` numbers the change (the alert cursor).
   */
  alert: (message: { alert: Alert; seq: number }) => void;
  /** A chair's shared audio pause began, or ended early. */
  'audio-pause': (message: AudioPauseMessage) => void;
  chair: (message: { chair: Chair }) => void;
}

/** Payloads are typed for clients; the server still validates them (anything can arrive). */
export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (response: SubscribeAck) => void) => void;
  vitals: (
    message: { chairId: string; samples: SampleInput[] },
    ack: (response: IngestAck) => void,
  ) => void;
  /** Acknowledges an alert for everyone, like `POST /alerts/{alertId}/acknowledge`. */
  acknowledge: (request: AcknowledgeRequest, ack: (response: AcknowledgeAck) => void) => void;
}
