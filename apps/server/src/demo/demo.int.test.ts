import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chair, SimulatorRun, StoredSample } from '@chairside/core';
import { call, loginAs, startTestServer } from '../testing/harness';
import type { TestServer } from '../testing/harness';
import { DEMO_PASSWORD, DEMO_ROLES, seedDemoClinic } from './seed';
import { DEMO_RUN_PLANS, startDemoSimulation } from './simulation';
import type { DemoSimulation } from './simulation';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ adminPassword: DEMO_PASSWORD });
});
afterAll(async () => {
  await t.stop();
});

async function chairs(token: string): Promise<Chair[]> {
  return (await call<{ chairs: Chair[] }>(t.url, 'GET', '/chairs', { token })).body.chairs;
}

describe('demo clinic', () => {
  it('seeds accounts and 6 chairs, each with a session waiting for its infusion; seeding again adds nothing', async () => {
    const first = await seedDemoClinic(t.server.context);
    expect(first.createdUsers).toEqual(['nurse', 'charge', 'trainer']); // admin existed
    expect(first.createdChairs).toHaveLength(6);
    const again = await seedDemoClinic(t.server.context);
    expect(again).toEqual({ createdUsers: [], createdChairs: [], openedSessions: [] });

    for (const role of DEMO_ROLES)
      await expect(loginAs(t.url, role, DEMO_PASSWORD)).resolves.toEqual(expect.any(String));
    const list = await chairs(await loginAs(t.url, 'nurse', DEMO_PASSWORD));
    expect(list.map((c) => c.label)).toEqual([
      'Chair 1',
      'Chair 2',
      'Chair 3',
      'Chair 4',
      'Chair 5',
      'Chair 6',
    ]);
    expect(
      list.every(
        (c) => c.session?.state === 'pre-infusion' && /^KET-\d{4}$/.test(c.session.patientRef),
      ),
    ).toBe(true);
  });

  it('runs the training simulator on every demo chair in different phases, sessions following the pump', async () => {
    const demo: DemoSimulation = await startDemoSimulation({
      ctx: t.server.context,
      host: t.server.simulator,
      logger: t.server.logger,
    });
    const token = await loginAs(t.url, 'charge', DEMO_PASSWORD);
    try {
      expect(demo.runs.size).toBe(6);
      const { runs } = (
        await call<{ runs: SimulatorRun[] }>(t.url, 'GET', '/simulator/runs?state=running', {
          token,
        })
      ).body;
      expect(runs.map((r) => r.scenario).sort()).toEqual(
        [
          'desaturation-hypoventilation',
          'hypertensive-surge',
          'typical-response',
          'typical-response',
          'typical-response',
          'typical-response',
        ].sort(),
      );
      expect(runs.every((r) => r.startedBy === 'trainer')).toBe(true);

      // The chairs whose runs are past model minute 5 get their pump started through the
      // session domain, with a baseline from the simulated pre-infusion readings.
      const pastStart = DEMO_RUN_PLANS.filter((p) => p.backfillModelMinutes > 5).map(
        (p) => p.label,
      );
      const deadline = Date.now() + 20_000;
      let list = await chairs(token);
      while (Date.now() < deadline) {
        list = await chairs(token);
        const moved = list.filter((c) => pastStart.includes(c.label));
        if (moved.every((c) => c.session?.state !== 'pre-infusion')) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      for (const chair of list) {
        const plan = DEMO_RUN_PLANS.find((p) => p.label === chair.label);
        if (plan === undefined) throw new Error(`no plan for ${chair.label}`);
        if (plan.backfillModelMinutes <= 5) {
          expect(chair.session?.state).toBe('pre-infusion');
          continue;
        }
        // Chair 6 is 47 model minutes in: the pump already stopped at 45.
        expect(chair.session?.state).toBe(plan.backfillModelMinutes > 45 ? 'recovery' : 'infusing');
        expect(chair.session?.events[0]).toMatchObject({
          type: 'infusion-started',
          by: 'simulator:trainer',
        });
        expect(chair.session?.baseline).not.toBeNull();
      }

      // Every chair has model readings, stored as simulator readings of its open session.
      for (const chair of list) {
        const { samples } = (
          await call<{ samples: StoredSample[] }>(t.url, 'GET', `/chairs/${chair.id}/vitals`, {
            token,
          })
        ).body;
        expect(samples.length).toBeGreaterThan(0);
        expect(samples.every((s) => s.source === 'simulator')).toBe(true);
        expect(samples.at(-1)?.sessionId).toBe(chair.session?.id);
      }
      // Chair 1, 12 minutes into its infusion at 1x: more than 16 minutes of 1 Hz readings.
      const chair1 = list.find((c) => c.label === 'Chair 1');
      const chair1Samples = (
        await call<{ samples: StoredSample[] }>(
          t.url,
          'GET',
          `/chairs/${chair1?.id ?? ''}/vitals?limit=5000`,
          { token },
        )
      ).body.samples;
      expect(chair1Samples.length).toBeGreaterThan(16 * 60);
    } finally {
      await demo.stop();
    }
    const { runs } = (
      await call<{ runs: SimulatorRun[] }>(t.url, 'GET', '/simulator/runs?state=stopped', { token })
    ).body;
    expect(runs).toHaveLength(6);
  }, 60_000);

  it('sits the next patient down when a run finishes by itself', async () => {
    const token = await loginAs(t.url, 'charge', DEMO_PASSWORD);
    // A run started 10 model seconds before its end finishes within a second at 20x.
    const demo = await startDemoSimulation({
      ctx: t.server.context,
      host: t.server.simulator,
      logger: t.server.logger,
      plans: [{ label: 'Chair 2', scenario: 'vasovagal', speed: 20, backfillModelMinutes: 74.8 }],
      recycleEveryMs: 100,
    });
    try {
      const first = demo.runs.get('Chair 2');
      expect(first).toEqual(expect.any(String));
      const deadline = Date.now() + 15_000;
      while (demo.runs.get('Chair 2') === first && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const next = demo.runs.get('Chair 2');
      expect(next).not.toBe(first);
      const runs = (
        await call<{ runs: SimulatorRun[] }>(t.url, 'GET', '/simulator/runs', { token })
      ).body.runs;
      expect(runs.find((r) => r.id === first)).toMatchObject({ state: 'finished', endedBy: null });
      // The next patient starts from the beginning, in real time, on a fresh session.
      expect(runs.find((r) => r.id === next)).toMatchObject({
        state: 'running',
        scenario: 'vasovagal',
        speed: 1,
      });
      const chair2 = (await chairs(token)).find((c) => c.label === 'Chair 2');
      expect(chair2?.session).toMatchObject({ state: 'pre-infusion', patientRef: 'KET-1042' });
    } finally {
      await demo.stop();
    }
  }, 60_000);

  it('on the next demo start gives each chair a new patient and a new run', async () => {
    const token = await loginAs(t.url, 'charge', DEMO_PASSWORD);
    const before = await chairs(token);
    const demo = await startDemoSimulation({
      ctx: t.server.context,
      host: t.server.simulator,
      logger: t.server.logger,
    });
    try {
      expect(demo.runs.size).toBe(6);
      const after = await chairs(token);
      for (const chair of after) {
        const old = before.find((c) => c.id === chair.id)?.session;
        // An infusing or recovering session was closed; one still before its pump is kept.
        if (old?.state === 'pre-infusion') expect(chair.session?.id).toBe(old.id);
        else expect(chair.session?.id).not.toBe(old?.id);
      }
      const { runs } = (
        await call<{ runs: SimulatorRun[] }>(t.url, 'GET', '/simulator/runs?state=running', {
          token,
        })
      ).body;
      expect(runs).toHaveLength(6);
    } finally {
      await demo.stop();
    }
  }, 60_000);
});
