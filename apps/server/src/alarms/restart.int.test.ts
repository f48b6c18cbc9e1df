import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, AlertRecord, Role, Session } from '@chairside/core';
import { testClock } from '../testing/context';
import {
  askSubscribe,
  call,
  collect,
  connectSocket,
  createChair,
  makeDataDir,
  startTestServer,
  tokensForAllRoles,
} from '../testing/harness';
import type { TestServer } from '../testing/harness';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const clock = testClock(T0);
const iso = (ms: number): string => new Date(ms).toISOString();
const sec = (s: number): number => T0 + s * 1000;
const dataDir = makeDataDir();
let t: TestServer | null = null;

afterAll(async () => {
  await t?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function hrFeed(
  url: string,
  token: string,
  chairId: string,
  from: number,
  to: number,
  hr: number,
): Promise<void> {
  for (let s = from; s < to; s += 5) {
    clock.set(sec(s + 5));
    const samples = [];
    for (let k = s; k < s + 5; k++)
      samples.push({ id: `hr-${k}`, at: iso(sec(k)), source: 'device', hr, spo2: 97 });
    const res = await call(url, 'POST', `/chairs/${chairId}/vitals`, { token, body: samples });
    expect(res.status).toBe(201);
  }
}

async function alertsOf(url: string, token: string, chairId: string): Promise<AlertRecord[]> {
  const res = await call<{ alerts: AlertRecord[] }>(url, 'GET', `/alerts?chairId=${chairId}`, {
    token,
  });
  expect(res.status).toBe(200);
  return res.body.alerts;
}

describe('restart with an ongoing condition', () => {
  it('raises no duplicate: the active alert stays active, continues, and can be acknowledged', async () => {
    t = await startTestServer({ dataDir, clock, alarmTickMs: 20 });
    let tokens: Record<Role, string> = await tokensForAllRoles(t.url);
    const chairId = await createChair(t.url, tokens.admin, 'Restart');
    const opened = await call<{ session: Session }>(t.url, 'POST', `/chairs/${chairId}/sessions`, {
      token: tokens.nurse,
      body: { patientRef: 'KET-R', weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
    });
    expect(opened.status).toBe(201);

    // HR 150 from 0 s: high after 10 s of sample time; the condition still holds at 20 s.
    await hrFeed(t.url, tokens.nurse, chairId, 0, 20, 150);
    await t.server.alarms.idle();
    const before = await alertsOf(t.url, tokens.charge, chairId);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ message: 'HR 150 > 140', state: 'active', clearedAt: null });
    const id = before[0]?.id ?? '';

    await t.stop({ keepData: true });
    t = null;

    clock.set(sec(25));
    t = await startTestServer({ dataDir, clock, alarmTickMs: 20 });
    tokens = await tokensForAllRoles(t.url);
    const watcher = await connectSocket(t.url, tokens.nurse);
    expect(await askSubscribe(watcher, { chairIds: [chairId] })).toMatchObject({ ok: true });
    const seen = collect(watcher, 'alert');

    const after = await alertsOf(t.url, tokens.charge, chairId);
    expect(after.map((a) => [a.id, a.state, a.clearedAt])).toEqual([[id, 'active', null]]);

    // The condition goes on after the restart: still the same one alert.
    await hrFeed(t.url, tokens.nurse, chairId, 25, 40, 150);
    await t.server.alarms.tick();
    expect((await alertsOf(t.url, tokens.charge, chairId)).map((a) => a.id)).toEqual([id]);

    const ack = await call<{ alert: Alert }>(t.url, 'POST', `/alerts/${id}/acknowledge`, {
      token: tokens.nurse,
    });
    expect(ack.status).toBe(200);
    expect(ack.body.alert).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: 'nurse1' });
    await t.server.alarms.idle();
    // The relay sends at the end of the server's turn: the message may trail the HTTP answer.
    await expect
      .poll(() => seen.map(({ alert }) => [alert.id, alert.state]))
      .toContainEqual([id, 'acknowledged']);
    expect(seen.every(({ alert }) => alert.id === id)).toBe(true);

    // Recovery ends the acknowledged episode; the history still has exactly one HR alert.
    await hrFeed(t.url, tokens.nurse, chairId, 40, 45, 80);
    // The engine evaluates after the ack: wait for it before reading what it stored.
    await t.server.alarms.idle();
    const final = await alertsOf(t.url, tokens.charge, chairId);
    expect(final.map((a) => [a.id, a.state, a.clearedAt])).toEqual([[id, 'cleared', iso(sec(40))]]);
    watcher.close();
  });
});
