import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import {
  AcknowledgeRequestSchema,
  SocketVitalsSchema,
  acceptSocketVitals,
  SubscribeSchema,
  can,
  toErrorIssues,
} from '@chairside/core';
import type {
  Alert,
  ClientToServerEvents,
  ErrorBody,
  Permission,
  ServerToClientEvents,
  StoredSample,
  User,
} from '@chairside/core';
import type { Logger } from 'pino';
import { decodeJwt } from 'jose';
import type { AlarmService } from '../alarms/service';
import { authenticate } from '../domain/auth';
import type { AuthContext } from '../domain/auth';
import { DomainError, forbidden, invalid, notFound, storeUnavailable } from '../domain/errors';
import { isStoreUnavailable } from '../store/database';
import { ingestVitals } from '../domain/vitals';
import { Relay } from './relay';
import type { RelayOptions } from './relay';

/**
 * Between server processes (Redis): what one process stored or raised, for the dashboards
 * connected to the others (each process relays to its own, see relay.ts).
 */
interface InterServerEvents {
  'relay:samples': (chairId: string, samples: StoredSample[]) => void;
  'relay:alert': (alert: Alert, seq: number, escalated: boolean) => void;
}
export interface SocketData {
  user: User;
  /** Epoch ms when the handshake token expires; the socket is closed then. */
  tokenExpiresAt: number;
}

export type ChairsideIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
type ChairsideSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** Room of the sockets that want one chair; `ALL_CHAIRS_ROOM` holds those that want every chair. */
export const chairRoom = (chairId: string): string => `chair:${chairId}`;
export const ALL_CHAIRS_ROOM = 'chairs:all';

// setTimeout's limit (about 24.8 days); tokens live 12 h, so this only guards odd clocks.
const MAX_TIMER_MS = 2_147_483_647;

type ErrorAck = { ok: false; error: ErrorBody['error'] };

function toErrorAck(error: unknown, logger: Logger, event: string): ErrorAck {
  if (error instanceof DomainError) return { ok: false, ...error.toBody() };
  if (isStoreUnavailable(error)) {
    // Not acknowledged as stored: the device keeps the readings and sends them again.
    logger.warn({ err: error, event }, 'store unavailable');
    return { ok: false, ...storeUnavailable().toBody() };
  }
  logger.error({ err: error, event }, 'socket handler failed');
  return {
    ok: false,
    error: {
      code: 'internal_error',
      message: 'something went wrong on the server; it has been logged',
    },
  };
}

/**
 * Registers a client event the one safe way: the payload is validated with its schema, the
 * permission checked, every error caught and answered through the ack, and a client that sent
 * no ack callback is tolerated. One bad message can never take the process down.
 */
function handle<S extends z.ZodType, R extends object>(
  socket: ChairsideSocket,
  logger: Logger,
  event: keyof ClientToServerEvents,
  schema: S,
  permission: Permission,
  handler: (payload: z.output<S>, user: User) => Promise<R>,
  /** A check without zod for the common payload: its result or null (then zod decides). */
  accept?: (payload: unknown) => z.output<S> | null,
): void {
  socket.on(event, (first: unknown, second: unknown) => {
    // A client that emits only a callback still gets its answer.
    const ack = typeof second === 'function' ? second : typeof first === 'function' ? first : null;
    const payload = typeof first === 'function' ? undefined : first;
    const answer = (response: object): void => {
      if (ack !== null) (ack as (r: object) => void)(response);
    };
    const run = async (): Promise<object> => {
      const user = socket.data.user;
      if (!can(user.role, permission))
        throw forbidden(`role "${user.role}" may not do this (needs permission ${permission})`);
      const accepted = accept?.(payload) ?? null;
      if (accepted !== null) return { ok: true, ...(await handler(accepted, user)) };
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw invalid(toErrorIssues(parsed.error), `${event} payload`);
      return { ok: true, ...(await handler(parsed.data, user)) };
    };
    run().then(answer, (error: unknown) => {
      answer(toErrorAck(error, logger, event));
    });
  });
}

export interface RealtimeOptions {
  /** Several processes share one live view (Redis adapter): relay what the others store. */
  crossProcess?: boolean;
  /** Bounds for slow dashboards (tests make them small). */
  relay?: Pick<RelayOptions, 'maxBufferedBytes' | 'maxQueuedPackets' | 'drainCheckMs'>;
}

export interface Realtime {
  io: ChairsideIo;
  relay: Relay;
}

