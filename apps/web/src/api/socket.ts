import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { AlertSchema, ChairSchema } from '@chairside/core';
import type {
  ClientToServerEvents,
  RelayCursor,
  ServerToClientEvents,
  StoredSample,
} from '@chairside/core';
import type { ApiClient } from './http';
import { AudioPauseSchema, parseStoredSamples } from './http';
import { createSampleBatcher } from './sampleBatcher';
import type { FrameQueue } from '../time/frameQueue';
import { BUFFER_MAX_SAMPLES, BUFFER_WINDOW_MS, MAX_ALERTS_KEPT, useClinic } from '../store/clinic';
import { useConnection } from '../store/connection';

export type ClinicSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ClinicLinkOptions {
  token: string;
  api: ApiClient;
  clock: () => number;
  /** The server refused our token on the socket: the session is over. */
  onUnauthorized: () => void;
  /** Defaults to the same-origin Socket.io connection of CONTRACT.md 4. */
  createSocket?: (token: string) => ClinicSocket;
  /** The frames live readings are spread over (the tiles' shared budget by default). */
  frames?: FrameQueue<unknown>;
}

const SUBSCRIBE_TIMEOUT_MS = 5_000;
const SERVER_CLOSE_RETRY_MS = 1_000;

function sameOriginSocket(token: string): ClinicSocket {
  return io({ auth: { token }, reconnection: true });
}

/**
 * Fetches the chair list and each chair's recent vitals, so what was missed while the socket
 * was down is filled in. Merging is idempotent, so overlap with live messages is harmless.
 */
export async function backfillClinic(api: ApiClient, now: number): Promise<void> {
  const chairs = await api.listChairs();
  const clinic = useClinic.getState();
  clinic.setChairs(chairs);
  await Promise.allSettled(
    chairs.map(async (chair) => {
      const samples = await api.getVitals(chair.id, {
        from: now - BUFFER_WINDOW_MS,
        limit: BUFFER_MAX_SAMPLES,
      });
      clinic.addSamples(chair.id, samples);
    }),
  );
}

/**
 * Fetches the open alarms (active and acknowledged) and each chair's audio pause, so a reload or
 * a reconnect shows every alarm still standing, not only the ones raised from now on.
 */
export async function backfillAlarms(api: ApiClient): Promise<void> {
  const heldBefore = useClinic.getState().alerts;
  const [active, acknowledged] = await Promise.all([
    api.listAlerts({ state: 'active', limit: MAX_ALERTS_KEPT }),
    api.listAlerts({ state: 'acknowledged', limit: MAX_ALERTS_KEPT }),
  ]);
  useClinic.getState().reconcileOpenAlerts([...active, ...acknowledged], heldBefore);
  const chairIds = useClinic.getState().chairIds;
  await Promise.allSettled(
    chairIds.map(async (chairId) => {
      useClinic.getState().setAudioPause(chairId, await api.getAudioPause(chairId));
    }),
  );
}

/**
 * The dashboard's live link: one Socket.io connection that subscribes to every chair, routes
 * `vitals`, `chair` and `alert` into the stores and reports its state. Returns a function that
 * closes it.
 */
