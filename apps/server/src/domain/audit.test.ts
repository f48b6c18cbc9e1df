import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import type { AuthContext } from './auth';
import { login } from './auth';
import { listAudit, queryAudit } from './audit';
import { closeStore, migrateToLatest, openStore } from '../store/database';
import { migrationProvider } from '../store/migrations';
import { makeDataDir } from '../testing/harness';
import { dropTestDatabase, testDatabaseUrl } from '../testing/store';
import { createChair } from './chairs';
import { createSession, applySessionEvent } from './sessions';
import { createUser } from './users';
import { createTestContext, testClock } from '../testing/context';

let ctx: AuthContext;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ ctx, dispose } = await createTestContext(testClock(Date.parse('2026-11-21T09:00:00.000Z'))));
});
afterEach(async () => {
  await dispose();
});

describe('audit trail', () => {
  it('records who did what and when, newest first', async () => {
    await createUser(ctx, 'admin', { username: 'nurse1', password: 'nurse-pass-1', role: 'nurse' });
    await login(ctx, { username: 'nurse1', password: 'nurse-pass-1' });
    await expect(
      login(ctx, { username: 'nurse1', password: 'wrong-pass-1' }),
    ).rejects.toMatchObject({ status: 401 });
    const chair = await createChair(ctx, 'admin', { label: 'Chair 1' });
    const session = await createSession(ctx, 'nurse1', chair.id, {
      patientRef: 'KET-1',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    await applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-started' });
    const entries = await listAudit(ctx.db);
    expect(entries.map((e) => [e.who, e.action])).toEqual([
      ['nurse1', 'session.infusion-started'],
      ['nurse1', 'session.created'],
      ['admin', 'chair.created'],
      ['nurse1', 'auth.login-failed'],
      ['nurse1', 'auth.login'],
      ['admin', 'user.created'],
    ]);
    expect(entries[0]).toMatchObject({
      at: '2026-11-21T09:00:00.000Z',
      detail: { sessionId: session.id, from: 'pre-infusion', to: 'infusing' },
    });
    expect(JSON.stringify(entries)).not.toContain('nurse-pass-1');
  });
});

describe('migration 005_audit_query', () => {
  it('copies the chair and session of entries recorded before it into the filter columns', async () => {
    const dataDir = makeDataDir();
    const db = openStore({ dataDir, databaseUrl: await testDatabaseUrl(dataDir) });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('004_discharge_aldrete')).error).toBeUndefined();
      // Rows as the server wrote them before 005: the ids only inside the JSON.
      const at = Date.parse('2026-11-21T09:00:00.000Z');
      await sql`INSERT INTO audit_log (who, at, action, detail) VALUES
        ('amy', ${at}, 'alert.acknowledged', ${JSON.stringify({ alertId: 'a1', chairId: 'c1', sessionId: 's1' })}),
        ('amy', ${at + 1}, 'alert.acknowledged', ${JSON.stringify({ alertId: 'a2', chairId: 'c2', sessionId: null })}),
        ('admin', ${at + 2}, 'user.created', ${JSON.stringify({ username: 'bob', role: 'nurse' })})`.execute(
        db,
      );
      expect(await migrateToLatest(db)).toContain('005_audit_query');

      const rows = await db
        .selectFrom('audit_log')
        .select(['who', 'chair_id', 'session_id'])
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { who: 'amy', chair_id: 'c1', session_id: 's1' },
        { who: 'amy', chair_id: 'c2', session_id: null },
        { who: 'admin', chair_id: null, session_id: null },
      ]);
      const page = await queryAudit(db, { chairId: 'c2' });
      expect(page.entries.map((e) => e.details)).toEqual([
        { alertId: 'a2', chairId: 'c2', sessionId: null },
      ]);
      expect((await queryAudit(db, { sessionId: 's1' })).entries.map((e) => e.actor)).toEqual([
        'amy',
      ]);
    } finally {
      await closeStore(db);
      rmSync(dataDir, { recursive: true, force: true });
      await dropTestDatabase(dataDir);
    }
  });
});

describe('queryAudit', () => {
  it('fills the chair and session columns from what each action records', async () => {
    const chair = await createChair(ctx, 'admin', { label: 'Chair 1' });
    const session = await createSession(ctx, 'nurse1', chair.id, {
      patientRef: 'KET-1',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    await createUser(ctx, 'admin', { username: 'nurse2', password: 'nurse-pass-2', role: 'nurse' });
    const bySession = await queryAudit(ctx.db, { sessionId: session.id });
    expect(bySession.entries.map((e) => e.action)).toEqual(['session.created']);
    const byChair = await queryAudit(ctx.db, { chairId: chair.id });
    expect(byChair.entries.map((e) => e.action)).toEqual(['session.created', 'chair.created']);
    const all = await queryAudit(ctx.db, {});
    expect(all.entries.map((e) => e.action)).toEqual([
      'user.created',
      'session.created',
      'chair.created',
    ]);
    expect(all.nextBeforeSeq).toBeNull();
  });
});
