/// <reference types="node" />
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import type { Alert, ClientToServerEvents, ServerToClientEvents } from '@chairside/core';
import { createApiClient } from '../../api/http';
import { openClinicLink } from '../../api/socket';
import type { ClinicSocket } from '../../api/socket';
import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';

// A real Socket.io server and a real HTTP API on one port, speaking the alarm parts of the
// contract: GET /alerts, GET /chairs/{id}/audio-pause, and the `alert` / `audio-pause` events.
const T0 = Date.parse('2026-11-21T09:30:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function alert(id: string, over: Partial<Alert>): Alert {
  return {
    id,
    chairId: 'c1',
    sessionId: 's1',
    kind: 'physiological',
    parameter: 'spo2',
    priority: 'high',
    message: 'SpO2 86 < 90',
    value: 86,
    limit: 90,
    state: 'active',
    raisedAt: at(0),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalatedAt: null,
    ...over,
  };
}

let http: HttpServer;
let sockets: Server<ClientToServerEvents, ServerToClientEvents>;
let url: string;
let openAlerts: Alert[] = [];
const alertQueries: string[] = [];

beforeAll(async () => {
  http = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/api/v1/chairs') {
      send(200, { chairs: [{ id: 'c1', label: 'Chair 1', session: null }] });
    } else if (u.pathname === '/api/v1/alerts') {
      alertQueries.push(u.search);
      const state = u.searchParams.get('state');
      send(200, {
        alerts: openAlerts
          .filter((a) => a.state === state)
          .map((a) => ({ ...a, timeToAcknowledgeMs: null })),
      });
    } else if (u.pathname === '/api/v1/chairs/c1/audio-pause') {
      send(200, { pause: { chairId: 'c1', by: 'bob', from: at(0), until: at(120) } });
    } else if (u.pathname.endsWith('/vitals')) {
      send(200, { samples: [] });
    } else {
      send(404, { error: { code: 'not_found', message: 'no route' } });
    }
  });
  sockets = new Server(http);
  sockets.on('connection', (socket) => {
    socket.on('subscribe', (request, ack) => {
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
  openAlerts = [];
  alertQueries.length = 0;
});

function connect() {
  const api = createApiClient({ baseUrl: url, getToken: () => 'tok' });
  close = openClinicLink({
    token: 'tok',
    api,
    clock: () => T0,
    onUnauthorized: () => undefined,
    createSocket: (t): ClinicSocket =>
      io(url, {
        auth: { token: t },
        reconnectionDelay: 50,
        reconnectionDelayMax: 100,
        transports: ['websocket'],
      }),
  });
}

const poll = { timeout: 5000, interval: 20 };

describe('alarm routing on the live link', () => {
  it('loads the open alarms and audio pauses on connect, then follows alert and pause events', async () => {
    openAlerts = [
      alert('a1', {}),
      alert('a2', { state: 'acknowledged', acknowledgedBy: 'amy', priority: 'medium' }),
    ];
    connect();
    await expect
      .poll(() => Object.keys(useClinic.getState().alerts).sort(), poll)
      .toEqual(['a1', 'a2']);
    expect(alertQueries.sort()).toEqual([
      '?state=acknowledged&limit=500',
      '?state=active&limit=500',
    ]);
    await expect.poll(() => useClinic.getState().audioPauses.c1?.by, poll).toBe('bob');

    // Someone else acknowledges: every viewer gets the same alert, with the name.
    sockets.to('clinic').emit('alert', {
      alert: alert('a1', { state: 'acknowledged', acknowledgedBy: 'carla', acknowledgedAt: at(9) }),
      seq: 7,
    });
    await expect.poll(() => useClinic.getState().alerts.a1?.acknowledgedBy, poll).toBe('carla');

    // A higher-priority alarm broke through the pause: the server ends it for everyone.
    sockets
      .to('clinic')
      .emit('audio-pause', { pause: null, chairId: 'c1', reason: 'higher-priority-alarm' });
    await expect.poll(() => useClinic.getState().audioPauses.c1, poll).toBeUndefined();
    sockets.to('clinic').emit('audio-pause', {
      pause: { chairId: 'c1', by: 'amy', from: at(10), until: at(130) },
    });
    await expect.poll(() => useClinic.getState().audioPauses.c1?.by, poll).toBe('amy');
  });

  it('drops an open alarm that ended while the link was down, on reconnect', async () => {
    openAlerts = [alert('a1', {})];
    connect();
    await expect.poll(() => useClinic.getState().alerts.a1?.state, poll).toBe('active');

    // The alarm clears while this dashboard is cut off; only the reconnect can tell.
    openAlerts = [];
    for (const s of await sockets.fetchSockets()) {
      (sockets.sockets.sockets.get(s.id)?.conn as { close: () => void } | undefined)?.close();
    }
    await expect.poll(() => useClinic.getState().alerts.a1, poll).toBeUndefined();
    expect(useConnection.getState().status).toBe('live');
  });
});
