/// <reference types="node" />
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import type {
  Chair,
  ClientToServerEvents,
  ServerToClientEvents,
  StoredSample,
} from '@chairside/core';
import { createApiClient } from './http';
import { openClinicLink } from './socket';
import type { ClinicSocket } from './socket';
import { useClinic } from '../store/clinic';
import { useConnection } from '../store/connection';
import { manualFrames } from '../test/manualFrames';
import { createFrameQueue } from '../time/frameQueue';
import type { FrameQueue } from '../time/frameQueue';

// A real Socket.io server and a real HTTP API on one port, speaking CONTRACT.md sections 3-4.
let http: HttpServer;
let sockets: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
let vitalsRequests = 0;
let subscriptions = 0;
const subscribeRequests: unknown[] = [];
const storedSamples: StoredSample[] = [];

const T0 = Date.parse('2026-11-21T09:30:00.000Z');
let clockNow = T0;

const chairs: Chair[] = [
  { id: 'c1', label: 'Chair 1', session: null },
  { id: 'c2', label: 'Chair 2', session: null },
];

function stored(
  id: string,
  chairId: string,
  secondsAfterT0: number,
  values: Partial<StoredSample>,
): StoredSample {
  const at = new Date(T0 + secondsAfterT0 * 1000).toISOString();
  return {
    id,
    at,
    source: 'device',
    chairId,
    sessionId: null,
    receivedAt: at,
    enteredBy: null,
    ...values,
  };
}

