import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type { AlertChange, StoredSample } from '@chairside/core';
import type { AuthContext } from '../domain/auth';
import { createChair, getChair } from '../domain/chairs';
import { createSession } from '../domain/sessions';
import { createTestContext, testClock } from '../testing/context';
import type { TestClock } from '../testing/context';
import { waitFor } from '../testing/harness';
import { AlarmService } from './service';
import { queryAlerts } from './store';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const plan = { patientRef: 'KET-1', weightKg: 72, doseMgPerKg: 0.5, plannedMinutes: 40 };

let ctx: AuthContext;
let clock: TestClock;
let dispose: () => Promise<void>;
let chairId: string;
let service: AlarmService;
let changes: (AlertChange & { seq: number })[];

function stored(fromS: number, toS: number, hr: number): StoredSample[] {
  const out: StoredSample[] = [];
  for (let s = fromS; s < toS; s++)
    out.push({
      seq: s + 1,
      id: `s-${s}`,
      at: iso(T0 + s * 1000),
      source: 'device',
      hr,
      chairId,
      sessionId: null,
      receivedAt: iso(clock()),
      enteredBy: null,
    });
  return out;
}

beforeEach(async () => {
  clock = testClock(T0);
  ({ ctx, dispose } = await createTestContext(clock));
  chairId = (await createChair(ctx, 'admin', { label: 'Chair 1' })).id;
  service = new AlarmService({ ctx, logger: pino({ level: 'silent' }), tickMs: 10 });
  changes = [];
  service.events.alertChanged.add((c) => changes.push(c));
  await service.start();
});
afterEach(async () => {
  await service.stop();
  await dispose();
});

describe('AlarmService', () => {
  it('evaluates two batches announced back to back in order, never interleaved', async () => {
    // Evaluated from the same starting state, neither batch alone holds HR 150 for 10 s.
    clock.set(T0 + 12_000);
    ctx.events.samplesStored.emit(chairId, stored(0, 8, 150));
    ctx.events.samplesStored.emit(chairId, stored(8, 12, 150));
    await service.idle();
    const alerts = await queryAlerts(ctx.db, { chairId });
    expect(alerts.map((a) => [a.message, a.raisedAt])).toEqual([
      ['HR 150 > 140', iso(T0 + 10_000)],
    ]);
    expect(changes.map((c) => c.type)).toEqual(['raised']);
  });

  it('ticks on its own with the server clock, and stop() ends the tick', async () => {
    await createSession(ctx, 'nurse1', chairId, plan);
    await service.idle();
    clock.set(T0);
    ctx.events.samplesStored.emit(chairId, stored(0, 1, 80));
    await service.idle();
    clock.set(T0 + 16_000);
    await waitFor(() => changes.some((c) => c.alert.parameter === 'feed'), 2000, 'feed alarm');
    expect(changes.at(-1)).toMatchObject({
      type: 'raised',
      alert: { parameter: 'feed', priority: 'medium', raisedAt: iso(T0 + 16_000) },
    });

    await service.stop();
    const count = changes.length;
    // Long enough for the escalation of anything high and for many 10 ms ticks: none may run.
    clock.set(T0 + 30 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changes).toHaveLength(count);
  });

  it('a tick that finds the chair busy still runs, after the work queued on it', async () => {
    // Its own timer out of the way: only the tick called here may raise the feed alarm.
    await service.stop();
    service = new AlarmService({ ctx, logger: pino({ level: 'silent' }), tickMs: 3_600_000 });
    service.events.alertChanged.add((c) => changes.push(c));
    await service.start();
    await createSession(ctx, 'nurse1', chairId, plan);
    await service.idle();
    clock.set(T0);
    ctx.events.samplesStored.emit(chairId, stored(0, 1, 80));
    await service.idle();

    clock.set(T0 + 16_000);
    // Queues a session reload on the chair: the tick below finds its queue busy.
    service.chairChanged(await getChair(ctx, chairId));
    await service.tick();
    expect(changes.map((c) => [c.type, c.alert.parameter, c.alert.raisedAt])).toEqual([
      ['raised', 'feed', iso(T0 + 16_000)],
    ]);
    // An idle chair's tick (the synchronous path) sees the same alarm already raised.
    await service.tick();
    expect(changes).toHaveLength(1);
  });

  it('records an acknowledgment of an alert that already cleared by itself, once', async () => {
    clock.set(T0 + 1000);
    ctx.events.samplesStored.emit(chairId, [
      { ...stored(0, 1, 125)[0], source: 'manual' } as StoredSample,
    ]);
    ctx.events.samplesStored.emit(chairId, [
      { ...stored(1, 2, 80)[0], source: 'manual' } as StoredSample,
    ]);
    await service.idle();
    const [alert] = await queryAlerts(ctx.db, { chairId });
    expect(alert).toMatchObject({ priority: 'medium', state: 'cleared', acknowledgedAt: null });
    clock.set(T0 + 5000);
    const first = await service.acknowledge(alert?.id ?? '', { username: 'nurse1', role: 'nurse' });
    expect(first).toMatchObject({ acknowledgedBy: 'nurse1', acknowledgedAt: iso(T0 + 5000) });
    clock.set(T0 + 9000);
    const second = await service.acknowledge(alert?.id ?? '', {
      username: 'charge1',
      role: 'charge',
    });
    expect(second).toMatchObject({ acknowledgedBy: 'nurse1', acknowledgedAt: iso(T0 + 5000) });
    expect(changes.filter((c) => c.type === 'acknowledged')).toHaveLength(1);
    await expect(
      service.acknowledge('missing', { username: 'nurse1', role: 'nurse' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('runs on the clinic rules when a clinic change makes a session override incoherent', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, plan);
    await service.idle();
    await service.setSessionRules('nurse1', session.id, {
      limits: { hr: { high: { medium: 130 } } },
    });
    const stricter = structuredClone(DEFAULT_ALARM_RULES);
    stricter.limits.hr.high = { medium: 110, high: 125, inclusive: false, noDelay: null };
    // Merged, the override's medium 130 would lie beyond the clinic's high 125.
    await service.setClinicRules('admin', stricter);
    clock.set(T0 + 1000);
    ctx.events.samplesStored.emit(chairId, [
      { ...stored(0, 1, 126)[0], source: 'manual', sessionId: session.id } as StoredSample,
    ]);
    await service.idle();
    const [alert] = await queryAlerts(ctx.db, { chairId });
    expect(alert).toMatchObject({ priority: 'high', message: 'HR 126 > 125' });
  });
});
