import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  askVitals,
  call,
  connectSocket,
  createChair,
  loginAs,
  startTestServer,
} from '../testing/harness';
import type { TestServer } from '../testing/harness';
import { TEST_STORE, createScratchDatabase } from '../testing/store';

/**
 * The database goes away under a running server (PostgreSQL behind a TCP proxy the test cuts):
 * ingest answers 503 with Retry-After, the socket ack says not stored, nothing half-stored
 * appears, the server keeps serving, and when the database is back it recovers by itself.
 * Runs in the server-pg project (it needs TEST_DATABASE_URL).
 */

const runs = TEST_STORE === 'postgres';
if (!runs)
  console.warn(
    'store-outage: runs in the server-pg project (needs TEST_DATABASE_URL); skipped here',
  );

class CuttableProxy {
  readonly #target: { host: string; port: number };
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  async open(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target.port, this.#target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = address !== null && typeof address === 'object' ? address.port : 0;
    this.#server = server;
  }

  /** The database becomes unreachable: open connections die, new ones are refused. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server !== null) await new Promise((resolve) => server.close(resolve));
  }
}

describe.skipIf(!runs)('database outage', () => {
  let proxy: CuttableProxy;
  let t: TestServer;
  let drop: () => Promise<void>;
  let token: string;
  let chairId: string;

  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    const db = new URL(scratch.url);
    proxy = new CuttableProxy({ host: db.hostname, port: Number(db.port || 5432) });
    await proxy.open();
    db.host = `127.0.0.1:${proxy.port}`;
    t = await startTestServer({ databaseUrl: db.toString() });
    token = await loginAs(t.url, 'admin', ADMIN_PASSWORD);
    chairId = await createChair(t.url, token, 'Outage chair');
  });

  afterAll(async () => {
    await proxy.cut();
    await t.stop();
    await drop();
  });

  it(
    'answers 503 with Retry-After while the database is away, stores nothing, and recovers by itself',
    { timeout: 60_000 },
    async () => {
      const sample = (id: string) => ({
        id,
        at: new Date().toISOString(),
        hr: 80,
        source: 'device',
      });
      expect(
        (await call(t.url, 'POST', `/chairs/${chairId}/vitals`, { token, body: sample('before') }))
          .status,
      ).toBe(201);
      const socket = await connectSocket(t.url, token);

      await proxy.cut();
      const refused = await call<{ error: { code: string; message: string } }>(
        t.url,
        'POST',
        `/chairs/${chairId}/vitals`,
        {
          token,
          body: [sample('during-1'), sample('during-2')],
        },
      );
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body.error.code).toBe('store_unavailable');
      expect(refused.body.error.message).toMatch(/nothing from this request was stored/);
      const ack = await askVitals(socket, { chairId, samples: [sample('during-socket')] });
      expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      // The process itself is fine: health answers, no crash.
      expect((await call(t.url, 'GET', '/health')).status).toBe(200);

      await proxy.open(proxy.port);
      const deadline = Date.now() + 20_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (
          await call(t.url, 'POST', `/chairs/${chairId}/vitals`, { token, body: sample('after') })
        ).status;
        if (status === 201) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(201);
      const stored = await call<{ samples: { id: string }[] }>(
        t.url,
        'GET',
        `/chairs/${chairId}/vitals`,
        { token },
      );
      expect(stored.body.samples.map((s) => s.id)).toEqual(['before', 'after']);
      // The socket device is told its readings are stored once it resends them.
      expect(
        await askVitals(socket, { chairId, samples: [sample('during-socket')] }),
      ).toMatchObject({ ok: true, accepted: 1 });
      socket.close();
    },
  );
});
