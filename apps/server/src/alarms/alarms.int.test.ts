import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type {
  AcknowledgeAck,
  Alert,
  AlertRecord,
  AudioPauseMessage,
  Role,
  Session,
} from '@chairside/core';
import { listAudit } from '../domain/audit';
import { testClock } from '../testing/context';
import {
  askSubscribe,
  call,
  collect,
  connectSocket,
  createChair,
  nextEvent,
  startTestServer,
  tokensForAllRoles,
  waitFor,
} from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';

// Sample time and server time start together; the server clock is moved by the test only.
const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const clock = testClock(T0);
const iso = (ms: number): string => new Date(ms).toISOString();
const sec = (s: number): number => T0 + s * 1000;

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;
const sockets: TestSocket[] = [];
let manualChair = '';

beforeAll(async () => {
  t = await startTestServer({ clock, alarmTickMs: 20 });
  url = t.url;
  tokens = await tokensForAllRoles(url);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await t.stop();
});

async function watcher(role: Role, chairIds?: string[]): Promise<TestSocket> {
  const socket = await connectSocket(url, tokens[role]);
  sockets.push(socket);
  expect(await askSubscribe(socket, chairIds === undefined ? {} : { chairIds })).toMatchObject({
    ok: true,
  });
  return socket;
}

/** The socket `acknowledge` event and its ack; `payload` may be anything (bad-input tests). */
async function askAcknowledge(socket: TestSocket, payload: unknown): Promise<AcknowledgeAck> {
  return (await socket
    .timeout(3000)
    .emitWithAck('acknowledge', payload as never)) as AcknowledgeAck;
}

