import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  IngestAck,
  SampleInput,
  ServerToClientEvents,
} from '@chairside/core';
import { FeedClient } from './feed-client';
import type { FeedClientEvent, FeedClientOptions } from './feed-client';

/**
 * A small socket.io server that answers the `vitals` ingest the way Chairside's contract says
 * (section 4): it stores by id (a repeat is a duplicate), rejects a batch with an impossible
 * SpO2 whole with the index in the issue path, and acks only after "storing". Its store
 * survives a restart, like Chairside's database.
 */
class IngestServer {
  /** Stored sample ids per chair, in arrival order. */
  readonly stored = new Map<string, string[]>();
  /** Every batch received: chair and sample ids, resends included. */
  readonly batches: { chairId: string; ids: string[] }[] = [];
  /** How many times each id arrived. */
  readonly arrivals = new Map<string, number>();
  /** Store the next N batches but never ack them (as if the ack was lost on the way). */
  swallowAcks = 0;
  /** Answer the next N batches with a server-side failure, storing nothing. */
  failNext = 0;
  readonly knownChairs = new Set(['chair-a', 'chair-b']);
  private io: Server<ClientToServerEvents, ServerToClientEvents> | null = null;
  port = 0;

  async start(): Promise<void> {
    const http = createServer();
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
    io.use((socket, next) => {
      const token = (socket.handshake.auth as Record<string, unknown>)['token'];
      next(token === 'good-token' ? undefined : new Error('unauthorized'));
    });
    io.on('connection', (socket) => {
      socket.on('vitals', (message, ack) => {
        const answer = this.ingest(message.chairId, message.samples);
        if (answer !== null) ack(answer);
      });
    });
    await new Promise<void>((resolve) => http.listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.io = io;
  }

  /** Closes every connection from the server's side, as Chairside does when a token expires. */
  kickAll(): void {
    this.io?.disconnectSockets(true);
  }

  /** Closes the server and every connection, as a crash would; the store is kept. */
  async stop(): Promise<void> {
    const io = this.io;
    this.io = null;
    if (io === null) return;
    await new Promise<void>((resolve) => {
      void io.close(() => {
        resolve();
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  storedIds(chairId: string): string[] {
    return this.stored.get(chairId) ?? [];
  }

  /** The ack, or null when it is to be lost. */
  private ingest(chairId: string, samples: SampleInput[]): IngestAck | null {
    const ids = samples.map((s) => s.id ?? '');
    this.batches.push({ chairId, ids });
    for (const id of ids) this.arrivals.set(id, (this.arrivals.get(id) ?? 0) + 1);
    if (!this.knownChairs.has(chairId)) {
      return {
        ok: false,
        error: { code: 'not_found', message: `chair "${chairId}" does not exist` },
      };
    }
    const bad = samples.flatMap((s, i) => (s.spo2 !== undefined && s.spo2 > 100 ? [i] : []));
    if (bad.length > 0) {
      return {
        ok: false,
        error: {
          code: 'validation_failed',
          message: 'invalid samples',
          issues: bad.map((i) => ({ path: `${i}.spo2`, message: 'must be at most 100' })),
        },
      };
    }
    if (this.failNext > 0) {
      this.failNext--;
      return {
        ok: false,
        error: { code: 'internal_error', message: 'something went wrong on the server' },
      };
    }
    const store = this.stored.get(chairId) ?? [];
    this.stored.set(chairId, store);
    let accepted = 0;
    for (const id of ids) {
      if (store.includes(id)) continue;
      store.push(id);
      accepted++;
    }
    if (this.swallowAcks > 0) {
      this.swallowAcks--;
      return null;
    }
    return { ok: true, accepted, duplicates: ids.length - accepted };
  }
}

/** A port nothing listens on yet (the server is started on it later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

function readings(
  prefix: string,
  from: number,
  to: number,
  extra: Partial<SampleInput> = {},
): SampleInput[] {
  const out: SampleInput[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push({
      id: `${prefix}:${seq}`,
      at: 1_700_000_000_000 + seq * 1000,
      hr: 70,
      spo2: 97,
      source: 'simulator',
      ...extra,
    });
  }
  return out;
}

const ids = (samples: readonly SampleInput[]): string[] => samples.map((s) => s.id ?? '');

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('FeedClient against a socket.io ingest that acks like Chairside', () => {
  const servers: IngestServer[] = [];
  const clients: FeedClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const server of servers.splice(0)) await server.stop();
  });

  async function startServer(port = 0): Promise<IngestServer> {
    const server = new IngestServer();
    server.port = port;
    servers.push(server);
    await server.start();
    return server;
  }

  function client(
    url: string,
    options: Partial<FeedClientOptions> = {},
  ): { feed: FeedClient; events: FeedClientEvent[] } {
    const events: FeedClientEvent[] = [];
    const feed = new FeedClient({
      url,
      token: 'good-token',
      reconnectionDelayMaxMs: 200,
      onEvent: (e) => events.push(e),
      ...options,
    });
    clients.push(feed);
    return { feed, events };
  }

  it('delivers every reading of each chair once, in the order taken', async () => {
    const server = await startServer();
    const { feed } = client(server.url);
    const a = readings('a', 1, 300);
    const b = readings('b', 1, 120);
    for (let i = 0; i < 300; i += 7) {
      feed.send('chair-a', a.slice(i, i + 7));
      if (i < 120) feed.send('chair-b', b.slice(i, i + 7));
    }
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(ids(a));
    expect(server.storedIds('chair-b')).toEqual(ids(b));
    const stats = feed.stats();
    expect(stats).toMatchObject({
      queued: 420,
      acked: 420,
      accepted: 420,
      duplicates: 0,
      buffered: 0,
      rejected: 0,
      dropped: 0,
      reconnects: 0,
    });
  });

  it('batches a backlog 200 at a time, oldest first', async () => {
    const port = await freePort();
    const { feed } = client(`http://127.0.0.1:${port}`);
    feed.send('chair-a', readings('a', 1, 450));
    expect(feed.stats()).toMatchObject({ connected: false, buffered: 450, sent: 0 });
    const server = await startServer(port);
    expect(await feed.flush(5000)).toBe(true);
    expect(server.batches.map((batch) => batch.ids.length)).toEqual([200, 200, 50]);
    expect(server.batches[0]?.ids[0]).toBe('a:1');
    expect(server.batches[2]?.ids[49]).toBe('a:450');
    expect(server.storedIds('chair-a')).toEqual(ids(readings('a', 1, 450)));
  });

  it('keeps readings through a server restart on the same port and resends them in order', async () => {
    const server = await startServer();
    const { feed, events } = client(server.url);
    feed.send('chair-a', readings('a', 1, 5));
    expect(await feed.flush(5000)).toBe(true);

    await server.stop();
    await until(() => !feed.stats().connected);
    feed.send('chair-a', readings('a', 6, 12));
    expect(feed.stats()).toMatchObject({ buffered: 7, acked: 5 });
    expect(await feed.flush(300)).toBe(false);

    await server.start();
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(ids(readings('a', 1, 12)));
    expect(feed.stats()).toMatchObject({ reconnects: 1, acked: 12, buffered: 0 });
    expect(events.flatMap((e) => (e.type === 'connected' ? [e.reconnect] : []))).toEqual([
      false,
      true,
    ]);
  });

  it('comes back after the server closed the connection on purpose', async () => {
    const server = await startServer();
    const { feed, events } = client(server.url);
    feed.send('chair-a', readings('a', 1, 2));
    expect(await feed.flush(5000)).toBe(true);
    server.kickAll();
    await until(() => events.some((e) => e.type === 'disconnected'));
    feed.send('chair-a', readings('a', 3, 4));
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(events.find((e) => e.type === 'disconnected')).toMatchObject({
      reason: 'io server disconnect',
    });
    expect(feed.stats().reconnects).toBe(1);
  });

  it('resends a batch whose ack never came; the server counts the repeat as duplicates', async () => {
    const server = await startServer();
    server.swallowAcks = 1;
    const { feed } = client(server.url, { ackTimeoutMs: 300 });
    feed.send('chair-a', readings('a', 1, 4));
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:2', 'a:3', 'a:4']);
    expect(server.arrivals.get('a:1')).toBe(2);
    expect(feed.stats()).toMatchObject({ sent: 8, acked: 4, accepted: 0, duplicates: 4 });
  });

  it('drops only the readings the server names as invalid, once, and delivers the rest', async () => {
    const server = await startServer();
    const { feed, events } = client(server.url);
    const batch = readings('a', 1, 3);
    batch[1] = { ...batch[1], at: 1_700_000_002_000, source: 'simulator', spo2: 150 };
    feed.send('chair-a', batch);
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:3']);
    expect(server.arrivals.get('a:2')).toBe(1);
    expect(feed.stats()).toMatchObject({ rejected: 1, acked: 2, buffered: 0 });
    const rejected = events.find((e) => e.type === 'rejected');
    expect(rejected).toMatchObject({
      type: 'rejected',
      chairId: 'chair-a',
      count: 1,
      error: { code: 'validation_failed' },
    });
  });

  it('drops a whole batch for an unknown chair without blocking other chairs', async () => {
    const server = await startServer();
    const { feed } = client(server.url);
    feed.send('no-such-chair', readings('x', 1, 3));
    feed.send('chair-a', readings('a', 1, 2));
    expect(await feed.flush(5000)).toBe(true);
    expect(server.batches.filter((b) => b.chairId === 'no-such-chair')).toHaveLength(1);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:2']);
    expect(feed.stats()).toMatchObject({ rejected: 3, acked: 2 });
  });

  it('retries a server-side failure after a pause, then gives the batch up after the limit', async () => {
    const server = await startServer();
    server.failNext = 2;
    const { feed, events } = client(server.url, { retryDelayMs: 20, maxServerErrorRetries: 3 });
    feed.send('chair-a', readings('a', 1, 2));
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:2']);
    expect(events.flatMap((e) => (e.type === 'server-error' ? [e.retryInMs] : []))).toEqual([
      20, 40,
    ]);

    server.failNext = 100;
    feed.send('chair-a', readings('a', 3, 3));
    expect(await feed.flush(5000)).toBe(true);
    expect(server.arrivals.get('a:3')).toBe(4);
    expect(feed.stats()).toMatchObject({ rejected: 1, acked: 2, buffered: 0 });
  });

  it('bounds the buffer while the server is away: the oldest readings go, and are counted', async () => {
    const port = await freePort();
    let now = 1_000;
    const { feed, events } = client(`http://127.0.0.1:${port}`, {
      maxBufferedPerChair: 100,
      clock: () => now,
    });
    feed.send('chair-a', readings('a', 1, 250));
    now = 6_000;
    expect(feed.stats()).toMatchObject({ buffered: 100, dropped: 150, oldestBufferedAgeMs: 5_000 });
    expect(events.filter((e) => e.type === 'buffer-full')).toEqual([
      { type: 'buffer-full', chairId: 'chair-a', limit: 100 },
    ]);

    const server = await startServer(port);
    expect(await feed.flush(5000)).toBe(true);
    expect(server.storedIds('chair-a')).toEqual(ids(readings('a', 151, 250)));
    expect(feed.stats().oldestBufferedAgeMs).toBeNull();
  });

  it('reports a refused token and sends nothing', async () => {
    const server = await startServer();
    const { feed, events } = client(server.url, { token: 'stale-token' });
    feed.send('chair-a', readings('a', 1, 1));
    await until(() => events.some((e) => e.type === 'auth-failed'));
    expect(feed.stats()).toMatchObject({
      connected: false,
      buffered: 1,
      lastError: 'unauthorized',
    });
    expect(server.batches).toHaveLength(0);
  });

  it('gives up when a renewed token is refused as well, instead of logging in again and again', async () => {
    const server = await startServer();
    let renewed = 0;
    const { feed, events } = client(server.url, {
      token: 'stale-token',
      renewToken: () => {
        renewed++;
        return Promise.resolve('another-stale-token');
      },
    });
    feed.send('chair-a', readings('a', 1, 1));
    await until(() => events.some((e) => e.type === 'auth-failed'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(renewed).toBe(1);
    expect(feed.stats()).toMatchObject({ connected: false, buffered: 1 });
  });

  it('logs in again when the token is refused, if it knows how', async () => {
    const server = await startServer();
    let renewed = 0;
    const { feed } = client(server.url, {
      token: 'stale-token',
      renewToken: () => {
        renewed++;
        return Promise.resolve('good-token');
      },
    });
    feed.send('chair-a', readings('a', 1, 3));
    expect(await feed.flush(5000)).toBe(true);
    expect(renewed).toBe(1);
    expect(server.storedIds('chair-a')).toEqual(['a:1', 'a:2', 'a:3']);
  });
});
