import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredSample, User } from '@chairside/core';
import type { AuthContext } from './auth';
import { createChair } from './chairs';
import { createSession } from './sessions';
import { SampleWriter, sampleWriterFor } from './sample-writer';
import type { SampleRow } from './sample-writer';
import { ingestVitals } from './vitals';
import { createTestContext, testClock } from '../testing/context';

// Group commit (SampleWriter): callers of one event-loop turn share one transaction, and each
// still gets only its own answer, after the commit. Real store (SQLite, or PostgreSQL in
// server-pg).

const device: User = { username: 'device1', role: 'nurse' };
const T0 = Date.parse('2026-11-21T09:00:00.000Z');

let ctx: AuthContext;
let dispose: () => Promise<void>;
let chairs: string[];

beforeEach(async () => {
  ({ ctx, dispose } = await createTestContext(testClock(T0)));
  chairs = [];
  for (let i = 1; i <= 5; i++)
    chairs.push((await createChair(ctx, 'admin', { label: `C${i}` })).id);
});
afterEach(async () => {
  await dispose();
});

const reading = (id: string, hr = 70) => ({ id, at: T0, hr, source: 'device' });

async function storedCount(): Promise<number> {
  const row = await ctx.db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  // PostgreSQL counts in int8, which the driver may hand over as a string.
  return Number(row.n);
}

