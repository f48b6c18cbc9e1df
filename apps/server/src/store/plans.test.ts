import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext } from '../domain/auth';
import { createTestContext, testClock } from '../testing/context';
import { sqliteConnectionOf } from './database';
import { planRunnerFor } from './plans';
import type { Plan } from './plans';

// Plans (one transaction's queries as a generator) on the real store: synchronously on SQLite's
// connection when nothing else holds a transaction, through Kysely otherwise, and on PostgreSQL
// (server-pg). Either way all or nothing is stored.

let ctx: AuthContext;
let dispose: () => Promise<void>;

beforeEach(async () => {
  ({ ctx, dispose } = await createTestContext(testClock(Date.parse('2026-11-21T09:00:00Z'))));
});
afterEach(async () => {
  await dispose();
});

/** Adds two settings rows (an insert without RETURNING), then reads them back. */
function* twoSettings(fail: boolean): Plan<string[]> {
  for (const key of ['plan-a', 'plan-b']) {
    yield ctx.db
      .insertInto('settings')
      .values({ key, value: `"${key}"` })
      .compile();
    if (fail) throw new Error('the plan gives up half-way');
  }
  const rows = (yield ctx.db
    .selectFrom('settings')
    .select('value')
    .where('key', 'in', ['plan-a', 'plan-b'])
    .orderBy('key')
    .compile()) as { value: string }[];
  return rows.map((r) => r.value);
}

async function storedKeys(): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('settings')
    .select('key')
    .where('key', 'like', 'plan-%')
    .orderBy('key')
    .execute();
  return rows.map((r) => r.key);
}

describe('PlanRunner', () => {
  it('runs every query of a plan in one transaction and returns what the plan returns', async () => {
    const result = await planRunnerFor(ctx.db).run(() => twoSettings(false));
    expect(result).toEqual(['"plan-a"', '"plan-b"']);
    expect(await storedKeys()).toEqual(['plan-a', 'plan-b']);
  });

  it('stores nothing of a plan that throws, and rejects with its error', async () => {
    await expect(planRunnerFor(ctx.db).run(() => twoSettings(true))).rejects.toThrow(
      'the plan gives up half-way',
    );
    expect(await storedKeys()).toEqual([]);
    // The connection is usable afterwards (no transaction left open).
    expect(await planRunnerFor(ctx.db).run(() => twoSettings(false))).toHaveLength(2);
  });

  it('runs beside a transaction Kysely holds: on SQLite after it commits', async () => {
    const sqlite = sqliteConnectionOf(ctx.db);
    const order: string[] = [];
    let planned: Promise<string[]> | undefined;
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('settings').values({ key: 'plan-0', value: '0' }).execute();
      if (sqlite !== null) expect(sqlite.inTransaction).toBe(true);
      planned = planRunnerFor(ctx.db).run(() => twoSettings(false));
      void planned.then(() => order.push('plan'));
      order.push('kysely commits');
    });
    expect(await planned).toEqual(['"plan-a"', '"plan-b"']);
    // One SQLite connection: the plan cannot start inside Kysely's transaction. (PostgreSQL
    // runs it on a connection of its own, in either order.)
    if (sqlite !== null) expect(order).toEqual(['kysely commits', 'plan']);
    expect(await storedKeys()).toEqual(['plan-0', 'plan-a', 'plan-b']);
  });

  describe('readArrays', () => {
    const query = () =>
      ctx.db
        .selectFrom('settings')
        .select(['value', 'key'])
        .where('key', 'like', 'plan-%')
        .orderBy('key')
        .compile();

    it('returns each row as an array in the order the SELECT names the columns', async () => {
      await planRunnerFor(ctx.db).run(() => twoSettings(false));
      expect(await planRunnerFor(ctx.db).readArrays(query())).toEqual([
        ['"plan-a"', 'plan-a'],
        ['"plan-b"', 'plan-b'],
      ]);
      // Raw mode stays on its own statement: a plan with the same SQL still gets objects.
      const objects = await planRunnerFor(ctx.db).run(function* (): Plan<unknown[]> {
        return yield query();
      });
      expect(objects).toEqual([
        { value: '"plan-a"', key: 'plan-a' },
        { value: '"plan-b"', key: 'plan-b' },
      ]);
    });

    it('never reads inside a transaction Kysely holds (one rolled back is never seen)', async () => {
      const sqlite = sqliteConnectionOf(ctx.db);
      let read: Promise<unknown[][]> | undefined;
      await expect(
        ctx.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('settings')
            .values({ key: 'plan-rolled-back', value: '1' })
            .execute();
          if (sqlite !== null) expect(sqlite.inTransaction).toBe(true);
          read = planRunnerFor(ctx.db).readArrays(query());
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // SQLite: queued behind the transaction on its one connection, run after the rollback
      // (read at once on that connection, it would have seen the row). PostgreSQL: a
      // connection of its own, which never sees another's uncommitted row.
      expect(await read).toEqual([]);
    });
  });
});