export function createRealtime(
  httpServer: HttpServer,
  ctx: AuthContext,
  logger: Logger,
  alarms: AlarmService,
  options: RealtimeOptions = {},
): Realtime {
  const io: ChairsideIo = new Server(httpServer, {
    // Samples batches may reach 1000 per message; stay in line with the HTTP body limit.
    maxHttpBufferSize: 1_000_000,
    serveClient: false,
  });
  const relay = new Relay({
    db: ctx.db,
    logger,
    ...options.relay,
    broadcast: (
      socketIds: string[],
      event: 'vitals' | 'vitals-batch' | 'alert',
      message: unknown,
    ) => {
      // One encoding for every socket of the group (this process's sockets only).
      (io.local.to(socketIds).emit as (e: string, m: unknown) => boolean)(event, message);
    },
  });

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown>)['token'];
    if (typeof token !== 'string' || token === '') {
      next(new Error('unauthorized'));
      return;
    }
    authenticate(ctx, token).then(
      (user) => {
        socket.data.user = user;
        const exp = decodeJwt(token).exp;
        socket.data.tokenExpiresAt = exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000;
        next();
      },
      () => {
        next(new Error('unauthorized'));
      },
    );
  });

  io.on('connection', (socket) => {
    // A live connection must not outlive its token: close it when the token expires, so the
    // client reconnects, gets `unauthorized` and asks the user to log in again.
    const remaining = socket.data.tokenExpiresAt - ctx.clock();
    if (Number.isFinite(remaining)) {
      const expiry = setTimeout(
        () => {
          socket.disconnect(true);
        },
        Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
      );
      socket.once('disconnect', () => {
        clearTimeout(expiry);
      });
    }

    socket.once('disconnect', () => {
      relay.remove(socket.id);
    });

    handle(socket, logger, 'subscribe', SubscribeSchema, 'vitals:read', async (request) => {
      const { chairIds } = request;
      const wanted = new Set<string>();
      if (chairIds === undefined) {
        wanted.add(ALL_CHAIRS_ROOM);
      } else {
        const known = new Set(
          (await ctx.db.selectFrom('chairs').select('id').execute()).map((c) => c.id),
        );
        const unknown = chairIds.findIndex((id) => !known.has(id));
        if (unknown !== -1)
          throw notFound(`chair "${chairIds[unknown] ?? ''}" does not exist (chairIds.${unknown})`);
        for (const id of chairIds) wanted.add(chairRoom(id));
      }
      for (const room of socket.rooms) {
        if (room !== socket.id && !wanted.has(room)) await socket.leave(room);
      }
      // The rooms carry audio pauses; samples and alerts go through the relay (cursors).
      await socket.join([...wanted]);
      return relay.subscribe(socket, {
        chairIds: chairIds ?? null,
        coalesce: request.coalesce ?? false,
        ...(request.since === undefined ? {} : { since: request.since }),
      });
    });

    handle(
      socket,
      logger,
      'vitals',
      SocketVitalsSchema,
      'vitals:ingest',
      async ({ chairId, samples }, user) => {
        const { accepted, duplicates } = await ingestVitals(ctx, user, chairId, samples);
        return { accepted, duplicates };
      },
      acceptSocketVitals,
    );

    handle(
      socket,
      logger,
      'acknowledge',
      AcknowledgeRequestSchema,
      'alerts:acknowledge',
      async ({ alertId }, user) => ({ alert: await alarms.acknowledge(alertId, user) }),
    );
  });

  // After commit: the newly stored samples to whoever watches that chair (the relay), and
  // session changes to everyone (every connected socket is authenticated).
  ctx.events.samplesStored.add((chairId, samples) => {
    relay.samplesStored(chairId, samples);
    if (options.crossProcess === true) io.serverSideEmit('relay:samples', chairId, samples);
  });
  ctx.events.chairChanged.add((chair) => {
    io.emit('chair', { chair });
  });
  // Alert changes after they were stored; an escalation also reaches every charge nurse and
  // admin, whatever chairs they watch.
  alarms.events.alertChanged.add(({ type, alert, seq }) => {
    const escalated = type === 'escalated';
    relay.alertChanged(alert, seq, escalated);
    if (options.crossProcess === true) io.serverSideEmit('relay:alert', alert, seq, escalated);
  });
  if (options.crossProcess === true) {
    io.on('relay:samples', (chairId, samples) => {
      relay.samplesStored(chairId, samples);
    });
    io.on('relay:alert', (alert, seq, escalated) => {
      relay.alertChanged(alert, seq, escalated);
    });
  }
  alarms.events.audioPauseChanged.add((message) => {
    const chairId = message.pause === null ? message.chairId : message.pause.chairId;
    io.to([chairRoom(chairId), ALL_CHAIRS_ROOM]).emit('audio-pause', message);
  });

  return { io, relay };
}