export function openClinicLink(options: ClinicLinkOptions): () => void {
  const { api, clock } = options;
  const connection = useConnection.getState();
  const clinic = useClinic.getState();
  connection.connecting(clock());

  const socket = (options.createSocket ?? sameOriginSocket)(options.token);

  // Where this dashboard stands (server arrival numbers of samples and alert changes). On a
  // reconnect the server replays everything after it before live messages resume, so nothing
  // missed while away is lost and nothing is doubled.
  let cursor: RelayCursor | null = null;
  const seen = (samples: readonly StoredSample[]) => {
    if (cursor === null) return;
    for (const s of samples)
      if (s.seq !== undefined && s.seq > cursor.samples) cursor.samples = s.seq;
  };

  const backfill = () => {
    backfillClinic(api, clock()).catch(() => {
      // The socket is live and will keep delivering; a failed backfill shows as gaps and ages.
    });
    backfillAlarms(api).catch(() => {
      // Live alert messages keep coming; only alarms raised while we were away may be missing.
    });
  };

  // After a replay the samples and alerts are complete; the chairs (sessions may have changed)
  // and the audio pauses are states, read again.
  const refreshStates = () => {
    api
      .listChairs()
      .then(async (chairs) => {
        useClinic.getState().setChairs(chairs);
        await Promise.allSettled(
          chairs.map(async (chair) => {
            useClinic.getState().setAudioPause(chair.id, await api.getAudioPause(chair.id));
          }),
        );
      })
      .catch(() => {
        // Live `chair` and `audio-pause` messages keep coming.
      });
  };

  const subscribe = async () => {
    try {
      let timer: number | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = window.setTimeout(() => {
          reject(new Error('the server did not confirm the subscription'));
        }, SUBSCRIBE_TIMEOUT_MS);
      });
      const since = cursor;
      const request = since === null ? { coalesce: true } : { coalesce: true, since: { ...since } };
      const ack = await Promise.race([socket.emitWithAck('subscribe', request), timeout]).finally(
        () => {
          window.clearTimeout(timer);
        },
      );
      if (!ack.ok) throw new Error(ack.error.message);
      // What arrived before the ack (the replay, held live messages) may already be further.
      cursor = {
        samples: Math.max(ack.cursor.samples, since?.samples ?? 0, cursor?.samples ?? 0),
        alerts: Math.max(ack.cursor.alerts, since?.alerts ?? 0, cursor?.alerts ?? 0),
      };
      useConnection.getState().live(clock());
      if (since === null || ack.truncated) backfill();
      else refreshStates();
    } catch {
      // Without a subscription no data flows: that is not live, whatever the transport says.
      useConnection.getState().lost(clock());
    }
  };

  socket.on('connect', () => {
    void subscribe();
  });

  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    useConnection.getState().lost(clock());
    // Socket.io does not retry after the server itself closed us (a restart, a revoked
    // session): try again; a refused token then ends the session through connect_error.
    if (reason === 'io server disconnect') {
      window.setTimeout(() => {
        socket.connect();
      }, SERVER_CLOSE_RETRY_MS);
    }
  });

  socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') {
      options.onUnauthorized();
      return;
    }
    useConnection.getState().lost(clock());
  });

  // Live readings reach the store a few chairs per animation frame: a second's readings of 48
  // chairs come in one message, and drawing 48 tiles in one task blocked the page. An alarm
  // never waits for this (see 'alert').
  const live = createSampleBatcher((chairId, samples) => {
    clinic.addSamples(chairId, samples);
  }, options.frames);

  socket.on('vitals', (message) => {
    const samples = parseStoredSamples(message.samples);
    seen(samples);
    if (samples.length > 0) live.add(message.chairId, samples);
  });

  // What the server stored during one of its turns, per chair (our `coalesce` subscription).
  socket.on('vitals-batch', (message) => {
    for (const batch of message.batches) {
      const samples = parseStoredSamples(batch.samples);
      seen(samples);
      if (samples.length > 0) live.add(batch.chairId, samples);
    }
  });

  socket.on('chair', (message) => {
    const chair = ChairSchema.safeParse(message.chair);
    if (chair.success) clinic.upsertChair(chair.data);
  });

  socket.on('alert', (message) => {
    if (cursor !== null && typeof message.seq === 'number' && message.seq > cursor.alerts)
      cursor.alerts = message.seq;
    const alert = AlertSchema.safeParse(message.alert);
    if (!alert.success) return;
    // The readings behind the alarm show on the tile with it, not a few frames after.
    live.flush(alert.data.chairId);
    clinic.recordAlert(alert.data);
  });

  // A chair's shared audio pause began, or ended early (a higher-priority alarm broke through).
  socket.on('audio-pause', (message) => {
    if (message.pause === null) {
      clinic.setAudioPause(message.chairId, null);
      return;
    }
    const pause = AudioPauseSchema.safeParse(message.pause);
    if (pause.success) clinic.setAudioPause(pause.data.chairId, pause.data);
  });

  // Show chairs even before (or without) a live socket; the banner tells the rest.
  api
    .listChairs()
    .then((chairs) => {
      useClinic.getState().setChairs(chairs);
    })
    .catch(() => {
      // A 401 signs out through the API client; other failures are retried on connect.
    });

  return () => {
    socket.removeAllListeners();
    socket.disconnect();
    live.close();
  };
}
