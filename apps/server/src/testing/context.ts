import { rmSync } from 'node:fs';
import type { AuthContext } from '../domain/auth';
import { loadOrCreateTokenSecret } from '../domain/auth';
import { createDomainEvents } from '../domain/context';
import { closeStore, migrateToLatest, openStore } from '../store/database';
import { dropTestDatabase, testDatabaseUrl } from './store';
import { makeDataDir } from './harness';

/** A settable clock for deterministic tests. */
export interface TestClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start: number): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/** The real store (SQLite in a temp dir, migrated) behind a domain context with a test clock. */
export async function createTestContext(
  clock: () => number,
): Promise<{ ctx: AuthContext; listenerErrors: unknown[]; dispose: () => Promise<void> }> {
  const dataDir = makeDataDir();
  const db = openStore({ dataDir, databaseUrl: await testDatabaseUrl(dataDir) });
  await migrateToLatest(db);
  const tokenSecret = await loadOrCreateTokenSecret(db);
  const listenerErrors: unknown[] = [];
  const events = createDomainEvents((error) => listenerErrors.push(error));
  return {
    ctx: { db, clock, events, tokenSecret },
    listenerErrors,
    dispose: async () => {
      await closeStore(db);
      rmSync(dataDir, { recursive: true, force: true });
      await dropTestDatabase(dataDir);
    },
  };
}
