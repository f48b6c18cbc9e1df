import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertRecord, Role, Session } from '@chairside/core';
import {
  ADMIN_PASSWORD,
  askSubscribe,
  askVitals,
  call,
  collect,
  connectSocket,
  createChair,
  nextEvent,
  tokensForAllRoles,
  waitFor,
} from '../testing/harness';
import type { TestSocket } from '../testing/harness';
import { TEST_STORE } from '../testing/store';
import { LEASE_RENEW_MS, LEASE_TTL_MS } from './index';

/**
 * Several REAL server processes (`src/main.ts` as child processes) on one PostgreSQL database
 * and one Redis, as a chain of clinics runs them behind a load balancer. Keys and channels of
 * this file carry a prefix of their own, the database is created for it and dropped after.
 */

const redisUrl = process.env['TEST_REDIS_URL'] ?? '';
const adminDbUrl = process.env['TEST_DATABASE_URL'] ?? '';
// The server-pg project runs every server test again on PostgreSQL: this file already does.
const runs = redisUrl !== '' && adminDbUrl !== '' && TEST_STORE === 'sqlite';
if (!runs && TEST_STORE === 'sqlite') {
  console.warn(
    '\n!! TEST_REDIS_URL and/or TEST_DATABASE_URL is not set: the scale-out tests (two server processes,\n' +
      '!! Redis adapter, alarm ownership, Redis lost) are SKIPPED. Set both, e.g.\n' +
      '!! TEST_REDIS_URL=redis://127.0.0.1:6379 TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n',
  );
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const tag = randomBytes(5).toString('hex');
const prefix = `chairside-test-${tag}:`;
const dbName = `chairside_scale_${tag}`;
const dataDir = mkdtempSync(join(tmpdir(), 'chairside-scale-'));

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<unknown>;
}
const procs: Proc[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function databaseUrl(): string {
  const url = new URL(adminDbUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDbUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Health {
  status: string;
  redis: 'connected' | 'lost';
  process: string;
  alarmChairs: number;
}

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/api/v1/health`);
  expect(res.status).toBe(200);
  return (await res.json()) as Health;
}

/** Starts `src/main.ts` and waits until its health answers. */
async function startProcess(name: string, redis: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(dataDir, name),
      DATABASE_URL: databaseUrl(),
      REDIS_URL: redis,
      REDIS_KEY_PREFIX: prefix,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const proc: Proc = { name, child, url: `http://127.0.0.1:${port}`, output: () => text, exited };
  procs.push(proc);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`${proc.url}/api/v1/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return proc;
    if (child.exitCode !== null) throw new Error(`${name} exited early:\n${text}`);
    if (Date.now() > deadline) throw new Error(`${name} not healthy after 30 s:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A TCP proxy to Redis that the test can cut and restore ("Redis lost" without stopping Redis). */
class RedisProxy {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    const target = new URL(redisUrl);
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || '6379'), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => this.#sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let redis: ReturnType<typeof createClient> | null = null;
const sockets: TestSocket[] = [];
const proxy = new RedisProxy();

beforeAll(async () => {
  if (!runs) return;
  await admin(`CREATE DATABASE ${dbName}`);
  redis = createClient({ url: redisUrl });
  redis.on('error', () => undefined);
  await redis.connect();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const { child, exited } of procs) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  await proxy.cut();
  if (redis !== null) {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 }))
      if (keys.length > 0) await redis.del(keys);
    await redis.close();
  }
  if (runs) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  rmSync(dataDir, { recursive: true, force: true });
});

const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function ownerOf(chairId: string): Promise<string | null> {
  if (redis === null) throw new Error('no redis');
  return redis.get(`${prefix}alarm-owner:${chairId}`);
}

async function alertsOf(url: string, token: string, chairId: string): Promise<AlertRecord[]> {
  const res = await call<{ alerts: AlertRecord[] }>(url, 'GET', `/alerts?chairId=${chairId}`, {
    token,
  });
  expect(res.status).toBe(200);
  return res.body.alerts;
}

async function dashboard(url: string, token: string, chairId: string): Promise<TestSocket> {
  const socket = await connectSocket(url, token);
  sockets.push(socket);
  expect(await askSubscribe(socket, { chairIds: [chairId] })).toMatchObject({ ok: true });
  return socket;
}

