import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  AlertRecord,
  Role,
  SimulatorDebrief,
  SimulatorRun,
  SimulatorRunEvent,
  StoredSample,
} from '@chairside/core';
import {
  askSubscribe,
  call,
  connectSocket,
  createChair,
  nextEvent,
  startTestServer,
  tokensForAllRoles,
} from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';
import { defaultPhysioNetDir } from './players';
import { simulatorDb } from './store';

/**
 * The simulator routes over HTTP against the real server: the runs' readings must arrive on the
 * chair through the public socket ingest (stored as source "simulator", broadcast like a
 * device's), the SpO2 alarm they cause must show up in the debrief with the nurse's time to
 * acknowledge, and the run record must survive a restart.
 */

let t: TestServer;
let tokens: Record<Role, string>;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  tokens = await tokensForAllRoles(t.url);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await t.stop();
});

async function watch(chairId: string): Promise<TestSocket> {
  const socket = await connectSocket(t.url, tokens.nurse);
  sockets.push(socket);
  expect(await askSubscribe(socket, { chairIds: [chairId] })).toMatchObject({ ok: true });
  return socket;
}

async function startRun(chairId: string, scenario: string, speed: number): Promise<SimulatorRun> {
  const res = await call<{ run: SimulatorRun }>(t.url, 'POST', '/simulator/runs', {
    token: tokens.trainer,
    body: { chairId, scenario, speed, seed: 7 },
  });
  expect(res.status).toBe(201);
  return res.body.run;
}

async function storedOn(chairId: string): Promise<StoredSample[]> {
  const res = await call<{ samples: StoredSample[] }>(
    t.url,
    'GET',
    `/chairs/${chairId}/vitals?limit=20000`,
    { token: tokens.charge },
  );
  return res.body.samples;
}

interface ErrorBody {
  error: { code: string; issues?: { path: string }[] };
}

