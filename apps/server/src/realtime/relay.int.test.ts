import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, RelayCursor, Role, StoredSample, VitalsMessage } from '@chairside/core';
import {
  askSubscribe,
  askVitals,
  call,
  connectSocket,
  createChair,
  startTestServer,
  waitFor,
} from '../testing/harness';
import { tokensForAllRoles } from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';

/**
 * Issue 6, reconnect: a dashboard away for 30 s of readings receives, when it comes back,
 * every sample and alert change it missed, before live data resumes: nothing missing, nothing
 * doubled, order kept. And a dashboard whose connection stops taking data cannot hold up
 * ingest or the other dashboards; it is paused and brought up to date once it drains.
 * Real server, real Socket.io clients, the real store.
 */

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
let now = T0;
const clock = () => now;

let t: TestServer;
let tokens: Record<Role, string>;
const chairs: string[] = [];
const open: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({
    clock,
    // Small bounds, so a stuck test client passes them within a few thousand samples.
    relay: { maxBufferedBytes: 64_000, maxQueuedPackets: 20, drainCheckMs: 20 },
  });
  tokens = await tokensForAllRoles(t.url);
  for (const label of ['Chair 1', 'Chair 2', 'Chair 3', 'Chair 4'])
    chairs.push(await createChair(t.url, tokens.admin, label));
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

afterAll(async () => {
  await t.stop();
});

async function socketFor(role: Role): Promise<TestSocket> {
  const socket = await connectSocket(t.url, tokens[role]);
  open.push(socket);
  return socket;
}

interface Seen {
  samples: StoredSample[];
  alerts: { alert: Alert; seq: number }[];
  cursor: RelayCursor;
}

/** What a dashboard sees, in arrival order, and the cursor it would hand back. */
function watch(socket: TestSocket, cursor: RelayCursor): Seen {
  const seen: Seen = { samples: [], alerts: [], cursor: { ...cursor } };
  socket.on('vitals-batch', (message: { batches: VitalsMessage[] }) => {
    for (const batch of message.batches)
      for (const s of batch.samples) {
        seen.samples.push(s);
        seen.cursor.samples = Math.max(seen.cursor.samples, s.seq ?? 0);
      }
  });
  socket.on('alert', (message: { alert: Alert; seq: number }) => {
    seen.alerts.push(message);
    seen.cursor.alerts = Math.max(seen.cursor.alerts, message.seq);
  });
  return seen;
}

/** One second of readings for every chair from a bedside feed; chair 1's SpO2 dips at 12-30 s. */
async function feedSecond(feed: TestSocket, second: number): Promise<void> {
  now = T0 + second * 1000 + 500;
  for (const [index, chairId] of chairs.entries()) {
    const dip = index === 0 && second >= 12 && second <= 30;
    const ack = await askVitals(feed, {
      chairId,
      samples: [
        {
          id: `${chairId}-${second}`,
          at: T0 + second * 1000,
          hr: 70 + index,
          spo2: dip ? 86 : 97,
          rr: 14,
          source: 'device',
        },
      ],
    });
    expect(ack).toMatchObject({ ok: true, accepted: 1 });
  }
}

async function storedAfter(chairId: string, seq: number): Promise<StoredSample[]> {
  const res = await call<{ samples: StoredSample[] }>(
    t.url,
    'GET',
    `/chairs/${chairId}/vitals?limit=20000`,
    { token: tokens.charge },
  );
  expect(res.status).toBe(200);
  return res.body.samples.filter((s) => (s.seq ?? 0) > seq);
}

function idsByChair(samples: StoredSample[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of samples) (out[s.chairId] ??= []).push(s.id);
  return out;
}