beforeAll(async () => {
  http = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer good') {
      send(401, { error: { code: 'unauthorized', message: 'sign in' } });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const vitals = /^\/api\/v1\/chairs\/([^/]+)\/vitals$/.exec(path);
    if (path === '/api/v1/chairs') {
      send(200, { chairs });
    } else if (vitals !== null) {
      vitalsRequests++;
      send(200, { samples: storedSamples.filter((s) => s.chairId === vitals[1]) });
    } else {
      send(404, { error: { code: 'not_found', message: 'no route' } });
    }
  });
  sockets = new Server(http);
  sockets.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    next(auth.token === 'good' ? undefined : new Error('unauthorized'));
  });
  sockets.on('connection', (socket) => {
    socket.on('subscribe', (request, ack) => {
      subscriptions++;
      subscribeRequests.push(request);
      void socket.join('clinic');
      // This stand-in keeps no history to replay: a reconnect (`since`) hears "truncated",
      // so the dashboard reloads over HTTP (the replay itself is tested on the real server).
      ack({
        ok: true,
        cursor: { samples: 0, alerts: 0 },
        replayed: { samples: 0, alerts: 0 },
        truncated: request.since !== undefined,
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await sockets.close();
});

let close: (() => void) | undefined;

afterEach(() => {
  close?.();
  close = undefined;
  useClinic.getState().clear();
  useConnection.getState().connecting(0);
  storedSamples.length = 0;
});

function connect(
  token: string,
  onUnauthorized: () => void = () => undefined,
  frames?: FrameQueue<unknown>,
) {
  const api = createApiClient({ baseUrl: url, getToken: () => token });
  close = openClinicLink({
    token,
    api,
    clock: () => clockNow,
    onUnauthorized,
    ...(frames === undefined ? {} : { frames }),
    createSocket: (t): ClinicSocket =>
      io(url, {
        auth: { token: t },
        reconnection: true,
        reconnectionDelay: 50,
        reconnectionDelayMax: 100,
        transports: ['websocket'],
      }),
  });
}

const poll = { timeout: 5000, interval: 20 };

describe('clinic socket link', () => {
  it('subscribes, goes live, backfills recent vitals and routes live messages into the store', async () => {
    storedSamples.push(stored('h1', 'c1', 0, { hr: 71 }));
    connect('good');

    await expect.poll(() => useConnection.getState().status, poll).toBe('live');
    await expect.poll(() => useClinic.getState().chairs.c1?.latest.hr?.value, poll).toBe(71);
    expect(useClinic.getState().chairIds).toEqual(['c1', 'c2']);

    sockets
      .to('clinic')
      .emit('vitals', { chairId: 'c2', samples: [stored('v1', 'c2', 5, { spo2: 93 })] });
    await expect.poll(() => useClinic.getState().chairs.c2?.latest.spo2?.value, poll).toBe(93);

    const session = {
      id: 's1',
      chairId: 'c2',
      patientRef: 'P-7',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
      state: 'pre-infusion' as const,
      events: [],
      baseline: null,
      createdAt: new Date(T0).toISOString(),
      createdBy: 'nurse',
    };
    sockets.to('clinic').emit('chair', { chair: { id: 'c2', label: 'Chair 2', session } });
    await expect
      .poll(() => useClinic.getState().chairs.c2?.chair.session?.patientRef, poll)
      .toBe('P-7');
    // The buffered vitals survive the chair update.
    expect(useClinic.getState().chairs.c2?.latest.spo2?.value).toBe(93);
  });

  it('reports the link lost from the moment it drops, then live again with what was missed backfilled', async () => {
    connect('good');
    await expect.poll(() => useConnection.getState().status, poll).toBe('live');
    const subscribedBefore = subscriptions;
    const fetchedBefore = vitalsRequests;

    clockNow = T0 + 60_000;
    // A reading stored while this dashboard is cut off; only the backfill can bring it.
    storedSamples.push(stored('missed', 'c1', 55, { hr: 88 }));
    for (const s of await sockets.fetchSockets()) {
      // Drop the transport as a network failure would (not a deliberate server disconnect).
      (sockets.sockets.sockets.get(s.id)?.conn as { close: () => void } | undefined)?.close();
    }

    await expect.poll(() => useConnection.getState().status, poll).toBe('lost');
    expect(useConnection.getState().since).toBe(T0 + 60_000);
    clockNow = T0 + 62_000;

    await expect.poll(() => useConnection.getState().status, poll).toBe('live');
    expect(subscriptions).toBeGreaterThan(subscribedBefore);
    await expect.poll(() => useClinic.getState().chairs.c1?.latest.hr?.value, poll).toBe(88);
    expect(vitalsRequests).toBeGreaterThan(fetchedBefore);
  });

  it('subscribes coalesced, reads vitals-batch, and hands back its cursor on reconnect', async () => {
    connect('good');
    await expect.poll(() => useConnection.getState().status, poll).toBe('live');
    const first = subscribeRequests.length;
    expect(subscribeRequests.at(-1)).toEqual({ coalesce: true });

    // What arrives moves the cursor on: samples by their seq, alerts by the change seq.
    sockets.to('clinic').emit('vitals-batch', {
      batches: [
        { chairId: 'c1', samples: [stored('b1', 'c1', 7, { hr: 64, seq: 41 })] },
        { chairId: 'c2', samples: [stored('b2', 'c2', 7, { hr: 65, seq: 42 })] },
      ],
    });
    await expect.poll(() => useClinic.getState().chairs.c2?.latest.hr?.value, poll).toBe(65);
    expect(useClinic.getState().chairs.c1?.latest.hr?.value).toBe(64);
    sockets.to('clinic').emit('alert', {
      alert: {
        id: 'a9',
        chairId: 'c1',
        sessionId: null,
        kind: 'physiological',
        parameter: 'hr',
        priority: 'low',
        message: 'HR 64',
        value: 64,
        limit: 50,
        raisedAt: new Date(T0).toISOString(),
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        state: 'active',
      },
      seq: 9,
    });
    await expect.poll(() => useClinic.getState().alerts.a9?.id, poll).toBe('a9');

    for (const s of await sockets.fetchSockets())
      (sockets.sockets.sockets.get(s.id)?.conn as { close: () => void } | undefined)?.close();
    await expect.poll(() => subscribeRequests.length, poll).toBeGreaterThan(first);
    expect(subscribeRequests.at(-1)).toEqual({ coalesce: true, since: { samples: 42, alerts: 9 } });
  });

  it('draws live readings a few chairs per frame, but an alarm brings its chair at once', async () => {
    const frames = manualFrames();
    connect('good', undefined, createFrameQueue(8, frames));
    await expect.poll(() => useConnection.getState().status, poll).toBe('live');
    // Let the backfill land first: only live readings go through the frames.
    await expect.poll(() => useClinic.getState().chairIds.length, poll).toBe(2);
    frames.next();

    // One server turn with 10 chairs: 8 reach the store now, 2 wait for the next frame.
    const ids = Array.from({ length: 10 }, (_, i) => `x${i + 1}`);
    sockets.to('clinic').emit('vitals-batch', {
      batches: ids.map((chairId, i) => ({
        chairId,
        samples: [stored(`l${i}`, chairId, 9, { spo2: 97, seq: 100 + i })],
      })),
    });
    await expect.poll(() => useClinic.getState().chairs['x8']?.latest.spo2?.value, poll).toBe(97);
    expect(useClinic.getState().chairs['x9']).toBeUndefined();
    expect(useClinic.getState().chairs['x10']).toBeUndefined();

    // An alarm for x10 (no frame drawn yet): the reading behind it is there with the alarm.
    sockets.to('clinic').emit('alert', {
      alert: {
        id: 'a10',
        chairId: 'x10',
        sessionId: null,
        kind: 'physiological',
        parameter: 'spo2',
        priority: 'high',
        message: 'SpO2 97',
        value: 97,
        limit: 98,
        raisedAt: new Date(T0).toISOString(),
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        state: 'active',
      },
      seq: 11,
    });
    await expect.poll(() => useClinic.getState().alerts['a10']?.id, poll).toBe('a10');
    expect(useClinic.getState().chairs['x10']?.latest.spo2?.value).toBe(97);
    expect(useClinic.getState().chairs['x9']).toBeUndefined();
    frames.next();
    expect(useClinic.getState().chairs['x9']?.latest.spo2?.value).toBe(97);
  });

  it('signs out when the server refuses the token', async () => {
    let refused = 0;
    connect('bad', () => refused++);
    await expect.poll(() => refused, poll).toBeGreaterThan(0);
    expect(useConnection.getState().status).not.toBe('live');
  });
});