describe('simulator routes: roles and validation', () => {
  it('lists the scenarios for every role, with id, title and description', async () => {
    for (const role of ['nurse', 'charge', 'trainer', 'admin'] as const) {
      const res = await call<{ scenarios: { id: string; title: string; description: string }[] }>(
        t.url,
        'GET',
        '/simulator/scenarios',
        { token: tokens[role] },
      );
      expect(res.status).toBe(200);
      expect(res.body.scenarios.map((s) => s.id)).toEqual(
        expect.arrayContaining([
          'typical-response',
          'hypertensive-surge',
          'desaturation-hypoventilation',
        ]),
      );
      expect(res.body.scenarios.every((s) => s.title.length > 0 && s.description.length > 20)).toBe(
        true,
      );
    }
    expect((await call(t.url, 'GET', '/simulator/scenarios')).status).toBe(401);
  });

  it('lets only trainer and admin start runs, and names the field at fault', async () => {
    const chairId = await createChair(t.url, tokens.admin, 'Sim roles');
    for (const role of ['nurse', 'charge'] as const) {
      const res = await call<ErrorBody>(t.url, 'POST', '/simulator/runs', {
        token: tokens[role],
        body: { chairId, scenario: 'typical-response' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const bad = async (body: unknown): Promise<string[]> => {
      const res = await call<ErrorBody>(t.url, 'POST', '/simulator/runs', {
        token: tokens.trainer,
        body,
      });
      expect(res.status).toBe(400);
      return (res.body.error.issues ?? []).map((i) => i.path);
    };
    expect(await bad({ scenario: 'typical-response' })).toEqual(['chairId']);
    expect(await bad({ chairId, scenario: 'typical-response', speed: 25 })).toEqual(['speed']);
    expect(await bad({ chairId, scenario: 'typical-response', speed: 0.5 })).toEqual(['speed']);
    expect(await bad({ chairId, scenario: 'no-such-scenario' })).toEqual(['scenario']);
    expect(await bad({ chairId, scenario: 'physionet:../../etc/passwd' })).toEqual(['scenario']);
    expect(await bad({ chairId, scenario: 'typical-response', colour: 'red' })).toEqual(['colour']);

    const unknownChair = await call<ErrorBody>(t.url, 'POST', '/simulator/runs', {
      token: tokens.trainer,
      body: { chairId: 'no-such-chair', scenario: 'typical-response' },
    });
    expect(unknownChair.status).toBe(404);
    expect(
      (await call(t.url, 'GET', '/simulator/runs/no-such-run', { token: tokens.nurse })).status,
    ).toBe(404);
    expect(
      (await call(t.url, 'DELETE', '/simulator/runs/no-such-run', { token: tokens.trainer }))
        .status,
    ).toBe(404);
    expect(
      (await call(t.url, 'GET', '/simulator/runs/no-such-run/debrief', { token: tokens.charge }))
        .status,
    ).toBe(404);
    const badState = await call<ErrorBody>(t.url, 'GET', '/simulator/runs?state=paused', {
      token: tokens.nurse,
    });
    expect(badState.status).toBe(400);
    expect(badState.body.error.issues?.map((i) => i.path)).toEqual(['state']);
  });
});

describe('a PhysioNet replay', () => {
  const physioNetDir = defaultPhysioNetDir();
  it.skipIf(!existsSync(physioNetDir))(
    'plays a real ICU stay onto a chair through the public path and takes no live events',
    async () => {
      const scenarios = await call<{ scenarios: { id: string }[] }>(
        t.url,
        'GET',
        '/simulator/scenarios',
        {
          token: tokens.trainer,
        },
      );
      // Every one of the 200 records can be chosen, not only a sample of them.
      expect(scenarios.body.scenarios.filter((s) => s.id.startsWith('physionet:'))).toHaveLength(
        200,
      );
      const replay = scenarios.body.scenarios.find((s) => s.id.startsWith('physionet:'));
      expect(replay).toBeDefined();
      const chairId = await createChair(t.url, tokens.admin, 'Sim ICU replay');
      const socket = await watch(chairId);
      const arrived = nextEvent(socket, 'vitals', (m) => m.chairId === chairId, 10_000);
      const run = await startRun(chairId, replay?.id ?? '', 20);
      expect(run.scenarioTitle).toMatch(/^PhysioNet ICU stay \d+$/);
      const { samples } = await arrived;
      expect(samples[0]).toMatchObject({ source: 'simulator', chairId });
      const refused = await call<ErrorBody>(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
        token: tokens.trainer,
        body: { type: 'cuff-now' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.issues?.map((i) => i.path)).toEqual(['type']);
      const stopped = await call<{ run: SimulatorRun }>(
        t.url,
        'DELETE',
        `/simulator/runs/${run.id}`,
        {
          token: tokens.trainer,
        },
      );
      expect(stopped.body.run.state).toBe('stopped');
      expect(stopped.body.run.events).toEqual([]);
    },
  );
});

describe('a simulator run', () => {
  it('feeds its chair through the public path as source "simulator", refuses a second run (409), injects live events and stops', async () => {
    const chairId = await createChair(t.url, tokens.admin, 'Sim chair A');
    const socket = await watch(chairId);
    const firstVitals = nextEvent(socket, 'vitals', (m) => m.chairId === chairId, 5000);
    const run = await startRun(chairId, 'typical-response', 5);
    expect(run).toMatchObject({
      chairId,
      scenario: 'typical-response',
      scenarioTitle: 'Typical ketamine response',
      speed: 5,
      seed: 7,
      state: 'running',
      startedBy: 'trainer1',
      endedAt: null,
      events: [],
    });

    // The nurse's socket gets the readings as a device's would be broadcast.
    const broadcast = await firstVitals;
    expect(broadcast.samples[0]).toMatchObject({ source: 'simulator', chairId });
    expect(broadcast.samples[0]?.id).toMatch(new RegExp(`^${run.id}:\\d+$`));
    expect(broadcast.samples[0]?.hr).toEqual(expect.any(Number));

    const second = await call<ErrorBody>(t.url, 'POST', '/simulator/runs', {
      token: tokens.admin,
      body: { chairId, scenario: 'vasovagal' },
    });
    expect(second.status).toBe(409);

    const running = await call<{ runs: SimulatorRun[] }>(
      t.url,
      'GET',
      '/simulator/runs?state=running',
      {
        token: tokens.charge,
      },
    );
    expect(running.body.runs.map((r) => r.id)).toContain(run.id);

    // Live events: validated field by field, trainer and admin only.
    const badEvent = await call<ErrorBody>(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
      token: tokens.trainer,
      body: { type: 'desaturate', overSeconds: 60 },
    });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.error.issues?.map((i) => i.path)).toEqual(['toSpo2']);
    const badType = await call<ErrorBody>(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
      token: tokens.trainer,
      body: { type: 'explode' },
    });
    expect(badType.body.error.issues?.map((i) => i.path)).toEqual(['type']);
    const byNurse = await call(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
      token: tokens.nurse,
      body: { type: 'cuff-now' },
    });
    expect(byNurse.status).toBe(403);
    const cuff = await call<{ event: SimulatorRunEvent }>(
      t.url,
      'POST',
      `/simulator/runs/${run.id}/events`,
      {
        token: tokens.admin,
        body: { type: 'cuff-now' },
      },
    );
    expect(cuff.status).toBe(201);
    expect(cuff.body.event).toMatchObject({
      type: 'cuff-now',
      by: 'admin',
      event: { type: 'cuff-now' },
    });

    expect(
      (await call(t.url, 'DELETE', `/simulator/runs/${run.id}`, { token: tokens.nurse })).status,
    ).toBe(403);
    const stopped = await call<{ run: SimulatorRun }>(
      t.url,
      'DELETE',
      `/simulator/runs/${run.id}`,
      {
        token: tokens.trainer,
      },
    );
    expect(stopped.status).toBe(200);
    expect(stopped.body.run).toMatchObject({ state: 'stopped', endedBy: 'trainer1' });
    expect(stopped.body.run.endedAt).not.toBeNull();
    expect(stopped.body.run.samplesSent).toBeGreaterThan(0);
    expect(stopped.body.run.samplesStored).toBe(stopped.body.run.samplesSent);
    expect(stopped.body.run.events.map((e) => e.type)).toEqual(['cuff-now']);

    // Everything sent was stored once, as simulator readings; nothing more arrives after the stop.
    const stored = await storedOn(chairId);
    expect(stored.length).toBe(stopped.body.run.samplesSent);
    expect(stored.every((s) => s.source === 'simulator' && s.id.startsWith(`${run.id}:`))).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await storedOn(chairId)).length).toBe(stored.length);

    const late = await call<ErrorBody>(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
      token: tokens.trainer,
      body: { type: 'cuff-now' },
    });
    expect(late.status).toBe(409);
    // The chair is free again.
    const again = await startRun(chairId, 'vasovagal', 1);
    await call(t.url, 'DELETE', `/simulator/runs/${again.id}`, { token: tokens.trainer });
  });

  it('at speed 20 an injected desaturation raises an SpO2 alarm that the debrief shows with the nurse and her time to acknowledge', async () => {
    const chairId = await createChair(t.url, tokens.admin, 'Sim chair B');
    const socket = await watch(chairId);
    const run = await startRun(chairId, 'desaturation-hypoventilation', 20);
    await nextEvent(socket, 'vitals', (m) => m.chairId === chairId, 5000);

    const spo2Alarm = nextEvent(
      socket,
      'alert',
      (m) =>
        m.alert.chairId === chairId &&
        m.alert.parameter === 'spo2' &&
        m.alert.acknowledgedAt === null,
      20_000,
    );
    const injected = await call<{ event: SimulatorRunEvent }>(
      t.url,
      'POST',
      `/simulator/runs/${run.id}/events`,
      {
        token: tokens.trainer,
        body: { type: 'desaturate', toSpo2: 80, overSeconds: 20, holdSeconds: 600 },
      },
    );
    expect(injected.status).toBe(201);
    const { alert } = await spo2Alarm;
    expect(alert.kind).toBe('physiological');

    // The nurse notices after a moment and acknowledges.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const ack = await call(t.url, 'POST', `/alerts/${alert.id}/acknowledge`, {
      token: tokens.nurse,
    });
    expect(ack.status).toBe(200);

    const during = await call<SimulatorDebrief>(t.url, 'GET', `/simulator/runs/${run.id}/debrief`, {
      token: tokens.charge,
    });
    expect(during.status).toBe(200);
    await call(t.url, 'DELETE', `/simulator/runs/${run.id}`, { token: tokens.trainer });

    const debrief = (
      await call<SimulatorDebrief>(t.url, 'GET', `/simulator/runs/${run.id}/debrief`, {
        token: tokens.nurse,
      })
    ).body;
    const row = debrief.alarms.find((a) => a.alertId === alert.id);
    expect(row).toMatchObject({
      parameter: 'spo2',
      raisedAt: alert.raisedAt,
      acknowledgedBy: 'nurse1',
    });
    // The same figure as the alert history's.
    const history = await call<{ alerts: AlertRecord[] }>(
      t.url,
      'GET',
      `/alerts?chairId=${chairId}`,
      {
        token: tokens.charge,
      },
    );
    const record = history.body.alerts.find((a) => a.id === alert.id);
    expect(row?.timeToAcknowledgeMs).toBe(record?.timeToAcknowledgeMs);
    expect(row?.timeToAcknowledgeMs).toBeGreaterThanOrEqual(600);
    expect(row?.timeToAcknowledgeMs).toBeLessThan(10_000);
    expect(debrief.summary.count).toBe(debrief.alarms.length);
    expect(debrief.summary.acknowledged).toBeGreaterThanOrEqual(1);
    expect(debrief.summary.neverAcknowledged).toBe(
      debrief.alarms.filter((a) => a.acknowledgedAt === null).length,
    );
    expect(debrief.summary.medianTimeToAcknowledgeMs).not.toBeNull();
    expect(debrief.run.events).toEqual([
      expect.objectContaining({
        type: 'desaturate',
        by: 'trainer1',
        event: { type: 'desaturate', toSpo2: 80, overSeconds: 20, holdSeconds: 600 },
      }),
    ]);
    // The readings really went low: the alarm is the patient's, not a made-up row.
    const low = (await storedOn(chairId)).filter((s) => s.spo2 !== undefined && s.spo2 < 85);
    expect(low.length).toBeGreaterThan(0);
  }, 40_000);

  it('keeps the run record and its events across a restart; a run cut off by shutdown is recorded as stopped', async () => {
    const { dataDir } = t;
    const chairId = await createChair(t.url, tokens.admin, 'Sim chair C');
    const run = await startRun(chairId, 'vasovagal', 2);
    await call(t.url, 'POST', `/simulator/runs/${run.id}/events`, {
      token: tokens.trainer,
      body: { type: 'probe-off', sensor: 'spo2', seconds: 30 },
    });
    await t.stop({ keepData: true });

    t = await startTestServer({ dataDir });
    tokens = await tokensForAllRoles(t.url);
    const after = await call<{ run: SimulatorRun }>(t.url, 'GET', `/simulator/runs/${run.id}`, {
      token: tokens.charge,
    });
    expect(after.status).toBe(200);
    expect(after.body.run).toMatchObject({
      id: run.id,
      chairId,
      scenario: 'vasovagal',
      speed: 2,
      seed: 7,
      startedBy: 'trainer1',
      state: 'stopped',
      endedBy: null,
    });
    expect(after.body.run.events).toEqual([
      expect.objectContaining({
        type: 'probe-off',
        by: 'trainer1',
        event: { type: 'probe-off', sensor: 'spo2', seconds: 30 },
      }),
    ]);
    // The chair is free after the restart.
    const fresh = await startRun(chairId, 'typical-response', 1);
    await call(t.url, 'DELETE', `/simulator/runs/${fresh.id}`, { token: tokens.trainer });
  });

  it('marks a run the store still calls running after a crash as stopped at the next start', async () => {
    const { dataDir } = t;
    const chairId = await createChair(t.url, tokens.admin, 'Sim chair D');
    const run = await startRun(chairId, 'typical-response', 1);
    await t.stop({ keepData: true });
    // A crash never records the end: put the row back the way a killed process leaves it.
    const crashed = await startTestServer({ dataDir });
    await simulatorDb(crashed.server.db)
      .updateTable('simulator_runs')
      .set({ state: 'running', ended_at: null })
      .where('id', '=', run.id)
      .execute();
    await crashed.stop({ keepData: true });

    t = await startTestServer({ dataDir });
    tokens = await tokensForAllRoles(t.url);
    const after = await call<{ run: SimulatorRun }>(t.url, 'GET', `/simulator/runs/${run.id}`, {
      token: tokens.nurse,
    });
    expect(after.body.run.state).toBe('stopped');
    expect(after.body.run.endedAt).not.toBeNull();
    const running = await call<{ runs: SimulatorRun[] }>(
      t.url,
      'GET',
      `/simulator/runs?state=running`,
      {
        token: tokens.nurse,
      },
    );
    expect(running.body.runs).toEqual([]);
  });
});
