import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDataDir } from '../testing/harness';
import { closeStore, openDatabase, sqliteConnectionOf } from './database';
import type { ChairsideDb } from './database';

// The SQLite store's settings, as opened by the server: each is a decision about durability or
// about what ingest pays per reading (see openDatabase), so a change to one should be deliberate.

let dataDir: string | null = null;
let db: ChairsideDb | null = null;
afterEach(async () => {
  if (db !== null) await closeStore(db);
  if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
  db = null;
  dataDir = null;
});

describe('openDatabase (SQLite)', () => {
  it('opens in WAL with NORMAL sync, foreign keys, no checkpoints of its own and statement journals in memory', () => {
    dataDir = makeDataDir();
    db = openDatabase(dataDir);
    const sqlite = sqliteConnectionOf(db);
    if (sqlite === null) throw new Error('not a SQLite store');
    const get = (name: string): unknown => sqlite.pragma(name, { simple: true });
    expect(get('journal_mode')).toBe('wal');
    expect(get('synchronous')).toBe(1); // NORMAL
    expect(get('foreign_keys')).toBe(1);
    expect(get('wal_autocheckpoint')).toBe(0);
    expect(get('temp_store')).toBe(2); // MEMORY
  });
});