async function chairWithSession(label: string): Promise<{ chairId: string; session: Session }> {
  const chairId = await createChair(url, tokens.admin, label);
  const res = await call<{ session: Session }>(url, 'POST', `/chairs/${chairId}/sessions`, {
    token: tokens.nurse,
    body: { patientRef: `KET-${label}`, weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
  });
  expect(res.status).toBe(201);
  return { chairId, session: res.body.session };
}

type Values = Partial<Record<'hr' | 'spo2' | 'sbp' | 'dbp' | 'rr', number>>;

/** Device samples at 1 Hz for seconds [from, to) with `values`. */
function device(from: number, to: number, values: Values, tag: string) {
  const out = [];
  for (let s = from; s < to; s++)
    out.push({ id: `${tag}-${s}`, at: iso(sec(s)), source: 'device' as const, ...values });
  return out;
}

async function ingest(chairId: string, samples: unknown[], token = tokens.nurse): Promise<void> {
  const res = await call(url, 'POST', `/chairs/${chairId}/vitals`, { token, body: samples });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  // The engine runs after the commit: wait for its queue so the assertions see its results.
  await t.server.alarms.idle();
}

async function alertsOf(query: string): Promise<AlertRecord[]> {
  const res = await call<{ alerts: AlertRecord[] }>(url, 'GET', `/alerts?${query}`, {
    token: tokens.charge,
  });
  expect(res.status).toBe(200);
  return res.body.alerts;
}

/** A device feed from second `from` to `to`, posted in 5 s batches with the clock in step. */
async function feed(chairId: string, from: number, to: number, values: Values, tag: string) {
  for (let s = from; s < to; s += 5) {
    clock.set(sec(Math.min(s + 5, to)));
    await ingest(chairId, device(s, Math.min(s + 5, to), values, tag));
  }
}

describe('CLINICAL.md section 6 through the public API', () => {
  it('a scripted device series yields exactly the alerts the rules call for, in /alerts and as alert events', async () => {
    clock.set(T0);
    const { chairId, session } = await chairWithSession('S6');
    const nurse = await watcher('nurse', [chairId]);
    const seen = collect(nurse, 'alert');

    // 0-30 s normal; 30-60 s SpO2 92 (medium < 94 after 10 s); 60-70 s recovered (97 >= 94+2);
    // 70-100 s HR 150 (high > 140 after 10 s); 100-110 s HR 80 (the high alert latches).
    await feed(chairId, 0, 30, { hr: 80, spo2: 98 }, 's6');
    expect(await alertsOf(`chairId=${chairId}`)).toEqual([]);
    await feed(chairId, 30, 40, { hr: 80, spo2: 92 }, 's6');
    // 9 s of sample time below the limit (30..39): not yet.
    expect(await alertsOf(`chairId=${chairId}`)).toEqual([]);
    await feed(chairId, 40, 60, { hr: 80, spo2: 92 }, 's6');
    await feed(chairId, 60, 70, { hr: 80, spo2: 97 }, 's6');
    await feed(chairId, 70, 100, { hr: 150, spo2: 97 }, 's6');
    await feed(chairId, 100, 110, { hr: 80, spo2: 97 }, 's6');

    const alerts = await alertsOf(`chairId=${chairId}`);
    expect(alerts).toHaveLength(2);
    const [hr, spo2] = alerts; // newest first
    expect(spo2).toMatchObject({
      chairId,
      sessionId: session.id,
      kind: 'physiological',
      parameter: 'spo2',
      priority: 'medium',
      message: 'SpO2 92 < 94',
      value: 92,
      limit: 94,
      state: 'cleared',
      raisedAt: iso(sec(40)),
      clearedAt: iso(sec(60)),
      acknowledgedAt: null,
      timeToAcknowledgeMs: null,
    });
    expect(hr).toMatchObject({
      parameter: 'hr',
      priority: 'high',
      message: 'HR 150 > 140',
      value: 150,
      limit: 140,
      raisedAt: iso(sec(80)),
      // Latched: the condition ended at 100 s but it stays active until someone acknowledges.
      clearedAt: iso(sec(100)),
      state: 'active',
    });

    await waitFor(() => seen.length >= 4, 3000, 'alert events');
    expect(seen.map(({ alert }) => [alert.parameter, alert.state, alert.clearedAt])).toEqual([
      ['spo2', 'active', null],
      ['spo2', 'cleared', iso(sec(60))],
      ['hr', 'active', null],
      ['hr', 'active', iso(sec(100))],
    ]);
    const hrId = hr?.id ?? '';

    // Acknowledging the latched, recovered alarm clears it, for everyone, naming who.
    const charge = await watcher('charge', [chairId]);
    const seenByCharge = nextEvent(charge, 'alert', ({ alert }) => alert.id === hrId);
    clock.set(sec(115));
    const ack = await call<{ alert: Alert }>(url, 'POST', `/alerts/${hrId}/acknowledge`, {
      token: tokens.nurse,
    });
    expect(ack.status).toBe(200);
    expect(ack.body.alert).toMatchObject({
      state: 'cleared',
      acknowledgedBy: 'nurse1',
      acknowledgedAt: iso(sec(115)),
    });
    expect((await seenByCharge).alert).toMatchObject({
      id: hrId,
      state: 'cleared',
      acknowledgedBy: 'nurse1',
    });
    const after = (await alertsOf(`chairId=${chairId}`)).find((a) => a.id === hrId);
    // Stored at server time 85 s (the batch of 80-84 s completed the 10 s), acknowledged at 115 s.
    expect(after).toMatchObject({ state: 'cleared', timeToAcknowledgeMs: 30_000 });

    // Twice is idempotent: 200 and the first who/when are kept.
    clock.set(sec(118));
    const again = await call<{ alert: Alert }>(url, 'POST', `/alerts/${hrId}/acknowledge`, {
      token: tokens.charge,
    });
    expect(again.status).toBe(200);
    expect(again.body.alert).toMatchObject({
      acknowledgedBy: 'nurse1',
      acknowledgedAt: iso(sec(115)),
    });

    // The change log records the raise, the end of the condition and who acknowledged.
    const detail = await call<{ changes: { type: string; by: string | null }[] }>(
      url,
      'GET',
      `/alerts/${hrId}`,
      { token: tokens.trainer },
    );
    expect(detail.body.changes.map((c) => [c.type, c.by])).toEqual([
      ['raised', null],
      ['condition-ended', null],
      ['acknowledged', 'nurse1'],
    ]);
  });

  it('a manual reading alarms at once; a no-delay SpO2 too', async () => {
    clock.set(sec(1000));
    const { chairId } = await chairWithSession('Manual');
    manualChair = chairId;
    await ingest(chairId, [{ at: iso(sec(999)), source: 'manual', hr: 125 }]);
    const [hr] = await alertsOf(`chairId=${chairId}`);
    expect(hr).toMatchObject({
      parameter: 'hr',
      priority: 'medium',
      message: 'HR 125 > 120',
      raisedAt: iso(sec(999)),
      state: 'active',
    });

    await ingest(chairId, device(1000, 1001, { spo2: 83 }, 'nodelay'));
    const spo2 = (await alertsOf(`chairId=${chairId}&priority=high`))[0];
    expect(spo2).toMatchObject({
      parameter: 'spo2',
      priority: 'high',
      value: 83,
      limit: 85,
      raisedAt: iso(sec(1000)),
    });
  });

  it('filters /alerts and refuses bad filters naming the query field', async () => {
    const all = await alertsOf('limit=1000');
    expect(all.length).toBeGreaterThanOrEqual(4);
    const raised = all.map((a) => Date.parse(a.raisedAt));
    expect(raised).toEqual([...raised].sort((a, b) => b - a));
    expect((await alertsOf('priority=high')).every((a) => a.priority === 'high')).toBe(true);
    expect((await alertsOf('state=cleared')).every((a) => a.state === 'cleared')).toBe(true);
    expect((await alertsOf('kind=technical')).every((a) => a.kind === 'technical')).toBe(true);
    const window = await alertsOf(`chairId=${manualChair}&from=${iso(sec(999))}&to=${sec(999)}`);
    expect(window.map((a) => a.message)).toEqual(['HR 125 > 120']);
    expect(await alertsOf('limit=1')).toHaveLength(1);

    for (const [query, path] of [
      ['priority=urgent', 'priority'],
      ['state=open', 'state'],
      ['kind=medical', 'kind'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['from=yesterday', 'from'],
      [`from=${sec(10)}&to=${sec(5)}`, 'from'],
      ['color=red', 'color'],
    ] as const) {
      const res = await call<{ error: { code: string; issues: { path: string }[] } }>(
        url,
        'GET',
        `/alerts?${query}`,
        { token: tokens.nurse },
      );
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('acknowledges over the socket; a trainer gets 403, an unknown alert 404', async () => {
    clock.set(sec(2000));
    const { chairId } = await chairWithSession('Ack');
    await ingest(chairId, [{ at: iso(sec(2000)), source: 'manual', sbp: 185, dbp: 95 }]);
    const [sbp] = await alertsOf(`chairId=${chairId}`);
    expect(sbp).toMatchObject({ parameter: 'sbp', priority: 'high', message: 'SBP 185 >= 180' });
    const id = sbp?.id ?? '';

    const trainerHttp = await call<{ error: { code: string } }>(
      url,
      'POST',
      `/alerts/${id}/acknowledge`,
      { token: tokens.trainer },
    );
    expect(trainerHttp.status).toBe(403);
    expect(trainerHttp.body.error.code).toBe('forbidden');
    const trainer = await watcher('trainer', [chairId]);
    expect(await askAcknowledge(trainer, { alertId: id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const unknown = await call<{ error: { code: string } }>(
      url,
      'POST',
      '/alerts/no-such-alert/acknowledge',
      { token: tokens.nurse },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');

    const nurse = await watcher('nurse', [chairId]);
    expect(await askAcknowledge(nurse, { alertId: 'no-such-alert' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const other = await watcher('admin', [chairId]);
    const seenByOther = nextEvent(other, 'alert', ({ alert }) => alert.acknowledgedAt !== null);
    const bad = await askAcknowledge(nurse, { alertId: 5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const ack = await askAcknowledge(nurse, { alertId: id });
    // The condition still holds: acknowledged, not cleared.
    expect(ack).toMatchObject({
      ok: true,
      alert: { id, state: 'acknowledged', acknowledgedBy: 'nurse1' },
    });
    expect((await seenByOther).alert).toMatchObject({ id, acknowledgedBy: 'nurse1' });
    // Recorded in the audit trail too, with who and when.
    const audit = await listAudit(t.server.db, 50);
    expect(audit.find((a) => a.action === 'alert.acknowledged')).toMatchObject({
      who: 'nurse1',
      at: iso(sec(2000)),
      detail: { alertId: id, chairId, priority: 'high', message: 'SBP 185 >= 180' },
    });
    expect((await call(url, 'GET', '/alerts', {})).status).toBe(401);
  });
});

describe('time-based alarms on the server clock', () => {
  it('escalates an unacknowledged high alarm to every charge nurse after 60 s, not before', async () => {
    clock.set(sec(3000));
    const { chairId } = await chairWithSession('Esc');
    // A charge nurse watching another chair only still gets the escalation.
    const elsewhere = await createChair(url, tokens.admin, 'Elsewhere');
    const charge = await watcher('charge', [elsewhere]);
    const admin = await watcher('admin', [elsewhere]);
    const adminSaw = nextEvent(admin, 'alert', ({ alert }) => (alert.escalatedAt ?? null) !== null);
    const nurseOther = await watcher('nurse', [elsewhere]);
    const nurseSeen = collect(nurseOther, 'alert');
    const escalated = nextEvent(
      charge,
      'alert',
      ({ alert }) => (alert.escalatedAt ?? null) !== null,
      5000,
    );

    await ingest(chairId, [{ at: iso(sec(3000)), source: 'manual', spo2: 84 }]);
    clock.set(sec(3059));
    await t.server.alarms.tick();
    const [open] = await alertsOf(`chairId=${chairId}`);
    expect(open).toMatchObject({ priority: 'high', escalatedAt: null });

    clock.set(sec(3060));
    const { alert } = await escalated;
    expect(alert).toMatchObject({ id: open?.id, escalatedAt: iso(sec(3060)), state: 'active' });
    expect((await adminSaw).alert.id).toBe(open?.id);
    expect(nurseSeen).toEqual([]);
    const [stored] = await alertsOf(`chairId=${chairId}`);
    expect(stored?.escalatedAt).toBe(iso(sec(3060)));
  });

  it('raises a feed-silent technical alarm after 15 s without samples, and clears it when data returns', async () => {
    clock.set(sec(4000));
    const { chairId } = await chairWithSession('Feed');
    const nurse = await watcher('nurse', [chairId]);
    const silent = nextEvent(nurse, 'alert', ({ alert }) => alert.parameter === 'feed', 5000);
    await ingest(chairId, device(3999, 4000, { hr: 70, spo2: 98 }, 'feed'));
    clock.set(sec(4015));
    await t.server.alarms.tick();
    expect(await alertsOf(`chairId=${chairId}`)).toEqual([]);
    clock.set(sec(4016));
    const { alert } = await silent;
    expect(alert).toMatchObject({
      kind: 'technical',
      parameter: 'feed',
      priority: 'medium',
      rule: 'feed-silent',
      raisedAt: iso(sec(4016)),
      state: 'active',
    });
    expect(alert.message).toContain('Feed silent for 16 s');

    await ingest(chairId, device(4016, 4017, { hr: 70, spo2: 98 }, 'feed'));
    const [cleared] = await alertsOf(`chairId=${chairId}&kind=technical`);
    expect(cleared).toMatchObject({ id: alert.id, state: 'cleared', clearedAt: iso(sec(4016)) });
  });

  it('reminds that vitals are due after 5 min of infusion and alarms at 10 min', async () => {
    clock.set(sec(5000));
    const { chairId, session } = await chairWithSession('Due');
    const started = await call(url, 'POST', `/sessions/${session.id}/events`, {
      token: tokens.nurse,
      body: { type: 'infusion-started' },
    });
    expect(started.status).toBe(200);
    await t.server.alarms.idle();
    clock.set(sec(5000 + 299));
    await t.server.alarms.tick();
    expect(await alertsOf(`chairId=${chairId}`)).toEqual([]);
    // The tile's countdown: 1 s to the reminder, 301 s to the overdue alarm.
    const tile = await call(url, 'GET', `/chairs/${chairId}/alarm-state`, { token: tokens.nurse });
    expect(tile.body).toEqual({
      chairId,
      openAlerts: [],
      vitalsDue: { reminderInMs: 1000, overdueInMs: 301_000 },
      pause: null,
    });
    clock.set(sec(5000 + 300));
    await t.server.alarms.tick();
    const [due] = await alertsOf(`chairId=${chairId}`);
    expect(due).toMatchObject({
      kind: 'technical',
      parameter: 'manual-check',
      priority: 'low',
      rule: 'vitals-due',
      message: 'Vitals due: no HR, BP, SpO2 for 5 min',
    });
    clock.set(sec(5000 + 600));
    await t.server.alarms.tick();
    const [overdue] = await alertsOf(`chairId=${chairId}`);
    expect(overdue).toMatchObject({ id: due?.id, priority: 'medium', rule: 'vitals-overdue' });
    const overdueTile = await call<{ openAlerts: Alert[]; vitalsDue: unknown }>(
      url,
      'GET',
      `/chairs/${chairId}/alarm-state`,
      { token: tokens.trainer },
    );
    expect(overdueTile.body.openAlerts.map((a) => a.id)).toEqual([due?.id]);
    expect(overdueTile.body.vitalsDue).toEqual({ reminderInMs: -300_000, overdueInMs: 0 });
    expect(
      (await call(url, 'GET', '/chairs/nope/alarm-state', { token: tokens.nurse })).status,
    ).toBe(404);
    // A full manual set ends it.
    await ingest(chairId, [
      { at: iso(sec(5601)), source: 'manual', hr: 72, sbp: 128, dbp: 80, spo2: 98 },
    ]);
    clock.set(sec(5602));
    await t.server.alarms.tick();
    const [ended] = await alertsOf(`chairId=${chairId}`);
    expect(ended).toMatchObject({ id: due?.id, state: 'cleared' });
  });
});

describe('alarm rules', () => {
  it('a session override changes what alarms from the next sample on, and is audited', async () => {
    clock.set(sec(6000));
    const { chairId, session } = await chairWithSession('Rules');
    await ingest(chairId, [{ at: iso(sec(6000)), source: 'manual', hr: 110 }]);
    expect(await alertsOf(`chairId=${chairId}`)).toEqual([]);

    const forbidden = await call(url, 'PUT', `/sessions/${session.id}/alarm-rules`, {
      token: tokens.trainer,
      body: {},
    });
    expect(forbidden.status).toBe(403);
    const incoherent = await call<{ error: { issues: { path: string }[] } }>(
      url,
      'PUT',
      `/sessions/${session.id}/alarm-rules`,
      { token: tokens.nurse, body: { limits: { hr: { high: { medium: 150 } } } } },
    );
    expect(incoherent.status).toBe(400);
    expect(incoherent.body.error.issues.map((i) => i.path)).toContain('limits.hr.high.medium');
    const unknownField = await call<{ error: { issues: { path: string }[] } }>(
      url,
      'PUT',
      `/sessions/${session.id}/alarm-rules`,
      { token: tokens.nurse, body: { limits: { pulse: {} } } },
    );
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues.map((i) => i.path)).toContain('limits.pulse');

    const put = await call<{ rules: typeof DEFAULT_ALARM_RULES; version: number }>(
      url,
      'PUT',
      `/sessions/${session.id}/alarm-rules`,
      { token: tokens.nurse, body: { limits: { hr: { high: { medium: 100 } } } } },
    );
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    expect(put.body.rules.limits.hr.high?.medium).toBe(100);
    const got = await call<{ override: unknown; updatedBy: string }>(
      url,
      'GET',
      `/sessions/${session.id}/alarm-rules`,
      { token: tokens.trainer },
    );
    expect(got.body).toMatchObject({
      override: { limits: { hr: { high: { medium: 100 } } } },
      updatedBy: 'nurse1',
    });

    await ingest(chairId, [{ at: iso(sec(6001)), source: 'manual', hr: 110 }]);
    const [hr] = await alertsOf(`chairId=${chairId}`);
    expect(hr).toMatchObject({ priority: 'medium', message: 'HR 110 > 100', limit: 100 });

    const audit = await listAudit(t.server.db, 20);
    const entry = audit.find((a) => a.action === 'alarm-rules.session.updated');
    expect(entry).toMatchObject({
      who: 'nurse1',
      at: iso(sec(6000)),
      detail: {
        sessionId: session.id,
        old: null,
        new: { limits: { hr: { high: { medium: 100 } } } },
      },
    });
  });

  it('the clinic rule set: any role reads, charge/admin write, validated with paths, audited with old and new', async () => {
    clock.set(sec(7000));
    const read = await call<{ rules: unknown; version: number }>(url, 'GET', '/alarm-rules', {
      token: tokens.trainer,
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ rules: DEFAULT_ALARM_RULES, version: 0 });

    const nurse = await call(url, 'PUT', '/alarm-rules', {
      token: tokens.nurse,
      body: DEFAULT_ALARM_RULES,
    });
    expect(nurse.status).toBe(403);
    const bad = await call<{ error: { issues: { path: string }[] } }>(url, 'PUT', '/alarm-rules', {
      token: tokens.charge,
      body: { ...DEFAULT_ALARM_RULES, conditionDelayMs: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i) => i.path)).toContain('conditionDelayMs');

    const { chairId } = await chairWithSession('Clinic');
    const lowered = structuredClone(DEFAULT_ALARM_RULES);
    lowered.limits.rr.high = { medium: 24, high: null, inclusive: false, noDelay: null };
    const put = await call<{ version: number; updatedBy: string }>(url, 'PUT', '/alarm-rules', {
      token: tokens.charge,
      body: lowered,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, updatedBy: 'charge1' });
    await ingest(chairId, [{ at: iso(sec(7000)), source: 'manual', rr: 26 }]);
    expect((await alertsOf(`chairId=${chairId}`))[0]).toMatchObject({ message: 'RR 26 > 24' });

    const entry = (await listAudit(t.server.db, 20)).find(
      (a) => a.action === 'alarm-rules.clinic.updated',
    );
    expect(entry).toMatchObject({
      who: 'charge1',
      detail: {
        version: 1,
        old: { limits: { rr: { high: { medium: 30 } } } },
        new: { limits: { rr: { high: { medium: 24 } } } },
      },
    });
    const restored = await call(url, 'PUT', '/alarm-rules', {
      token: tokens.admin,
      body: DEFAULT_ALARM_RULES,
    });
    expect(restored.status).toBe(200);
  });
});

describe('audio pause', () => {
  it('is shared, lasts 2 minutes, and a worse new alarm ends it for everyone', async () => {
    clock.set(sec(8000));
    const { chairId } = await chairWithSession('Pause');
    await ingest(chairId, [{ at: iso(sec(8000)), source: 'manual', hr: 125 }]); // medium
    const other = await watcher('charge', [chairId]);
    const began = nextEvent(other, 'audio-pause');

    const trainer = await call(url, 'POST', `/chairs/${chairId}/audio-pause`, {
      token: tokens.trainer,
    });
    expect(trainer.status).toBe(403);
    const res = await call<{ pause: unknown }>(url, 'POST', `/chairs/${chairId}/audio-pause`, {
      token: tokens.nurse,
    });
    expect(res.status).toBe(201);
    const pause = { chairId, by: 'nurse1', from: iso(sec(8000)), until: iso(sec(8120)) };
    expect(res.body).toEqual({ pause });
    expect(await began).toEqual({ pause });
    const current = await call(url, 'GET', `/chairs/${chairId}/audio-pause`, {
      token: tokens.trainer,
    });
    expect(current.body).toEqual({ pause });
    expect(
      (await call(url, 'GET', '/chairs/nope/audio-pause', { token: tokens.nurse })).status,
    ).toBe(404);

    // Another medium alarm does not break through; a high one does.
    const events: AudioPauseMessage[] = collect(other, 'audio-pause');
    clock.set(sec(8010));
    await ingest(chairId, [{ at: iso(sec(8010)), source: 'manual', rr: 32 }]);
    expect(events).toEqual([]);
    const ended = nextEvent(other, 'audio-pause');
    await ingest(chairId, [{ at: iso(sec(8011)), source: 'manual', spo2: 84 }]);
    expect(await ended).toEqual({ pause: null, chairId, reason: 'higher-priority-alarm' });
    const after = await call(url, 'GET', `/chairs/${chairId}/audio-pause`, {
      token: tokens.nurse,
    });
    expect(after.body).toEqual({ pause: null });
  });

  it('runs out after 2 minutes', async () => {
    clock.set(sec(9000));
    const { chairId } = await chairWithSession('Pause2');
    const nurse = await watcher('nurse', [chairId]);
    await call(url, 'POST', `/chairs/${chairId}/audio-pause`, { token: tokens.charge });
    const ended = nextEvent(nurse, 'audio-pause', (m) => m.pause === null);
    clock.set(sec(9119));
    expect(
      (await call(url, 'GET', `/chairs/${chairId}/audio-pause`, { token: tokens.nurse })).body,
    ).toMatchObject({ pause: { by: 'charge1' } });
    clock.set(sec(9120));
    expect(
      (await call(url, 'GET', `/chairs/${chairId}/audio-pause`, { token: tokens.nurse })).body,
    ).toEqual({ pause: null });
    // Announced too, so every viewer's sound comes back together.
    expect(await ended).toEqual({ pause: null, chairId, reason: 'expired' });
  });
});

describe('OpenAPI', () => {
  it('documents the alarm routes and shapes', async () => {
    const res = await call<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>(url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/alerts',
        '/alerts/{alertId}',
        '/alerts/{alertId}/acknowledge',
        '/alarm-rules',
        '/sessions/{sessionId}/alarm-rules',
        '/chairs/{chairId}/audio-pause',
      ]),
    );
    expect(Object.keys(res.body.paths['/alarm-rules'] ?? {})).toEqual(['get', 'put']);
    expect(JSON.stringify(res.body.components.schemas['AlertRecord'])).toContain(
      'timeToAcknowledgeMs',
    );
    expect(JSON.stringify(res.body.components.schemas['AlarmRuleSet'])).toContain(
      'conditionDelayMs',
    );
  });
});

describe('discharge', () => {
  it("ends the session's medium alarms at once; a latched high one waits for its acknowledgment", async () => {
    clock.set(sec(10_000));
    const { chairId, session } = await chairWithSession('Discharge');
    await ingest(chairId, [{ at: iso(sec(10_000)), source: 'manual', hr: 125, spo2: 84 }]);
    const open = await alertsOf(`chairId=${chairId}`);
    expect(open.map((a) => [a.parameter, a.priority, a.state]).sort()).toEqual([
      ['hr', 'medium', 'active'],
      ['spo2', 'high', 'active'],
    ]);
    for (const type of ['infusion-started', 'infusion-stopped', 'discharged'])
      expect(
        (
          await call(url, 'POST', `/sessions/${session.id}/events`, {
            token: tokens.nurse,
            body: { type },
          })
        ).status,
      ).toBe(200);
    await t.server.alarms.idle();
    await t.server.alarms.tick();
    const after = await alertsOf(`chairId=${chairId}`);
    expect(after.map((a) => [a.parameter, a.state, a.clearedAt]).sort()).toEqual([
      // Ended at the discharge (server time); the high one is still active until acknowledged.
      ['hr', 'cleared', iso(sec(10_000))],
      ['spo2', 'active', iso(sec(10_000))],
    ]);
  });
});
