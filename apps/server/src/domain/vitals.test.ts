import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredSample, User } from '@chairside/core';
import type { AuthContext } from './auth';
import { createChair } from './chairs';
import { createSession } from './sessions';
import { ingestVitals, queryVitals } from './vitals';
import { createTestContext, testClock } from '../testing/context';
import type { TestClock } from '../testing/context';

const nurse: User = { username: 'nurse1', role: 'nurse' };
const trainer: User = { username: 'trainer1', role: 'trainer' };
const T0 = Date.parse('2026-11-21T09:00:00.000Z');

let ctx: AuthContext;
let clock: TestClock;
let listenerErrors: unknown[];
let dispose: () => Promise<void>;
let chairId: string;

beforeEach(async () => {
  clock = testClock(T0);
  ({ ctx, listenerErrors, dispose } = await createTestContext(clock));
  chairId = (await createChair(ctx, 'admin', { label: 'Chair 1' })).id;
});
afterEach(async () => {
  await dispose();
});

describe('ingestVitals', () => {
  it('decides "too far in the future" on the injected clock', async () => {
    const at = new Date(T0 + 5 * 60_000).toISOString();
    await expect(
      ingestVitals(ctx, nurse, chairId, { at, hr: 70, source: 'device' }),
    ).rejects.toMatchObject({
      status: 400,
      issues: [{ path: 'at' }],
    });
    clock.advance(5 * 60_000);
    expect(await ingestVitals(ctx, nurse, chairId, { at, hr: 70, source: 'device' })).toMatchObject(
      { accepted: 1 },
    );
  });

  it('stamps receivedAt from the clock, the open session and, for manual samples only, who entered them', async () => {
    const session = await createSession(ctx, 'nurse1', chairId, {
      patientRef: 'KET-1',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    clock.advance(1234);
    const { stored } = await ingestVitals(ctx, nurse, chairId, [
      { id: 'm', at: T0, sbp: 120, dbp: 80, source: 'manual' },
      { id: 'd', at: T0 + 1, hr: 70, source: 'device' },
    ]);
    // Arrival numbers, in the caller's order: the dashboards' reconnect cursor.
    expect(stored.map((s) => s.seq)).toEqual([
      expect.any(Number) as number,
      (stored[0]?.seq ?? 0) + 1,
    ]);
    expect(stored).toEqual<StoredSample[]>([
      {
        seq: expect.any(Number) as number,
        id: 'm',
        at: '2026-11-21T09:00:00.000Z',
        sbp: 120,
        dbp: 80,
        source: 'manual',
        chairId,
        sessionId: session.id,
        receivedAt: '2026-11-21T09:00:01.234Z',
        enteredBy: 'nurse1',
      },
      {
        seq: expect.any(Number) as number,
        id: 'd',
        at: '2026-11-21T09:00:00.001Z',
        hr: 70,
        source: 'device',
        chairId,
        sessionId: session.id,
        receivedAt: '2026-11-21T09:00:01.234Z',
        enteredBy: null,
      },
    ]);
  });

  it('announces only newly stored samples, after they are committed', async () => {
    const announced: { chairId: string; ids: string[]; visibleInStore: number }[] = [];
    const pending: Promise<void>[] = [];
    ctx.events.samplesStored.add((id, samples) => {
      // Listeners run after commit: the store already shows what they are told about.
      const check = queryVitals(ctx, id, {}).then((visible) => {
        announced.push({
          chairId: id,
          ids: samples.map((s) => s.id),
          visibleInStore: visible.length,
        });
      });
      pending.push(check);
      return check;
    });
    await ingestVitals(ctx, nurse, chairId, [{ id: 'a', at: T0, hr: 1, source: 'device' }]);
    await Promise.all(pending);
    const second = await ingestVitals(ctx, nurse, chairId, [
      { id: 'a', at: T0, hr: 1, source: 'device' },
      { id: 'b', at: T0, hr: 2, source: 'device' },
    ]);
    await Promise.all(pending);
    const third = await ingestVitals(ctx, nurse, chairId, [
      { id: 'b', at: T0, hr: 2, source: 'device' },
    ]);
    await Promise.all(pending);
    expect(second).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(third).toMatchObject({ accepted: 0, duplicates: 1, stored: [] });
    expect(announced).toEqual([
      { chairId, ids: ['a'], visibleInStore: 1 },
      { chairId, ids: ['b'], visibleInStore: 2 },
    ]);
  });

  it('stores a repeated id inside one batch once', async () => {
    const r = await ingestVitals(ctx, nurse, chairId, [
      { id: 'x', at: T0, hr: 60, source: 'device' },
      { id: 'x', at: T0, hr: 61, source: 'device' },
    ]);
    expect(r).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await queryVitals(ctx, chairId, {})).map((s) => s.hr)).toEqual([60]);
  });

  it('a failing listener does not fail the ingest', async () => {
    ctx.events.samplesStored.add(() => {
      throw new Error('alarm engine crashed');
    });
    expect(
      await ingestVitals(ctx, nurse, chairId, { at: T0, hr: 70, source: 'device' }),
    ).toMatchObject({ accepted: 1 });
    expect(listenerErrors).toHaveLength(1);
  });

  it('lets a trainer send simulator samples only, naming the offending index', async () => {
    await expect(
      ingestVitals(ctx, trainer, chairId, [
        { at: T0, hr: 70, source: 'simulator' },
        { at: T0, hr: 70, source: 'manual' },
      ]),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('sample 1') as string,
    });
    expect(await queryVitals(ctx, chairId, {})).toEqual([]);
  });

  it('refuses an unknown chair with 404 and stores nothing', async () => {
    await expect(
      ingestVitals(ctx, nurse, 'nope', { at: T0, hr: 70, source: 'device' }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('queryVitals', () => {
  beforeEach(async () => {
    clock.set(T0 + 3600_000);
    await ingestVitals(
      ctx,
      nurse,
      chairId,
      Array.from({ length: 50 }, (_, i) => ({
        id: `s${i}`,
        at: T0 + i * 1000,
        hr: 60 + i,
        source: 'device' as const,
      })),
    );
  });

  it('defaults to the most recent 1000 and returns them ascending', async () => {
    const all = await queryVitals(ctx, chairId, {});
    expect(all).toHaveLength(50);
    expect(all[0]?.id).toBe('s0');
    expect(all.at(-1)?.id).toBe('s49');
  });

  it('keeps the most recent `limit` within from..to (inclusive)', async () => {
    const rows = await queryVitals(ctx, chairId, {
      from: new Date(T0 + 10_000).toISOString(),
      to: new Date(T0 + 20_000).toISOString(),
      limit: '4',
    });
    expect(rows.map((r) => r.id)).toEqual(['s17', 's18', 's19', 's20']);
    const epoch = await queryVitals(ctx, chairId, { from: String(T0 + 48_000) });
    expect(epoch.map((r) => r.id)).toEqual(['s48', 's49']);
  });

  it('names a bad parameter', async () => {
    await expect(queryVitals(ctx, chairId, { limit: '-1' })).rejects.toMatchObject({
      status: 400,
      issues: [{ path: 'limit' }],
    });
    await expect(queryVitals(ctx, chairId, { to: 'soon' })).rejects.toMatchObject({
      status: 400,
      issues: [{ path: 'to' }],
    });
  });
});