describe('a dashboard that reconnects', () => {
  it('gets every sample and alert change of 30 s away, before live data, none twice, in order', async () => {
    const feed = await socketFor('nurse');
    const dashboard = await socketFor('nurse');

    const first = await askSubscribe(dashboard, { coalesce: true });
    if (!first.ok) throw new Error(first.error.message);
    const start = first.cursor;
    const seen = watch(dashboard, start);

    for (let s = 0; s < 10; s++) await feedSecond(feed, s);
    await waitFor(() => seen.samples.length === 40, 3000, 'the live samples');

    // 30 s of readings, and an SpO2 alarm raised (and changed) while the dashboard is away.
    dashboard.disconnect();
    const away = { ...seen.cursor };
    for (let s = 10; s < 40; s++) await feedSecond(feed, s);
    await t.server.alarms.idle();
    const raisedWhileAway = await call<{ alerts: Alert[] }>(
      t.url,
      'GET',
      `/alerts?chairId=${chairs[0] ?? ''}`,
      { token: tokens.charge },
    );
    expect(raisedWhileAway.body.alerts.map((a) => [a.parameter, a.priority])).toContainEqual([
      'spo2',
      'high',
    ]);

    // Back: the feed keeps going while the dashboard resubscribes with its cursor.
    dashboard.connect();
    await waitFor(() => dashboard.connected, 3000, 'the reconnection');
    const live = (async () => {
      for (let s = 40; s < 50; s++) await feedSecond(feed, s);
    })();
    const back = await askSubscribe(dashboard, { coalesce: true, since: away });
    await live;
    if (!back.ok) throw new Error(back.error.message);
    expect(back.truncated).toBe(false);
    expect(back.replayed.samples).toBeGreaterThanOrEqual(120);

    // Exactly what the store holds after the first cursor: nothing missing, nothing doubled.
    const expected: StoredSample[] = [];
    for (const chairId of chairs) expected.push(...(await storedAfter(chairId, start.samples)));
    await waitFor(() => seen.samples.length >= expected.length, 3000, 'every sample');
    expect(seen.samples).toHaveLength(200);
    expect(new Set(seen.samples.map((s) => s.id)).size).toBe(seen.samples.length);
    expect(idsByChair(seen.samples)).toEqual(idsByChair(expected));
    // Order kept: every chair's readings arrive in the order they were stored (and taken),
    // so the replay came before any live reading that followed it.
    for (const chairId of chairs) {
      const mine = seen.samples.filter((s) => s.chairId === chairId);
      expect(mine.map((s) => s.at)).toEqual(mine.map((s) => s.at).sort());
      const seqs = mine.map((s) => s.seq ?? 0);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }

    // Alerts: each alert that changed while away, as it stands, before newer changes.
    await t.server.alarms.idle();
    const nowAlerts = await call<{ alerts: (Alert & { timeToAcknowledgeMs: unknown })[] }>(
      t.url,
      'GET',
      `/alerts?chairId=${chairs[0] ?? ''}`,
      { token: tokens.charge },
    );
    const latestSeen = new Map<string, Alert>();
    for (const { alert } of seen.alerts) latestSeen.set(alert.id, alert);
    expect(nowAlerts.body.alerts.length).toBeGreaterThan(0);
    for (const { timeToAcknowledgeMs: _history, ...alert } of nowAlerts.body.alerts)
      expect(latestSeen.get(alert.id)).toEqual(alert);
    const alertSeqs = seen.alerts.map((a) => a.seq);
    expect(alertSeqs).toEqual([...new Set(alertSeqs)].sort((a, b) => a - b));
  });

  it('replays only the chairs it watches', async () => {
    const feed = await socketFor('nurse');
    const dashboard = await socketFor('charge');
    const watched = chairs[1] ?? '';
    const first = await askSubscribe(dashboard, { chairIds: [watched], coalesce: true });
    if (!first.ok) throw new Error(first.error.message);
    dashboard.disconnect();
    for (let s = 100; s < 105; s++) await feedSecond(feed, s);
    dashboard.connect();
    await waitFor(() => dashboard.connected, 3000, 'the reconnection');
    const seen = watch(dashboard, first.cursor);
    const back = await askSubscribe(dashboard, {
      chairIds: [watched],
      coalesce: true,
      since: first.cursor,
    });
    expect(back).toMatchObject({ ok: true, replayed: { samples: 5 }, truncated: false });
    await waitFor(() => seen.samples.length === 5, 3000, 'the replay');
    expect(seen.samples.map((s) => [s.chairId, s.id])).toEqual(
      [100, 101, 102, 103, 104].map((s) => [watched, `${watched}-${s}`]),
    );
  });

  it('refuses a cursor that is not a pair of whole numbers, naming the field', async () => {
    const dashboard = await socketFor('nurse');
    const ack = await askSubscribe(dashboard, { since: { samples: -1, alerts: 'x' } });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('validation_failed');
    expect(ack.error.issues?.map((i) => i.path).sort()).toEqual(['since.alerts', 'since.samples']);
  });
});

