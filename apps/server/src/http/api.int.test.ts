import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Role, Session, StoredSample } from '@chairside/core';
import {
  ADMIN_PASSWORD,
  call,
  createChair,
  loginAs,
  startTestServer,
  tokensForAllRoles,
} from '../testing/harness';
import type { TestServer } from '../testing/harness';

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;
let chairId: string;

const nowIso = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();
const issuePaths = (body: unknown): string[] =>
  ((body as ErrorBody).error.issues ?? []).map((i) => i.path);
const errorCode = (body: unknown): string => (body as ErrorBody).error.code;

async function storedCount(id: string): Promise<number> {
  const res = await call<{ samples: StoredSample[] }>(
    url,
    'GET',
    `/chairs/${id}/vitals?limit=20000`,
    { token: tokens.nurse },
  );
  return res.body.samples.length;
}

beforeAll(async () => {
  t = await startTestServer();
  url = t.url;
  tokens = await tokensForAllRoles(url);
  chairId = await createChair(url, tokens.admin, 'Chair A');
});

afterAll(async () => {
  await t.stop();
});

describe('health and login', () => {
  it('answers health without a token', async () => {
    const res = await call(url, 'GET', '/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('logs in with the right password and returns token and user', async () => {
    const res = await call<{ token: string; user: unknown }>(url, 'POST', '/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ username: 'admin', role: 'admin' });
    expect(res.body.token.split('.')).toHaveLength(3);
  });

  it('refuses a wrong password and an unknown user alike with 401', async () => {
    const wrong = await call(url, 'POST', '/auth/login', {
      body: { username: 'admin', password: 'not-the-password-1' },
    });
    const unknown = await call(url, 'POST', '/auth/login', {
      body: { username: 'nobody', password: 'not-the-password-1' },
    });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong.body)).toBe('invalid_credentials');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('names the missing field of a login body', async () => {
    const res = await call(url, 'POST', '/auth/login', { body: { username: 'admin' } });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(['password']);
  });
});

describe('authentication and roles', () => {
  it('answers 401 without a token and with a bad one', async () => {
    const none = await call(url, 'GET', '/chairs');
    expect(none.status).toBe(401);
    expect(errorCode(none.body)).toBe('unauthorized');
    const bad = await call(url, 'GET', '/chairs', { token: 'not.a.token' });
    expect(bad.status).toBe(401);
    const forged = await call(url, 'GET', '/chairs', { token: `${tokens.admin.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('answers 403 when a nurse adds a chair', async () => {
    const res = await call(url, 'POST', '/chairs', {
      token: tokens.nurse,
      body: { label: 'Nope' },
    });
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('forbidden');
  });

  it('answers 403 when a trainer sends device samples, 201 for simulator samples', async () => {
    const device = await call(url, 'POST', `/chairs/${chairId}/vitals`, {
      token: tokens.trainer,
      body: { at: nowIso(), hr: 70, source: 'device' },
    });
    expect(device.status).toBe(403);
    const sim = await call(url, 'POST', `/chairs/${chairId}/vitals`, {
      token: tokens.trainer,
      body: { at: nowIso(), hr: 70, source: 'simulator' },
    });
    expect(sim.status).toBe(201);
  });

  it('lets only admins manage users', async () => {
    expect((await call(url, 'GET', '/users', { token: tokens.charge })).status).toBe(403);
    const list = await call<{ users: { username: string; role: string }[] }>(url, 'GET', '/users', {
      token: tokens.admin,
    });
    expect(list.status).toBe(200);
    expect(list.body.users).toContainEqual({ username: 'nurse1', role: 'nurse' });
    expect(JSON.stringify(list.body)).not.toContain('password');
  });
});

describe('users', () => {
  it('creates a user who can then log in', async () => {
    const res = await call(url, 'POST', '/users', {
      token: tokens.admin,
      body: { username: 'newnurse', password: 'long-enough-9', role: 'nurse' },
    });
    expect(res).toMatchObject({
      status: 201,
      body: { user: { username: 'newnurse', role: 'nurse' } },
    });
    await expect(loginAs(url, 'newnurse', 'long-enough-9')).resolves.toMatch(/\./);
  });

  it('refuses a taken username with 409', async () => {
    const res = await call(url, 'POST', '/users', {
      token: tokens.admin,
      body: { username: 'nurse1', password: 'long-enough-9', role: 'nurse' },
    });
    expect(res.status).toBe(409);
    expect(errorCode(res.body)).toBe('username_taken');
  });

  it('refuses a weak password with 400 naming password', async () => {
    for (const password of ['short1', 'onlyletterslong']) {
      const res = await call(url, 'POST', '/users', {
        token: tokens.admin,
        body: { username: 'weak', password, role: 'nurse' },
      });
      expect(res.status).toBe(400);
      expect(issuePaths(res.body)).toEqual(['password']);
    }
  });

  it('refuses an unknown role naming role', async () => {
    const res = await call(url, 'POST', '/users', {
      token: tokens.admin,
      body: { username: 'x1', password: 'long-enough-9', role: 'doctor' },
    });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(['role']);
  });
});

describe('chairs', () => {
  it('creates and lists chairs with their session', async () => {
    const created = await call<{ chair: { id: string; label: string } }>(url, 'POST', '/chairs', {
      token: tokens.admin,
      body: { label: 'Chair B' },
    });
    expect(created.status).toBe(201);
    expect(created.body.chair).toMatchObject({ label: 'Chair B' });
    const list = await call<{ chairs: { id: string; label: string; session: unknown }[] }>(
      url,
      'GET',
      '/chairs',
      { token: tokens.trainer },
    );
    expect(list.status).toBe(200);
    expect(list.body.chairs).toContainEqual({
      id: created.body.chair.id,
      label: 'Chair B',
      session: null,
    });
    const one = await call(url, 'GET', `/chairs/${created.body.chair.id}`, { token: tokens.nurse });
    expect(one.body).toEqual({
      chair: { id: created.body.chair.id, label: 'Chair B', session: null },
    });
  });

  it('refuses an empty label naming label', async () => {
    const res = await call(url, 'POST', '/chairs', { token: tokens.admin, body: { label: '  ' } });
    expect(res.status).toBe(400);
    expect(issuePaths(res.body)).toEqual(['label']);
  });

  it('answers 404 for an unknown chair', async () => {
    const res = await call(url, 'GET', '/chairs/no-such-chair', { token: tokens.nurse });
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('not_found');
  });
});

describe('sessions', () => {
  const sessionBody = {
    patientRef: 'KET-2001',
    weightKg: 70,
    doseMgPerKg: 0.5,
    plannedMinutes: 40,
  };

  it('runs a session from creation to discharge, with baseline computed on start', async () => {
    const chair = await createChair(url, tokens.admin, 'Session chair');
    const created = await call<{ session: Session }>(url, 'POST', `/chairs/${chair}/sessions`, {
      token: tokens.nurse,
      body: sessionBody,
    });
    expect(created.status).toBe(201);
    expect(created.body.session).toMatchObject({
      ...sessionBody,
      chairId: chair,
      state: 'pre-infusion',
      events: [],
      baseline: null,
      createdBy: 'nurse1',
    });
    const sessionId = created.body.session.id;

    const second = await call(url, 'POST', `/chairs/${chair}/sessions`, {
      token: tokens.nurse,
      body: sessionBody,
    });
    expect(second.status).toBe(409);
    expect(errorCode(second.body)).toBe('session_already_open');

    // Pre-infusion readings: the baseline is their median per parameter.
    const pre = [
      { at: nowIso(-3000), hr: 70, sbp: 120, dbp: 80, spo2: 98, source: 'device' },
      { at: nowIso(-2000), hr: 80, sbp: 130, dbp: 82, spo2: 97, source: 'device' },
      { at: nowIso(-1000), hr: 90, sbp: 125, dbp: 81, source: 'device' },
    ];
    expect(
      (await call(url, 'POST', `/chairs/${chair}/vitals`, { token: tokens.nurse, body: pre }))
        .status,
    ).toBe(201);

    const started = await call<{ session: Session }>(url, 'POST', `/sessions/${sessionId}/events`, {
      token: tokens.charge,
      body: { type: 'infusion-started' },
    });
    expect(started.status).toBe(200);
    expect(started.body.session.state).toBe('infusing');
    expect(started.body.session.baseline).toEqual({
      hr: 80,
      sbp: 125,
      dbp: 81,
      spo2: 97.5,
      rr: null,
      samples: 3,
    });
    expect(started.body.session.events).toEqual([
      { type: 'infusion-started', at: expect.any(String) as string, by: 'charge1' },
    ]);

    const impossible = await call(url, 'POST', `/sessions/${sessionId}/events`, {
      token: tokens.nurse,
      body: { type: 'discharged' },
    });
    expect(impossible.status).toBe(409);
    expect(errorCode(impossible.body)).toBe('invalid_transition');
    expect((impossible.body as ErrorBody).error.message).toContain('infusing');
    expect((impossible.body as ErrorBody).error.message).toContain('infusion-paused');

    for (const [type, state] of [
      ['infusion-paused', 'paused'],
      ['infusion-resumed', 'infusing'],
      ['infusion-stopped', 'recovery'],
      ['discharged', 'discharged'],
    ] as const) {
      const res = await call<{ session: Session }>(url, 'POST', `/sessions/${sessionId}/events`, {
        token: tokens.nurse,
        body: { type },
      });
      expect(res.status).toBe(200);
      expect(res.body.session.state).toBe(state);
    }
    const after = await call<{ session: Session }>(url, 'GET', `/sessions/${sessionId}`, {
      token: tokens.nurse,
    });
    expect(after.body.session.events.map((e) => e.type)).toEqual([
      'infusion-started',
      'infusion-paused',
      'infusion-resumed',
      'infusion-stopped',
      'discharged',
    ]);
    // Discharged: the chair is free again.
    const list = await call<{ chairs: { id: string; session: unknown }[] }>(url, 'GET', '/chairs', {
      token: tokens.nurse,
    });
    expect(list.body.chairs.find((c) => c.id === chair)?.session).toBeNull();
    expect(
      (
        await call(url, 'POST', `/chairs/${chair}/sessions`, {
          token: tokens.nurse,
          body: sessionBody,
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a trainer opening a session, bad fields, unknown chair and unknown session', async () => {
    const chair = await createChair(url, tokens.admin, 'Session chair 2');
    expect(
      (
        await call(url, 'POST', `/chairs/${chair}/sessions`, {
          token: tokens.trainer,
          body: sessionBody,
        })
      ).status,
    ).toBe(403);
    const bad = await call(url, 'POST', `/chairs/${chair}/sessions`, {
      token: tokens.nurse,
      body: { ...sessionBody, weightKg: 700, doseMgPerKg: 'half' },
    });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad.body).sort()).toEqual(['doseMgPerKg', 'weightKg']);
    expect(
      (await call(url, 'POST', '/chairs/nope/sessions', { token: tokens.nurse, body: sessionBody }))
        .status,
    ).toBe(404);
    expect(
      (
        await call(url, 'POST', '/sessions/nope/events', {
          token: tokens.nurse,
          body: { type: 'infusion-started' },
        })
      ).status,
    ).toBe(404);
    const badType = await call(url, 'POST', '/sessions/nope/events', {
      token: tokens.nurse,
      body: { type: 'exploded' },
    });
    expect(badType.status).toBe(400);
    expect(issuePaths(badType.body)).toEqual(['type']);
  });
});

describe('vitals ingest', () => {
  it('stores a single sample and a batch, adding chair, session, receivedAt', async () => {
    const chair = await createChair(url, tokens.admin, 'Ingest chair');
    const single = await call(url, 'POST', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
      body: {
        id: 's-1',
        at: nowIso(-5000),
        hr: 78,
        sbp: 132,
        dbp: 84,
        spo2: 97,
        rr: 14,
        etco2: 36,
        sedation: { scale: 'MOAA/S', score: 4 },
        source: 'manual',
      },
    });
    expect(single).toMatchObject({ status: 201, body: { accepted: 1, duplicates: 0 } });
    const batch = await call(url, 'POST', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
      body: [
        { id: 's-2', at: Date.now() - 4000, hr: 79, source: 'device' },
        { id: 's-3', at: nowIso(-3000), spo2: 96, source: 'device' },
      ],
    });
    expect(batch).toMatchObject({ status: 201, body: { accepted: 2, duplicates: 0 } });
    const stored = await call<{ samples: StoredSample[] }>(url, 'GET', `/chairs/${chair}/vitals`, {
      token: tokens.charge,
    });
    expect(stored.body.samples.map((s) => s.id)).toEqual(['s-1', 's-2', 's-3']);
    expect(stored.body.samples[0]).toMatchObject({
      chairId: chair,
      sessionId: null,
      hr: 78,
      sedation: { scale: 'MOAA/S', score: 4 },
      source: 'manual',
      enteredBy: 'nurse1',
    });
    expect(stored.body.samples[1]?.enteredBy).toBeNull();
    expect(stored.body.samples[1]?.at).toMatch(/Z$/);
    expect(Date.parse(stored.body.samples[0]?.receivedAt ?? '')).toBeGreaterThan(
      Date.now() - 10_000,
    );
  });

  it('stores a resent sample once: second post answers accepted 0, duplicates n', async () => {
    const chair = await createChair(url, tokens.admin, 'Idempotent chair');
    const body = [1, 2, 3].map((n) => ({
      id: `dup-${n}`,
      at: nowIso(-n * 1000),
      hr: 60 + n,
      source: 'device',
    }));
    const first = await call(url, 'POST', `/chairs/${chair}/vitals`, { token: tokens.nurse, body });
    expect(first.body).toEqual({ accepted: 3, duplicates: 0 });
    const second = await call(url, 'POST', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
      body,
    });
    expect(second).toMatchObject({ status: 201, body: { accepted: 0, duplicates: 3 } });
    expect(await storedCount(chair)).toBe(3);
    // The same id on another chair is a different sample.
    const other = await createChair(url, tokens.admin, 'Other chair');
    expect(
      (await call(url, 'POST', `/chairs/${other}/vitals`, { token: tokens.nurse, body })).body,
    ).toEqual({ accepted: 3, duplicates: 0 });
  });

  it('attaches the open session id', async () => {
    const chair = await createChair(url, tokens.admin, 'Session ingest chair');
    const s = await call<{ session: Session }>(url, 'POST', `/chairs/${chair}/sessions`, {
      token: tokens.nurse,
      body: { patientRef: 'KET-3', weightKg: 60, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    await call(url, 'POST', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
      body: { at: nowIso(), hr: 70, source: 'device' },
    });
    const stored = await call<{ samples: StoredSample[] }>(url, 'GET', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
    });
    expect(stored.body.samples[0]?.sessionId).toBe(s.body.session.id);
  });

  describe('bad input: 4xx with the contract body naming the field, nothing stored', () => {
    let badChair: string;
    beforeAll(async () => {
      badChair = await createChair(url, tokens.admin, 'Bad input chair');
    });
    const ok = { at: nowIso(-1000), hr: 70, source: 'device' };
    const cases: { name: string; body: unknown; path: string }[] = [
      { name: 'wrong types', body: { at: nowIso(), hr: 'fast', source: 'device' }, path: 'hr' },
      { name: 'missing at', body: { hr: 70, source: 'device' }, path: 'at' },
      { name: 'no measurement at all', body: { at: nowIso(), source: 'device' }, path: '' },
      { name: 'SpO2 101', body: { at: nowIso(), spo2: 101, source: 'device' }, path: 'spo2' },
      {
        name: 'DBP above SBP',
        body: { at: nowIso(), sbp: 80, dbp: 120, source: 'device' },
        path: 'dbp',
      },
      { name: 'negative HR', body: { at: nowIso(), hr: -5, source: 'device' }, path: 'hr' },
      {
        name: 'at far in the future',
        body: { at: nowIso(10 * 60_000), hr: 70, source: 'device' },
        path: 'at',
      },
      { name: 'unknown source', body: { at: nowIso(), hr: 70, source: 'fax' }, path: 'source' },
      {
        name: 'bad sedation score',
        body: { at: nowIso(), sedation: { scale: 'MOAA/S', score: 7 }, source: 'device' },
        path: 'sedation.score',
      },
      {
        name: 'unknown fields',
        body: { at: nowIso(), hr: 70, source: 'device', temperature: 37 },
        path: 'temperature',
      },
      {
        name: 'an invalid sample inside a batch',
        body: [ok, ok, ok, { ...ok, spo2: 101 }],
        path: '3.spo2',
      },
      {
        name: 'a batch over 1000',
        body: Array.from({ length: 1001 }, (_, i) => ({ ...ok, id: `b-${i}` })),
        path: '',
      },
      { name: 'an empty batch', body: [], path: '' },
    ];
    for (const c of cases) {
      it(`refuses ${c.name} with 400 naming "${c.path}"`, async () => {
        const res = await call(url, 'POST', `/chairs/${badChair}/vitals`, {
          token: tokens.nurse,
          body: c.body,
        });
        expect(res.status).toBe(400);
        expect(errorCode(res.body)).toBe('validation_failed');
        expect((res.body as ErrorBody).error.message).toEqual(expect.any(String));
        expect(issuePaths(res.body)).toContain(c.path);
        expect(await storedCount(badChair)).toBe(0);
      });
    }

    it('refuses an unknown chair with 404', async () => {
      const res = await call(url, 'POST', '/chairs/no-such-chair/vitals', {
        token: tokens.nurse,
        body: ok,
      });
      expect(res.status).toBe(404);
      expect(errorCode(res.body)).toBe('not_found');
    });

    it('refuses a body that is not JSON with 400 invalid_json', async () => {
      const res = await call(url, 'POST', `/chairs/${badChair}/vitals`, {
        token: tokens.nurse,
        body: '{"at": 1, hr: }',
      });
      expect(res.status).toBe(400);
      expect(errorCode(res.body)).toBe('invalid_json');
    });

    it('refuses another content type with 415', async () => {
      const res = await call(url, 'POST', `/chairs/${badChair}/vitals`, {
        token: tokens.nurse,
        body: 'hr=70',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(415);
      expect(errorCode(res.body)).toBe('unsupported_media_type');
    });

    it('refuses a body over the 1 MB limit with 413', async () => {
      const huge = JSON.stringify(
        Array.from({ length: 900 }, (_, i) => ({ ...ok, id: `${'x'.repeat(1200)}-${i}` })),
      );
      expect(huge.length).toBeGreaterThan(1_000_000);
      const res = await call(url, 'POST', `/chairs/${badChair}/vitals`, {
        token: tokens.nurse,
        body: huge,
      });
      expect(res.status).toBe(413);
      expect(errorCode(res.body)).toBe('payload_too_large');
      expect(await storedCount(badChair)).toBe(0);
    });
  });
});

describe('vitals query', () => {
  let chair: string;
  const base = Date.parse('2026-01-01T10:00:00.000Z');
  beforeAll(async () => {
    chair = await createChair(url, tokens.admin, 'Query chair');
    // 10 samples a minute apart, sent out of order.
    const body = Array.from({ length: 10 }, (_, i) => ({
      id: `q-${i}`,
      at: base + i * 60_000,
      hr: 60 + i,
      source: 'device',
    })).reverse();
    expect(
      (await call(url, 'POST', `/chairs/${chair}/vitals`, { token: tokens.nurse, body })).status,
    ).toBe(201);
  });

  it('returns all samples ascending by at', async () => {
    const res = await call<{ samples: StoredSample[] }>(url, 'GET', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
    });
    expect(res.body.samples.map((s) => s.hr)).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
  });

  it('returns the most recent `limit` samples of the window, ascending', async () => {
    const from = new Date(base + 2 * 60_000).toISOString();
    const to = new Date(base + 7 * 60_000).toISOString();
    const res = await call<{ samples: StoredSample[] }>(
      url,
      'GET',
      `/chairs/${chair}/vitals?from=${from}&to=${to}&limit=3`,
      { token: tokens.nurse },
    );
    expect(res.status).toBe(200);
    expect(res.body.samples.map((s) => s.id)).toEqual(['q-5', 'q-6', 'q-7']);
    const window = await call<{ samples: StoredSample[] }>(
      url,
      'GET',
      `/chairs/${chair}/vitals?from=${from}&to=${to}`,
      { token: tokens.nurse },
    );
    expect(window.body.samples.map((s) => s.hr)).toEqual([62, 63, 64, 65, 66, 67]);
  });

  it('refuses bad from, to and limit naming each', async () => {
    for (const [query, path] of [
      ['from=yesterday', 'from'],
      ['to=2026-13-45', 'to'],
      ['limit=0', 'limit'],
      ['limit=20001', 'limit'],
      ['limit=ten', 'limit'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ] as const) {
      const res = await call(url, 'GET', `/chairs/${chair}/vitals?${query}`, {
        token: tokens.nurse,
      });
      expect(res.status, query).toBe(400);
      expect(issuePaths(res.body), query).toEqual([path]);
    }
  });

  it('answers 404 for an unknown chair', async () => {
    expect((await call(url, 'GET', '/chairs/nope/vitals', { token: tokens.nurse })).status).toBe(
      404,
    );
  });
});

describe('the rest of the API surface', () => {
  it('answers an unknown API route with 404 not_found', async () => {
    const res = await call(url, 'GET', '/no-such-route', { token: tokens.nurse });
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('not_found');
  });

  it('answers a path that cannot be decoded with 400, not 500', async () => {
    const res = await call(url, 'GET', '/chairs/%E0%A4%A/vitals', { token: tokens.nurse });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('bad_request');
  });

  it('serves an OpenAPI 3.1 document listing the routes', async () => {
    const res = await call<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: unknown; schemas: Record<string, unknown> };
    }>(url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/auth/login',
        '/users',
        '/chairs',
        '/chairs/{chairId}/sessions',
        '/sessions/{sessionId}/events',
        '/chairs/{chairId}/vitals',
      ]),
    );
    expect(Object.keys(res.body.paths['/chairs/{chairId}/vitals'] ?? {})).toEqual(['post', 'get']);
    expect(res.body.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(JSON.stringify(res.body.components.schemas['Sample'])).toContain('spo2');
    // The answers a device must handle are documented, the database outage included.
    const ingest = res.body.paths['/chairs/{chairId}/vitals']?.['post'] as {
      responses: Record<string, unknown>;
    };
    expect(Object.keys(ingest.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '413', '503']),
    );
  });

  it('sends security headers', async () => {
    const res = await call(url, 'GET', '/health');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
