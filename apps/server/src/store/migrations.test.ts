import { rmSync } from 'node:fs';
import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDataDir } from '../testing/harness';
import { dropTestDatabase, testDatabaseUrl } from '../testing/store';
import { closeStore, migrateToLatest, openStore, sqliteConnectionOf } from './database';
import type { ChairsideDb } from './database';
import { migrationProvider } from './migrations';

// Migration 006 on a store that already holds samples (an upgrade, not a fresh install): every
// sample keeps its seq and values, new samples are numbered after them, and the index by session
// is gone. On SQLite the table is rebuilt without AUTOINCREMENT; on PostgreSQL (server-pg) only
// the index is dropped.

let dataDir: string;
let db: ChairsideDb;

beforeEach(async () => {
  dataDir = makeDataDir();
  db = openStore({ dataDir, databaseUrl: await testDatabaseUrl(dataDir) });
});
afterEach(async () => {
  await closeStore(db);
  rmSync(dataDir, { recursive: true, force: true });
  await dropTestDatabase(dataDir);
});

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

async function indexesOfSamples(): Promise<string[]> {
  const sqlite = sqliteConnectionOf(db);
  if (sqlite !== null) {
    return (
      sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'samples'`)
        .all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter((name) => !name.startsWith('sqlite_autoindex'))
      .sort();
  }
  const rows = await sql<{
    indexname: string;
  }>`SELECT indexname FROM pg_indexes WHERE tablename = 'samples'`.execute(db);
  return rows.rows
    .map((r) => r.indexname)
    .filter((name) => name !== 'samples_pkey' && name !== 'samples_chair_sample_id')
    .sort();
}

async function samples() {
  return db
    .selectFrom('samples')
    .select(['seq', 'chair_id', 'id', 'at', 'hr', 'spo2', 'session_id'])
    .orderBy('seq')
    .execute();
}

describe('migration 006 (fewer pages per stored reading)', () => {
  it('keeps every sample with its seq, numbers new ones after them, and drops the index by session', async () => {
    const migrator = new Migrator({ db, provider: migrationProvider });
    const before = await migrator.migrateTo('005_audit_query');
    expect(before.error).toBeUndefined();
    expect(await indexesOfSamples()).toEqual(['samples_by_chair_time', 'samples_by_session']);

    await db.insertInto('chairs').values({ id: 'c1', label: 'Chair 1', created_at: T0 }).execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's1',
        chair_id: 'c1',
        patient_ref: 'KET-1041',
        weight_kg: 72,
        dose_mg_per_kg: 0.5,
        planned_minutes: 40,
        state: 'pre-infusion',
        baseline: null,
        created_at: T0,
        created_by: 'nurse1',
      })
      .execute();
    const row = (n: number, session: string | null) => ({
      chair_id: 'c1',
      id: `d-${n}`,
      at: T0 + n * 1000,
      received_at: T0 + n * 1000,
      source: 'device' as const,
      hr: 60 + n,
      sbp: null,
      dbp: null,
      spo2: 97,
      rr: null,
      etco2: null,
      sedation_scale: null,
      sedation_score: null,
      entered_by: null,
      session_id: session,
    });
    await db
      .insertInto('samples')
      .values([row(1, 's1'), row(2, 's1'), row(3, null)])
      .execute();
    const stored = await samples();
    expect(stored.map((s) => [s.id, s.hr, s.session_id])).toEqual([
      ['d-1', 61, 's1'],
      ['d-2', 62, 's1'],
      ['d-3', 63, null],
    ]);

    expect(await migrateToLatest(db)).toContain('006_sample_commit_pages');
    expect(await samples()).toEqual(stored);
    expect(await indexesOfSamples()).toEqual(['samples_by_chair_time']);
    const sqlite = sqliteConnectionOf(db);
    if (sqlite !== null) {
      const table = sqlite
        .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'samples'`)
        .get() as { sql: string };
      expect(table.sql).not.toMatch(/autoincrement/i);
    }

    // New samples come after every earlier one; the idempotency key still holds.
    const inserted = await db
      .insertInto('samples')
      .values([row(4, 's1'), row(1, 's1')])
      .onConflict((oc) => oc.columns(['chair_id', 'id']).doNothing())
      .returning(['seq', 'id'])
      .execute();
    const lastSeq = stored.at(-1)?.seq ?? 0;
    expect(inserted).toHaveLength(1);
    expect(inserted[0]?.id).toBe('d-4');
    expect(inserted[0]?.seq).toBeGreaterThan(lastSeq);

    // Run again (a crash after the rebuild, before the migration was recorded): nothing changes.
    const migrations = await migrationProvider.getMigrations();
    await migrations['006_sample_commit_pages']?.up(db as never);
    expect((await samples()).map((s) => s.id)).toEqual(['d-1', 'd-2', 'd-3', 'd-4']);
    expect(await indexesOfSamples()).toEqual(['samples_by_chair_time']);
  });
});