/** One second of device readings, `secondsAgo` before now, ingested through `url`. */
async function post(
  url: string,
  token: string,
  chairId: string,
  id: string,
  at: number,
  values: Record<string, number>,
): Promise<void> {
  const res = await call(url, 'POST', `/chairs/${chairId}/vitals`, {
    token,
    body: [{ id, at: iso(at), source: 'device', ...values }],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describe.skipIf(!runs)('two server processes on one PostgreSQL and one Redis', () => {
  let a: Proc;
  let b: Proc;
  let tokens: Record<Role, string>;
  let chairId = '';
  let hrAlertId = '';
  let dashA: TestSocket;
  let dashB: TestSocket;
  let alertsOnA: { alert: Alert }[] = [];
  let alertsOnB: { alert: Alert }[] = [];

  it('a dashboard on A sees the vitals ingested on B, and the chair gets exactly one alarm owner', async () => {
    a = await startProcess('a', redisUrl);
    b = await startProcess('b', redisUrl);
    expect(await health(a.url)).toMatchObject({ status: 'ok', redis: 'connected' });
    expect(await health(b.url)).toMatchObject({ status: 'ok', redis: 'connected' });

    tokens = await tokensForAllRoles(a.url);
    chairId = await createChair(a.url, tokens.admin, 'Scale chair');
    const ids = [(await health(a.url)).process, (await health(b.url)).process];
    // A new chair is leased at the next round of one of the two processes.
    const deadline = Date.now() + LEASE_RENEW_MS * 3;
    let owner = await ownerOf(chairId);
    while (owner === null && Date.now() < deadline) {
      await sleep(100);
      owner = await ownerOf(chairId);
    }
    expect(ids).toContain(owner);

    dashA = await dashboard(a.url, tokens.nurse, chairId);
    dashB = await dashboard(b.url, tokens.nurse, chairId);
    alertsOnA = collect(dashA, 'alert');
    alertsOnB = collect(dashB, 'alert');
    const seenOnA = nextEvent(dashA, 'vitals', (v) => v.chairId === chairId, 5000);
    const ingester = await connectSocket(b.url, tokens.trainer);
    sockets.push(ingester);
    const ack = await askVitals(ingester, {
      chairId,
      samples: [
        { id: 'b-first', at: iso(Date.now() - 60_000), source: 'simulator', hr: 80, spo2: 98 },
      ],
    });
    expect(ack).toEqual({ ok: true, accepted: 1, duplicates: 0 });
    const vitals = await seenOnA;
    expect(vitals.samples.map((s) => s.id)).toEqual(['b-first']);
  });

  it('an alarm condition fed half through A and half through B raises exactly one alert', async () => {
    const opened = await call<{ session: Session }>(a.url, 'POST', `/chairs/${chairId}/sessions`, {
      token: tokens.nurse,
      body: { patientRef: 'KET-S', weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    expect(opened.status).toBe(201);
    // HR 150 for 16 s of sample time (the rule wants > 10 s), each second through the other process.
    const start = Date.now() - 16_000;
    for (let s = 0; s <= 16; s++) {
      const via = s % 2 === 0 ? a : b;
      await post(via.url, tokens.nurse, chairId, `hr-${s}`, start + s * 1000, {
        hr: 150,
        spo2: 97,
      });
    }
    const hrIds = (seen: { alert: Alert }[]): Set<string> =>
      new Set(seen.filter((e) => e.alert.parameter === 'hr').map((e) => e.alert.id));
    await waitFor(
      () => hrIds(alertsOnA).size > 0 && hrIds(alertsOnB).size > 0,
      8000,
      'the HR alert on both dashboards',
    );
    // Longer than a lease round: a second evaluator would have raised its own alert by now.
    await sleep(LEASE_RENEW_MS);
    const stored = (await alertsOf(b.url, tokens.charge, chairId)).filter(
      (x) => x.parameter === 'hr',
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ message: 'HR 150 > 140', state: 'active' });
    hrAlertId = stored[0]?.id ?? '';
    expect([...hrIds(alertsOnA)]).toEqual([hrAlertId]);
    expect([...hrIds(alertsOnB)]).toEqual([hrAlertId]);
  });

  it('an acknowledgement on one process is seen by the dashboard on the other', async () => {
    // Through the process that does NOT own the chair: the request goes to the owner.
    const owner = await ownerOf(chairId);
    const nonOwner = owner === (await health(a.url)).process ? a : b;
    const other = nonOwner === a ? dashB : dashA;
    const seen = nextEvent(
      other,
      'alert',
      (e) => e.alert.id === hrAlertId && e.alert.state === 'acknowledged',
      5000,
    );
    const ack = await call<{ alert: Alert }>(
      nonOwner.url,
      'POST',
      `/alerts/${hrAlertId}/acknowledge`,
      {
        token: tokens.nurse,
      },
    );
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body.alert).toMatchObject({
      id: hrAlertId,
      state: 'acknowledged',
      acknowledgedBy: 'nurse1',
    });
    expect((await seen).alert.acknowledgedBy).toBe('nurse1');
    // The owner's own view (its engine state) has it too.
    const state = await call<{ openAlerts: Alert[] }>(
      nonOwner.url,
      'GET',
      `/chairs/${chairId}/alarm-state`,
      {
        token: tokens.nurse,
      },
    );
    expect(state.status).toBe(200);
    expect(state.body.openAlerts.find((x) => x.id === hrAlertId)?.state).toBe('acknowledged');

    // An audio pause asked of the non-owner: the owner stores it, both dashboards hear it.
    const pausedA = nextEvent(dashA, 'audio-pause', (m) => m.pause?.chairId === chairId, 5000);
    const pausedB = nextEvent(dashB, 'audio-pause', (m) => m.pause?.chairId === chairId, 5000);
    const pause = await call<{ pause: { by: string } }>(
      nonOwner.url,
      'POST',
      `/chairs/${chairId}/audio-pause`,
      { token: tokens.nurse },
    );
    expect(pause.status, JSON.stringify(pause.body)).toBe(201);
    expect(pause.body.pause.by).toBe('nurse1');
    expect((await pausedA).pause?.by).toBe('nurse1');
    expect((await pausedB).pause?.by).toBe('nurse1');
  });

  it('a session and its alarm rules set through the non-owner are what the owner evaluates', async () => {
    const other = await createChair(a.url, tokens.admin, 'Rules chair');
    const ids = { a: (await health(a.url)).process, b: (await health(b.url)).process };
    const deadline = Date.now() + LEASE_RENEW_MS * 3;
    let owner = await ownerOf(other);
    while (owner === null && Date.now() < deadline) {
      await sleep(100);
      owner = await ownerOf(other);
    }
    const nonOwner = owner === ids.a ? b : a;
    expect(owner).toBe(nonOwner === a ? ids.b : ids.a);

    const opened = await call<{ session: Session }>(
      nonOwner.url,
      'POST',
      `/chairs/${other}/sessions`,
      {
        token: tokens.nurse,
        body: { patientRef: 'KET-R2', weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
      },
    );
    expect(opened.status).toBe(201);
    // HR above 100 is an alarm only under this session's override (the clinic default is 140).
    const put = await call(nonOwner.url, 'PUT', `/sessions/${opened.body.session.id}/alarm-rules`, {
      token: tokens.nurse,
      body: { limits: { hr: { high: { medium: 100 } } } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await sleep(500);
    const res = await call(nonOwner.url, 'POST', `/chairs/${other}/vitals`, {
      token: tokens.nurse,
      body: [{ at: iso(Date.now()), source: 'manual', hr: 110 }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const until = Date.now() + 5000;
    let alerts = await alertsOf(nonOwner.url, tokens.charge, other);
    while (alerts.length === 0 && Date.now() < until) {
      await sleep(200);
      alerts = await alertsOf(nonOwner.url, tokens.charge, other);
    }
    expect(alerts.map((x) => [x.message, x.limit])).toEqual([['HR 110 > 100', 100]]);
  });

  it(
    'killing the owner: the other process takes the chair over without a duplicate alert',
    { timeout: 60_000 },
    async () => {
      const ownerId = await ownerOf(chairId);
      const [victim, survivor] = ownerId === (await health(a.url)).process ? [a, b] : [b, a];
      const survivorId = (await health(survivor.url)).process;
      const survivorDash = survivor === a ? dashA : dashB;
      victim.child.kill('SIGKILL');
      await victim.exited;

      // The condition goes on through the survivor, before and after the lease lapses.
      const until = Date.now() + LEASE_TTL_MS + LEASE_RENEW_MS * 2;
      let s = 100;
      let owner: string | null = ownerId;
      while (owner !== survivorId) {
        expect(Date.now() < until, 'the survivor should own the chair after the lease lapsed').toBe(
          true,
        );
        await post(survivor.url, tokens.nurse, chairId, `hr-${s}`, Date.now(), {
          hr: 150,
        });
        s += 1;
        await sleep(1000);
        owner = await ownerOf(chairId);
      }
      expect((await health(survivor.url)).alarmChairs).toBeGreaterThanOrEqual(1);
      for (let k = 0; k < 3; k++, s++) {
        await post(survivor.url, tokens.nurse, chairId, `hr-${s}`, Date.now(), {
          hr: 150,
        });
        await sleep(300);
      }
      const hr = (await alertsOf(survivor.url, tokens.charge, chairId)).filter(
        (x) => x.parameter === 'hr',
      );
      expect(hr.map((x) => [x.id, x.state])).toEqual([[hrAlertId, 'acknowledged']]);

      // The new owner evaluates: a new condition raises its alert, once.
      const spo2Events = collect(survivorDash, 'alert');
      const begin = Date.now();
      for (let k = 0; k <= 12; k++, s++)
        await post(survivor.url, tokens.nurse, chairId, `spo2-${k}`, begin - 12_000 + k * 1000, {
          hr: 80,
          spo2: 85,
        });
      await waitFor(
        () => spo2Events.some((e) => e.alert.parameter === 'spo2'),
        8000,
        'the SpO2 alert',
      );
      const spo2 = (await alertsOf(survivor.url, tokens.charge, chairId)).filter(
        (x) => x.parameter === 'spo2',
      );
      expect(spo2).toHaveLength(1);

      // A clean stop (SIGTERM) hands the lease back at once instead of letting it lapse.
      expect(await ownerOf(chairId)).toBe(survivorId);
      survivor.child.kill('SIGTERM');
      await survivor.exited;
      expect(survivor.child.exitCode).toBe(0);
      expect(await ownerOf(chairId)).toBeNull();
    },
  );

  it(
    'Redis lost: the process says so in health and logs and keeps serving its own clients; it recovers',
    { timeout: 60_000 },
    async () => {
      await proxy.open();
      const c = await startProcess('c', `redis://127.0.0.1:${proxy.port}`);
      expect(await health(c.url)).toMatchObject({ status: 'ok', redis: 'connected' });
      const cTokens = await tokensForAllRoles(c.url);
      const lonely = await createChair(c.url, cTokens.admin, 'Lonely chair');

      await proxy.cut();
      const lostBy = Date.now() + 5000;
      while ((await health(c.url)).redis !== 'lost') {
        expect(Date.now() < lostBy, 'health should say redis lost').toBe(true);
        await sleep(100);
      }
      await waitFor(() => c.output().includes('Redis lost'), 5000, 'the Redis lost warning');

      // Its own dashboard still gets what is ingested on it, and the alarms of the chair fed here.
      const dash = await dashboard(c.url, cTokens.nurse, lonely);
      const alerts = collect(dash, 'alert');
      const vitals = nextEvent(dash, 'vitals', (v) => v.chairId === lonely, 5000);
      const begin = Date.now();
      for (let k = 0; k <= 12; k++)
        await post(c.url, cTokens.nurse, lonely, `lost-${k}`, begin - 12_000 + k * 1000, {
          hr: 80,
          spo2: 85,
        });
      expect((await vitals).samples[0]?.id).toBe('lost-0');
      await waitFor(
        () => alerts.some((e) => e.alert.parameter === 'spo2'),
        8000,
        'the SpO2 alert without Redis',
      );

      await proxy.open();
      const backBy = Date.now() + 10_000;
      while ((await health(c.url)).redis !== 'connected') {
        expect(Date.now() < backBy, 'health should say redis connected again').toBe(true);
        await sleep(200);
      }
      await waitFor(() => c.output().includes('Redis is back'), 5000, 'the Redis back message');
      // Back in the shared mode: the chair fed here is leased again (nobody else is up).
      const cId = (await health(c.url)).process;
      const leasedBy = Date.now() + LEASE_RENEW_MS * 3;
      while ((await ownerOf(lonely)) !== cId) {
        expect(Date.now() < leasedBy, 'c should lease the chair again').toBe(true);
        await sleep(200);
      }
      // The lease is taken first, then the chair's state is rebuilt from the store (async):
      // health counts a chair once its rebuild is done.
      const rebuiltBy = Date.now() + LEASE_RENEW_MS * 3;
      let back = await health(c.url);
      while (back.alarmChairs !== 3 && Date.now() < rebuiltBy) {
        await sleep(200);
        back = await health(c.url);
      }
      expect(back).toMatchObject({ redis: 'connected', alarmChairs: 3 });

      // A process whose REDIS_URL points at nothing starts anyway, says so, and serves alone.
      const d = await startProcess('d', `redis://127.0.0.1:${await freePort()}`);
      expect(await health(d.url)).toMatchObject({ status: 'ok', redis: 'lost' });
      expect(d.output()).toContain('Redis unreachable');
      const dDash = await dashboard(d.url, cTokens.nurse, lonely);
      const dVitals = nextEvent(dDash, 'vitals', (v) => v.chairId === lonely, 5000);
      await post(d.url, cTokens.nurse, lonely, 'alone-1', Date.now(), { hr: 80, spo2: 97 });
      expect((await dVitals).samples.map((x) => x.id)).toEqual(['alone-1']);
    },
  );
});