/** The raw TCP socket of a Node Socket.io client on the WebSocket transport. */
function tcpOf(socket: TestSocket): { pause(): void; resume(): void } {
  const engine = socket.io.engine as unknown as { transport: { ws?: { _socket?: unknown } } };
  const tcp = engine.transport.ws?._socket as { pause(): void; resume(): void } | undefined;
  if (tcp === undefined) throw new Error('the test client is not on the WebSocket transport');
  return tcp;
}

/** Bytes the server has not yet handed to the kernel for this client. */
function serverBacklog(socketId: string): number {
  const server = t.server.io.sockets.sockets.get(socketId);
  const ws = (server?.conn.transport as { socket?: { bufferedAmount?: number } } | undefined)
    ?.socket;
  return ws?.bufferedAmount ?? 0;
}

describe('a dashboard that stops taking data', () => {
  it('is paused at the bound while ingest and the other dashboards go on, then caught up', async () => {
    const before = t.server.relay.stats();
    const stuck = await socketFor('nurse');
    const healthy = await socketFor('charge');
    const stuckAck = await askSubscribe(stuck, { coalesce: true });
    const healthyAck = await askSubscribe(healthy, { coalesce: true });
    if (!stuckAck.ok || !healthyAck.ok) throw new Error('subscribe failed');
    const stuckSeen = watch(stuck, stuckAck.cursor);
    const healthySeen = watch(healthy, healthyAck.cursor);

    // The stuck dashboard's process stops reading (a frozen tablet): its TCP window closes.
    tcpOf(stuck).pause();

    // 30,000 readings in batches of 500 over HTTP: several MB for each dashboard.
    const chairId = chairs[2] ?? '';
    const ingestMs: number[] = [];
    let maxBacklog = 0;
    for (let b = 0; b < 60; b++) {
      now = T0 + 3_600_000 + b * 1000;
      const samples = Array.from({ length: 500 }, (_, i) => ({
        id: `flood-${b}-${i}`,
        at: now - 1000 + i,
        hr: 60 + (i % 40),
        spo2: 97,
        source: 'device' as const,
      }));
      const started = performance.now();
      const res = await call(t.url, 'POST', `/chairs/${chairId}/vitals`, {
        token: tokens.nurse,
        body: samples,
      });
      ingestMs.push(performance.now() - started);
      expect(res.status).toBe(201);
      maxBacklog = Math.max(maxBacklog, serverBacklog(stuck.id ?? ''));
    }

    // Nothing waited for the stuck one: the healthy dashboard has every reading already.
    await waitFor(() => healthySeen.samples.length === 30_000, 5000, 'the healthy dashboard');
    const paused = t.server.relay.stats();
    expect(paused.behindEpisodes).toBeGreaterThan(before.behindEpisodes);
    expect(paused.samplesDeferred).toBeGreaterThan(before.samplesDeferred);
    // The server kept at most the bound plus the one message that crossed it (about 130 kB for
    // 500 readings), not the whole flood.
    expect(maxBacklog).toBeLessThan(64_000 + 200_000);
    expect(Math.max(...ingestMs)).toBeLessThan(2000);

    // It wakes up: everything arrives, once, in order.
    tcpOf(stuck).resume();
    await waitFor(() => stuckSeen.samples.length >= 30_000, 15_000, 'the catch-up');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stuckSeen.samples).toHaveLength(30_000);
    expect(new Set(stuckSeen.samples.map((s) => s.id)).size).toBe(30_000);
    const seqs = stuckSeen.samples.map((s) => s.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(t.server.relay.stats().samplesReplayed).toBeGreaterThan(before.samplesReplayed);
  });
});