describe('SampleWriter (group commit)', () => {
  it('stores the batches of one turn in one transaction, each caller answered for its own', async () => {
    const writer = sampleWriterFor(ctx.db);
    const before = writer.transactions;
    const results = await Promise.all(
      chairs.flatMap((chairId, c) =>
        [0, 1, 2].map((n) => ingestVitals(ctx, device, chairId, [reading(`${c}-${n}`, 60 + n)])),
      ),
    );
    expect(writer.transactions - before).toBe(1);
    expect(results.map((r) => r.accepted)).toEqual(Array(15).fill(1));
    expect(results.every((r) => r.stored[0]?.chairId !== undefined)).toBe(true);
    expect(await storedCount()).toBe(15);
  });

  it('fails only the caller whose chair does not exist', async () => {
    const outcomes = await Promise.allSettled([
      ingestVitals(ctx, device, chairs[0] ?? '', [reading('a')]),
      ingestVitals(ctx, device, 'no-such-chair', [reading('b')]),
      ingestVitals(ctx, device, chairs[1] ?? '', [reading('c')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({
      reason: { status: 404, message: 'chair "no-such-chair" does not exist' },
    });
    expect(await storedCount()).toBe(2);
  });

  it('stores an id sent twice in one turn once, for the first caller; the second hears duplicate', async () => {
    const chairId = chairs[0] ?? '';
    const [first, second, other] = await Promise.all([
      ingestVitals(ctx, device, chairId, [reading('same', 71)]),
      ingestVitals(ctx, device, chairId, [reading('same', 99), reading('new', 72)]),
      // The same id on another chair is another sample.
      ingestVitals(ctx, device, chairs[1] ?? '', [reading('same', 73)]),
    ]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(first.stored[0]?.hr).toBe(71);
    expect(second).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(second.stored.map((s) => s.id)).toEqual(['new']);
    expect(other).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await storedCount()).toBe(3);
  });

  it('announces each chair in the order the callers came, after the commit', async () => {
    const chairId = chairs[0] ?? '';
    const announced: { seqs: number[]; visible: number }[] = [];
    ctx.events.samplesStored.add(async (_id, samples: StoredSample[]) => {
      // Committed: another query sees the rows when the announcement is made.
      const seqs = samples.map((s) => s.seq ?? -1);
      announced.push({ seqs, visible: 0 });
      const entry = announced[announced.length - 1];
      if (entry !== undefined) entry.visible = await storedCount();
    });
    await Promise.all([
      ingestVitals(ctx, device, chairId, [reading('1'), reading('2')]),
      ingestVitals(ctx, device, chairId, [reading('3')]),
    ]);
    const seqs = announced.flatMap((a) => a.seqs);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(announced.every((a) => a.visible >= 3)).toBe(true);
  });

  it('attaches the open session as it is in the store at that transaction', async () => {
    const chairId = chairs[0] ?? '';
    const { stored: before } = await ingestVitals(ctx, device, chairId, [reading('x')]);
    expect(before[0]?.sessionId).toBeNull();
    const session = await createSession(ctx, 'nurse1', chairId, {
      patientRef: 'KET-9',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    const { stored: after } = await ingestVitals(ctx, device, chairId, [reading('y')]);
    expect(after[0]?.sessionId).toBe(session.id);
  });

  it("a batch the store refuses fails its caller alone; the others' samples are stored", async () => {
    const writer = new SampleWriter(ctx.db);
    const row = (chairId: string, id: string): SampleRow => ({
      chair_id: chairId,
      id,
      at: T0,
      received_at: T0,
      source: 'device',
      hr: 70,
      sbp: null,
      dbp: null,
      spo2: null,
      rr: null,
      etco2: null,
      sedation_scale: null,
      sedation_score: null,
      entered_by: null,
      session_id: null,
    });
    // NOT NULL: no validated reading looks like this, but the store's own refusal must stay
    // with the batch that caused it.
    const broken = { ...row(chairs[1] ?? '', 'bad'), at: null as unknown as number };
    const outcomes = await Promise.allSettled([
      writer.write(chairs[0] ?? '', [row(chairs[0] ?? '', 'ok-1')]),
      writer.write(chairs[1] ?? '', [broken]),
      writer.write(chairs[2] ?? '', [row(chairs[2] ?? '', 'ok-2')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await storedCount()).toBe(2);
  });

  it('waits for a transaction another caller holds open and is not part of it', async () => {
    // On SQLite the writer stores on the connection directly unless a transaction is open on
    // it: a reading written inside someone else's transaction would be rolled back with it
    // after its ack.
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outer = ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('chairs').select('id').execute();
      await gate;
      throw new Error('rolled back on purpose');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const write = ingestVitals(ctx, device, chairs[0] ?? '', [reading('during-outer')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(outer).rejects.toThrow('rolled back on purpose');
    expect((await write).accepted).toBe(1);
    expect(await storedCount()).toBe(1);
  });

  it('splits a turn of more rows than one statement holds and keeps every answer right', async () => {
    const chairId = chairs[0] ?? '';
    // 3 x 1000 rows: several insert statements (256-row shapes) in one transaction.
    const batches = [0, 1, 2].map((b) =>
      Array.from({ length: 1000 }, (_, i) => ({
        id: `${b}-${i}`,
        at: T0 + i,
        hr: 70,
        source: 'device',
      })),
    );
    const results = await Promise.all(
      batches.map((batch) => ingestVitals(ctx, device, chairId, batch)),
    );
    expect(results.map((r) => r.accepted)).toEqual([1000, 1000, 1000]);
    const seqs = results.flatMap((r) => r.stored.map((s) => s.seq));
    expect(new Set(seqs).size).toBe(3000);
    expect(results[1]?.stored[999]?.id).toBe('1-999');
    expect(await storedCount()).toBe(3000);
  });

  it('stores at once when 256 rows wait, instead of keeping them all to the end of a long turn', async () => {
    const writer = sampleWriterFor(ctx.db);
    const before = writer.transactions;
    const readings = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${prefix}-${i}`,
        at: T0 + i,
        hr: 72,
        source: 'device',
      }));
    // One turn: 260 rows pass the bound and go at once; the 5 after them wait for the next
    // transaction. Without the bound all 265 would share one transaction at the end of the turn.
    const [big, small] = await Promise.all([
      ingestVitals(ctx, device, chairs[0] ?? '', readings('big', 260)),
      ingestVitals(ctx, device, chairs[1] ?? '', readings('small', 5)),
    ]);
    expect(big.accepted).toBe(260);
    expect(small.accepted).toBe(5);
    expect(writer.transactions - before).toBe(2);
    expect(await storedCount()).toBe(265);
  });
});
