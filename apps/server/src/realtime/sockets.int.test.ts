import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role, Session, StoredSample, SubscribeAck } from '@chairside/core';
import {
  askSubscribe,
  askVitals,
  call,
  collect,
  connectSocket,
  createChair,
  nextEvent,
  startTestServer,
  tokensForAllRoles,
  untyped,
  waitFor,
} from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;
let chairA: string;
let chairB: string;
const open: TestSocket[] = [];

async function socketFor(role: Role): Promise<TestSocket> {
  const socket = await connectSocket(url, tokens[role]);
  open.push(socket);
  return socket;
}

function subscribe(socket: TestSocket, chairIds?: string[]): Promise<SubscribeAck> {
  return askSubscribe(socket, chairIds === undefined ? {} : { chairIds });
}

const sample = (id: string, hr = 70) => ({
  id,
  at: new Date(Date.now() - 1000).toISOString(),
  hr,
  source: 'device' as const,
});

beforeAll(async () => {
  t = await startTestServer();
  url = t.url;
  tokens = await tokensForAllRoles(url);
  chairA = await createChair(url, tokens.admin, 'Chair A');
  chairB = await createChair(url, tokens.admin, 'Chair B');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

afterAll(async () => {
  await t.stop();
});

describe('socket authentication', () => {
  it('refuses a missing token with connect_error "unauthorized"', async () => {
    await expect(connectSocket(url, undefined)).rejects.toThrow('unauthorized');
  });

  it('refuses a bad token with connect_error "unauthorized"', async () => {
    await expect(connectSocket(url, 'garbage')).rejects.toThrow('unauthorized');
    await expect(connectSocket(url, `${tokens.nurse}x`)).rejects.toThrow('unauthorized');
  });
});

describe('live vitals', () => {
  it('delivers HTTP-ingested samples to a client subscribed to that chair, not to one subscribed to another', async () => {
    const watcherA = await socketFor('nurse');
    const watcherB = await socketFor('charge');
    expect(await subscribe(watcherA, [chairA])).toMatchObject({ ok: true });
    expect(await subscribe(watcherB, [chairB])).toMatchObject({ ok: true });
    const seenByB = collect(watcherB, 'vitals');

    const arriving = nextEvent(watcherA, 'vitals');
    const res = await call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: [sample('live-1', 81), sample('live-2', 82)],
    });
    expect(res.status).toBe(201);
    const message = await arriving;
    expect(message.chairId).toBe(chairA);
    expect(message.samples.map((s: StoredSample) => [s.id, s.hr, s.chairId])).toEqual([
      ['live-1', 81, chairA],
      ['live-2', 82, chairA],
    ]);
    expect(message.samples[0]?.receivedAt).toEqual(expect.any(String));

    // B is still served (its own chair arrives), and it never saw chair A's samples.
    const bArriving = nextEvent(watcherB, 'vitals');
    await call(url, 'POST', `/chairs/${chairB}/vitals`, {
      token: tokens.nurse,
      body: sample('live-b'),
    });
    expect((await bArriving).chairId).toBe(chairB);
    expect(seenByB.map((m) => m.chairId)).toEqual([chairB]);
  });

  it('broadcasts only newly stored samples: a resend is not repeated', async () => {
    const watcher = await socketFor('nurse');
    await subscribe(watcher, [chairA]);
    const seen = collect(watcher, 'vitals');
    await call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: [sample('once-1'), sample('once-2')],
    });
    await call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: [sample('once-1'), sample('once-2'), sample('once-3')],
    });
    await waitFor(() => seen.some((m) => m.samples.some((s) => s.id === 'once-3')));
    expect(seen.flatMap((m) => m.samples.map((s) => s.id))).toEqual(['once-1', 'once-2', 'once-3']);
  });

  it('a subscription without chairIds receives every chair, and re-subscribing leaves rooms no longer wanted', async () => {
    const watcher = await socketFor('trainer');
    await subscribe(watcher);
    const seen = collect(watcher, 'vitals');
    await call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: sample('all-a'),
    });
    await call(url, 'POST', `/chairs/${chairB}/vitals`, {
      token: tokens.nurse,
      body: sample('all-b'),
    });
    await waitFor(() => seen.length >= 2);
    expect(seen.map((m) => m.chairId).sort()).toEqual([chairA, chairB].sort());

    await subscribe(watcher, [chairB]);
    seen.length = 0;
    await call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: sample('after-a'),
    });
    await call(url, 'POST', `/chairs/${chairB}/vitals`, {
      token: tokens.nurse,
      body: sample('after-b'),
    });
    await waitFor(() => seen.some((m) => m.samples.some((s) => s.id === 'after-b')));
    expect(seen.map((m) => m.chairId)).toEqual([chairB]);
  });

  it('refuses to subscribe to an unknown chair', async () => {
    const watcher = await socketFor('nurse');
    const ack = await subscribe(watcher, [chairA, 'no-such-chair']);
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('socket ingest', () => {
  it('stores samples sent over the socket and acks after commit; a resend acks duplicates', async () => {
    const device = await socketFor('nurse');
    const watcher = await socketFor('charge');
    await subscribe(watcher, [chairB]);
    const arriving = nextEvent(watcher, 'vitals', (m) => m.samples.some((s) => s.id === 'sock-1'));
    const samples = [sample('sock-1', 90), sample('sock-2', 91)];
    const ack = await askVitals(device, { chairId: chairB, samples });
    expect(ack).toEqual({ ok: true, accepted: 2, duplicates: 0 });
    // Acked means stored: the query sees it at once.
    const stored = await call<{ samples: StoredSample[] }>(url, 'GET', `/chairs/${chairB}/vitals`, {
      token: tokens.nurse,
    });
    expect(stored.body.samples.filter((s) => s.id.startsWith('sock-')).map((s) => s.hr)).toEqual([
      90, 91,
    ]);
    expect((await arriving).samples.map((s) => s.id)).toEqual(['sock-1', 'sock-2']);
    expect(await askVitals(device, { chairId: chairB, samples })).toEqual({
      ok: true,
      accepted: 0,
      duplicates: 2,
    });
  });

  it('answers invalid samples with ok:false naming the field, and stores nothing', async () => {
    const device = await socketFor('nurse');
    const ack = await askVitals(device, {
      chairId: chairB,
      samples: [sample('bad-0'), { ...sample('bad-1'), spo2: 101 }],
    });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', issues: [{ path: '1.spo2' }] },
    });
    const stored = await call<{ samples: StoredSample[] }>(url, 'GET', `/chairs/${chairB}/vitals`, {
      token: tokens.nurse,
    });
    expect(stored.body.samples.some((s) => s.id.startsWith('bad-'))).toBe(false);
  });

  it('answers a payload of the wrong shape with ok:false and keeps serving', async () => {
    const device = await socketFor('nurse');
    const wrong = await askVitals(device, { chair: 'x', samples: 'many' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (wrong.ok) throw new Error('expected a refusal');
    expect(wrong.error.issues?.map((i) => i.path).sort()).toEqual(['chair', 'chairId', 'samples']);

    // The right shape plus a key of its own is still refused (the check without zod is strict too).
    const extra = await askVitals(device, {
      chairId: chairB,
      samples: [sample('extra-key')],
      priority: 'high',
    });
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(JSON.stringify(extra)).toContain('priority');

    const notAnObject = await askSubscribe(device, 42);
    expect(notAnObject.ok).toBe(false);
    // No ack callback at all: nothing to answer, nothing crashes.
    untyped(device).emit('vitals', { chairId: chairB, samples: [] });
    untyped(device).emit('subscribe');
    // Only a callback, no payload: answered as a refusal through that callback.
    const onlyCallback = await new Promise<unknown>((resolve) => {
      untyped(device).emit('vitals', resolve);
    });
    expect(onlyCallback).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    expect(
      await askVitals(device, { chairId: chairB, samples: [sample('still-serving')] }),
    ).toEqual({
      ok: true,
      accepted: 1,
      duplicates: 0,
    });
    expect(device.connected).toBe(true);
  });

  it('refuses a trainer sending device samples and an unknown chair', async () => {
    const trainer = await socketFor('trainer');
    expect(await askVitals(trainer, { chairId: chairB, samples: [sample('t-1')] })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await askVitals(trainer, {
        chairId: 'nope',
        samples: [{ ...sample('t-2'), source: 'simulator' }],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('chair events', () => {
  it('tells every authenticated socket when a session is created or changes state', async () => {
    const nurse = await socketFor('nurse');
    const trainer = await socketFor('trainer'); // no subscription needed for chair events
    const added = nextEvent(trainer, 'chair', (m) => m.chair.label === 'Event chair');
    const chair = await createChair(url, tokens.admin, 'Event chair');
    expect((await added).chair).toEqual({ id: chair, label: 'Event chair', session: null });

    const created = nextEvent(trainer, 'chair', (m) => m.chair.id === chair);
    const res = await call<{ session: Session }>(url, 'POST', `/chairs/${chair}/sessions`, {
      token: tokens.nurse,
      body: { patientRef: 'KET-9', weightKg: 80, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    const first = await created;
    expect(first.chair).toMatchObject({
      id: chair,
      label: 'Event chair',
      session: { id: res.body.session.id, state: 'pre-infusion' },
    });

    const started = nextEvent(
      nurse,
      'chair',
      (m) => m.chair.id === chair && m.chair.session?.state === 'infusing',
    );
    await call(url, 'POST', `/sessions/${res.body.session.id}/events`, {
      token: tokens.nurse,
      body: { type: 'infusion-started' },
    });
    expect((await started).chair.session?.events.map((e) => e.type)).toEqual(['infusion-started']);
  });
});
