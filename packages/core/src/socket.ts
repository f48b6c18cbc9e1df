import { z } from 'zod';
import type { Alert } from './alert';
import type { AcknowledgeAck, AcknowledgeRequest, AudioPauseMessage } from './alarms/api';
import type { Chair } from './chair';
import type { ErrorBody } from './errors';
import type { SampleInput, StoredSample } from './sample';

export const SubscribeSchema = z.strictObject({
  chairIds: z.array(z.string().min(1)).max(1000).optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeSchema>;

/** The socket ingest payload; `samples` is validated with the same sample schema as HTTP. */
export const SocketVitalsSchema = z.strictObject({
  chairId: z.string().min(1),
  samples: z.array(z.unknown()),
});

export type SubscribeAck = { ok: true } | { ok: false; error: ErrorBody['error'] };
export type IngestAck =
  { ok: true; accepted: number; duplicates: number } | { ok: false; error: ErrorBody['error'] };

export interface VitalsMessage {
  chairId: string;
  samples: StoredSample[];
}

export interface ServerToClientEvents {
  vitals: (message: VitalsMessage) => void;
  /** Raised, changed, acknowledged, cleared or escalated (escalations also reach every charge nurse and admin). */
  alert: (message: { alert: Alert }) => void;
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
