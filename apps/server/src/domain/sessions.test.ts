import { isUniqueViolation } from '../store/database';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chair, User } from '@chairside/core';
import type { AuthContext } from './auth';
import { createChair, listChairs } from './chairs';
import { applySessionEvent, BASELINE_LOOKBACK_MS, createSession } from './sessions';
import { ingestVitals } from './vitals';
import { createTestContext, testClock } from '../testing/context';
import type { TestClock } from '../testing/context';

const nurse: User = { username: 'nurse1', role: 'nurse' };
const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const plan = { patientRef: 'KET-1041', weightKg: 72, doseMgPerKg: 0.5, plannedMinutes: 40 };

let ctx: AuthContext;
let clock: TestClock;
let dispose: () => Promise<void>;
let chairId: string;

beforeEach(async () => {
  clock = testClock(T0);
  ({ ctx, dispose } = await createTestContext(clock));
  chairId = (await createChair(ctx, 'admin', { label: 'Chair 1' })).id;
});
afterEach(async () => {
  await dispose();
});

describe('sessions', () => {
  it('computes the baseline from the readings up to the start only', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await ingestVitals(ctx, nurse, chairId, [
      { at: T0 - 120_000, hr: 60, sbp: 110, dbp: 70, source: 'device' },
      { at: T0 - 60_000, hr: 70, sbp: 130, source: 'device' },
      { at: T0 - 30_000, hr: 65, spo2: 99, source: 'device' },
      // After the start: must not count.
      { at: T0 + 30_000, hr: 140, sbp: 200, dbp: 120, source: 'device' },
    ]);
    clock.set(T0 + 45_000);
    const started = await applySessionEvent(ctx, 'nurse1', session.id, {
      type: 'infusion-started',
      at: new Date(T0).toISOString(),
    });
    expect(started.baseline).toEqual({ hr: 65, sbp: 120, dbp: 70, spo2: 99, rr: null, samples: 3 });
    expect(started.events).toEqual([
      { type: 'infusion-started', at: '2026-11-21T09:00:00.000Z', by: 'nurse1' },
    ]);
  });

  it('leaves out of the baseline what was measured over an hour before the session was opened', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await ingestVitals(ctx, nurse, chairId, [
      // A device's backlog from the chair's previous patient.
      { at: T0 - BASELINE_LOOKBACK_MS - 1000, hr: 110, sbp: 180, source: 'device' },
      { at: T0 - BASELINE_LOOKBACK_MS, hr: 62, sbp: 118, source: 'device' },
      { at: T0 - 60_000, hr: 64, sbp: 122, source: 'device' },
    ]);
    clock.set(T0 + 45_000);
    const started = await applySessionEvent(ctx, 'nurse1', session.id, {
      type: 'infusion-started',
    });
    expect(started.baseline).toEqual({
      hr: 63,
      sbp: 120,
      dbp: null,
      spo2: null,
      rr: null,
      samples: 2,
    });
  });

  it('has no baseline when nothing was measured before the start', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    const started = await applySessionEvent(ctx, 'nurse1', session.id, {
      type: 'infusion-started',
    });
    expect(started.baseline).toBeNull();
    expect(started.events[0]?.at).toBe('2026-11-21T09:00:00.000Z');
  });

  it('names the current state and the allowed events for an impossible transition', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await expect(
      applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-paused' }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'invalid_transition',
      message:
        'cannot apply "infusion-paused" to a session that is pre-infusion; allowed now: infusion-started, discharged',
    });
    await applySessionEvent(ctx, 'nurse1', session.id, { type: 'discharged' });
    await expect(
      applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-started' }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('nothing (the session is closed)') as string,
    });
  });

  it('refuses event times in the future or before the previous event', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await expect(
      applySessionEvent(ctx, 'nurse1', session.id, {
        type: 'infusion-started',
        at: T0 + 10 * 60_000,
      }),
    ).rejects.toMatchObject({ status: 400, issues: [{ path: 'at' }] });
    await applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-started', at: T0 });
    await expect(
      applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-paused', at: T0 - 1 }),
    ).rejects.toMatchObject({
      status: 400,
      issues: [{ path: 'at' }],
    });
  });

  it('lets exactly one of twenty simultaneous session openings on a chair win; the rest get 409', async () => {
    const chair = (await createChair(ctx, 'admin', { label: 'Race chair' })).id;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => createSession(ctx, `nurse${i}`, chair, plan)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(r.reason).toMatchObject({ status: 409, code: 'session_already_open' });
    }
  });

  it('allows one open session per chair, also at the database level', async () => {
    await createSession(ctx, 'nurse1', chairId, plan);
    await expect(createSession(ctx, 'nurse1', chairId, plan)).rejects.toMatchObject({
      status: 409,
      code: 'session_already_open',
    });
    // Even a write that skips the domain check cannot open a second one.
    await expect(
      ctx.db
        .insertInto('sessions')
        .values({
          id: 'sneaky',
          chair_id: chairId,
          patient_ref: 'X',
          weight_kg: 70,
          dose_mg_per_kg: 0.5,
          planned_minutes: 40,
          state: 'pre-infusion',
          baseline: null,
          created_at: T0,
          created_by: 'x',
        })
        .execute(),
    ).rejects.toSatisfy(isUniqueViolation);
  });

  it('announces the chair with its session on every change, and frees the chair on discharge', async () => {
    const announced: Chair[] = [];
    ctx.events.chairChanged.add((chair) => announced.push(chair));
    await createChair(ctx, 'admin', { label: 'Chair 2' });
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await applySessionEvent(ctx, 'nurse1', session.id, { type: 'discharged' });
    expect(announced.map((c) => [c.label, c.session?.state ?? null])).toEqual([
      ['Chair 2', null],
      ['Chair 1', 'pre-infusion'],
      ['Chair 1', null],
    ]);
    expect((await listChairs(ctx)).map((c) => c.session)).toEqual([null, null]);
  });
});
