import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody, Session, StoredSample } from '@chairside/core';
import { pino } from 'pino';
import { createChairsideServer } from './app';
import { DEFAULT_LOGIN_RATE_LIMIT } from './http/routes';
import {
  ADMIN_PASSWORD,
  USER_PASSWORD,
  call,
  connectSocket,
  createChair,
  loginAs,
  makeDataDir,
  startTestServer,
} from './testing/harness';
import type { TestServer } from './testing/harness';

const running: TestServer[] = [];
async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const t = await startTestServer(...args);
  running.push(t);
  return t;
}

afterEach(async () => {
  for (const t of running.splice(0)) await t.stop();
});

describe('restart on the same data directory', () => {
  it('keeps users, chairs, sessions, samples and token validity', async () => {
    const dataDir = makeDataDir();
    const first = await startTestServer({ dataDir });
    const admin = await loginAs(first.url, 'admin', ADMIN_PASSWORD);
    expect(
      (
        await call(first.url, 'POST', '/users', {
          token: admin,
          body: { username: 'kept', password: USER_PASSWORD, role: 'nurse' },
        })
      ).status,
    ).toBe(201);
    const nurse = await loginAs(first.url, 'kept', USER_PASSWORD);
    const chair = await createChair(first.url, admin, 'Kept chair');
    const session = await call<{ session: Session }>(
      first.url,
      'POST',
      `/chairs/${chair}/sessions`,
      {
        token: nurse,
        body: { patientRef: 'KET-7', weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
      },
    );
    await call(first.url, 'POST', `/chairs/${chair}/vitals`, {
      token: nurse,
      body: { id: 'k-1', at: new Date().toISOString(), hr: 77, source: 'device' },
    });
    await call(first.url, 'POST', `/sessions/${session.body.session.id}/events`, {
      token: nurse,
      body: { type: 'infusion-started' },
    });
    await first.stop({ keepData: true });

    // A different ADMIN_PASSWORD on restart changes nothing: users exist already.
    const second = await start({ dataDir, adminPassword: 'another-admin-pass-2' });
    const chairs = await call<{ chairs: { id: string; session: Session | null }[] }>(
      second.url,
      'GET',
      '/chairs',
      { token: nurse },
    );
    expect(chairs.status).toBe(200);
    const kept = chairs.body.chairs.find((c) => c.id === chair);
    expect(kept?.session).toMatchObject({
      id: session.body.session.id,
      state: 'infusing',
      baseline: { hr: 77, samples: 1 },
    });
    const samples = await call<{ samples: StoredSample[] }>(
      second.url,
      'GET',
      `/chairs/${chair}/vitals`,
      { token: nurse },
    );
    expect(samples.body.samples.map((s) => [s.id, s.hr])).toEqual([['k-1', 77]]);
    // The old token still opens a socket; the old admin password still logs in.
    const socket = await connectSocket(second.url, nurse);
    socket.close();
    await expect(loginAs(second.url, 'admin', ADMIN_PASSWORD)).resolves.toEqual(expect.any(String));
    // The idempotency key survived too.
    const resend = await call(second.url, 'POST', `/chairs/${chair}/vitals`, {
      token: nurse,
      body: { id: 'k-1', at: new Date().toISOString(), hr: 77, source: 'device' },
    });
    expect(resend.body).toEqual({ accepted: 0, duplicates: 1 });
  });
});

describe('first start', () => {
  it('generates an admin password when none is configured, and only on the first start', async () => {
    const dataDir = makeDataDir();
    const server = createChairsideServer({
      dataDir,
      webDist: null,
      logger: pino({ level: 'silent' }),
    });
    const { url, generatedAdminPassword } = await server.listen(0);
    expect(generatedAdminPassword).toMatch(/^(?=.*[A-Za-z])(?=.*\d).{20,}$/);
    await expect(loginAs(url, 'admin', generatedAdminPassword ?? '')).resolves.toEqual(
      expect.any(String),
    );
    await server.close();
    const again = createChairsideServer({
      dataDir,
      webDist: null,
      logger: pino({ level: 'silent' }),
    });
    expect((await again.listen(0)).generatedAdminPassword).toBeNull();
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('login rate limit', () => {
  it('answers 429 in the contract body after 10 attempts a minute from one address', async () => {
    const t = await start({ loginRateLimit: DEFAULT_LOGIN_RATE_LIMIT });
    const statuses: number[] = [];
    let last: unknown;
    for (let i = 0; i < DEFAULT_LOGIN_RATE_LIMIT.limit + 1; i += 1) {
      const res = await call(t.url, 'POST', '/auth/login', {
        body: { username: 'admin', password: i === 0 ? ADMIN_PASSWORD : 'wrong-guess-123' },
      });
      statuses.push(res.status);
      last = res.body;
    }
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1, DEFAULT_LOGIN_RATE_LIMIT.limit)).toEqual(
      Array<number>(DEFAULT_LOGIN_RATE_LIMIT.limit - 1).fill(401),
    );
    expect(statuses.at(-1)).toBe(429);
    expect((last as ErrorBody).error.code).toBe('too_many_requests');
  });
});

describe('dashboard serving', () => {
  it('serves the built app with an SPA fallback, but never for /api', async () => {
    const webDist = mkdtempSync(join(tmpdir(), 'chairside-web-'));
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><div id="root">chairside app</div>');
    writeFileSync(join(webDist, 'assets', 'app.js'), 'console.log(1)');
    const t = await start({ webDist });
    const root = await fetch(`${t.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('chairside app');
    const deep = await fetch(`${t.url}/chairs/123/detail`);
    expect(await deep.text()).toContain('chairside app');
    const asset = await fetch(`${t.url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${t.url}/assets/old-hash.js`)).status).toBe(404);
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as ErrorBody).error.code).toBe('not_found');
    rmSync(webDist, { recursive: true, force: true });
  });

  it('says the dashboard is not built when the folder is missing', async () => {
    const t = await start({ webDist: join(tmpdir(), 'chairside-no-such-dist') });
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('dashboard not built: run pnpm build');
  });
});

describe('close', () => {
  it('stops accepting connections and can be called twice', async () => {
    const t = await startTestServer();
    const admin = await loginAs(t.url, 'admin', ADMIN_PASSWORD);
    const socket = await connectSocket(t.url, admin);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await Promise.all([t.server.close(), t.server.close()]);
    expect(await disconnected).toEqual(expect.any(String));
    await expect(fetch(`${t.url}/api/v1/health`)).rejects.toThrow();
    rmSync(t.dataDir, { recursive: true, force: true });
  });
});
