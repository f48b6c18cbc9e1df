import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Chair, StoredSample } from '@chairside/core';
import { call, loginAs, startTestServer } from '../testing/harness';
import type { TestServer } from '../testing/harness';
import { startDemoFeed } from './feed';
import { DEMO_PASSWORD, DEMO_ROLES, seedDemoClinic } from './seed';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ adminPassword: DEMO_PASSWORD });
});
afterAll(async () => {
  await t.stop();
});

describe('demo clinic', () => {
  it('seeds accounts, 6 chairs with open sessions, some infusing with a baseline; seeding again adds nothing', async () => {
    const first = await seedDemoClinic(t.server.context);
    expect(first.createdUsers).toEqual(['nurse', 'charge', 'trainer']); // admin existed
    expect(first.createdChairs).toHaveLength(6);
    const again = await seedDemoClinic(t.server.context);
    expect(again).toEqual({ createdUsers: [], createdChairs: [], openedSessions: [] });

    for (const role of DEMO_ROLES)
      await expect(loginAs(t.url, role, DEMO_PASSWORD)).resolves.toEqual(expect.any(String));
    const token = await loginAs(t.url, 'nurse', DEMO_PASSWORD);
    const { body } = await call<{ chairs: Chair[] }>(t.url, 'GET', '/chairs', { token });
    expect(body.chairs.map((c) => c.label)).toEqual([
      'Chair 1',
      'Chair 2',
      'Chair 3',
      'Chair 4',
      'Chair 5',
      'Chair 6',
    ]);
    expect(
      body.chairs.every((c) => c.session !== null && /^KET-\d{4}$/.test(c.session.patientRef)),
    ).toBe(true);
    const infusing = body.chairs.filter((c) => c.session?.state === 'infusing');
    expect(infusing.length).toBeGreaterThanOrEqual(2);
    expect(
      infusing.every(
        (c) => c.session?.baseline !== null && c.session?.events[0]?.type === 'infusion-started',
      ),
    ).toBe(true);
    expect(body.chairs.some((c) => c.session?.state === 'pre-infusion')).toBe(true);
  });

  it('feeds every demo chair through the public socket API', async () => {
    const feed = await startDemoFeed({
      url: t.url,
      username: 'trainer',
      password: DEMO_PASSWORD,
      logger: pino({ level: 'silent' }),
      intervalMs: 100,
    });
    const token = await loginAs(t.url, 'charge', DEMO_PASSWORD);
    const { body } = await call<{ chairs: Chair[] }>(t.url, 'GET', '/chairs', { token });
    const since = new Date().toISOString();
    const fresh = async (chairId: string): Promise<StoredSample[]> =>
      (
        await call<{ samples: StoredSample[] }>(
          t.url,
          'GET',
          `/chairs/${chairId}/vitals?from=${since}`,
          { token },
        )
      ).body.samples;
    try {
      const counts = new Map<string, number>();
      // Poll the API (not the feed) for what actually arrived.
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        for (const c of body.chairs) counts.set(c.id, (await fresh(c.id)).length);
        if (body.chairs.every((c) => (counts.get(c.id) ?? 0) > 0)) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(body.chairs.map((c) => counts.get(c.id) ?? 0).every((n) => n > 0)).toBe(true);
      const [sample] = await fresh(body.chairs[0]?.id ?? '');
      expect(sample).toMatchObject({
        source: 'simulator',
        sessionId: body.chairs[0]?.session?.id,
        enteredBy: null,
      });
      expect(sample?.hr).toEqual(expect.any(Number));
    } finally {
      await feed.stop();
    }
  });
});
