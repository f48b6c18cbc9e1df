import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDataDir } from '../testing/harness';
import {
  closeStore,
  migrateToLatest,
  openDatabase,
  SQLITE_FILE,
  sqliteConnectionOf,
} from './database';
import type { ChairsideDb } from './database';
import { planRunnerFor } from './plans';
import type { Plan } from './plans';

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

// Another connection that holds SQLite's writer lock for a while, as the checkpoint worker's
// RESTART checkpoint does: it inserts a settings row, says so, waits, then commits.
const HOLDER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO settings (key, value) VALUES ('held', '1')").run();
parentPort.postMessage('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
db.exec('COMMIT');
db.close();
parentPort.postMessage('committed');
`;

function holdWriterLock(
  file: string,
  holdMs: number,
): { locked: Promise<void>; done: Promise<void> } {
  const worker = new Worker(HOLDER_SOURCE, {
    eval: true,
    workerData: { file, holdMs, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  const said = (what: string) =>
    new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => {
        if (m === what) resolve();
      });
      worker.on('error', reject);
    });
  return { locked: said('locked'), done: said('committed') };
}

async function settingKeys(store: ChairsideDb): Promise<string[]> {
  const rows = await store.selectFrom('settings').select('key').orderBy('key').execute();
  return rows.map((r) => r.key);
}

describe('SQLite write transactions while another connection holds the writer lock', () => {
  // A transaction that reads first and writes after must wait for the lock, not fail: SQLite
  // refuses a deferred transaction's upgrade from reading to writing with SQLITE_BUSY at once,
  // so both paths begin with BEGIN IMMEDIATE (database.ts, plans.ts).
  it('a Kysely transaction that reads and then writes waits and commits', async () => {
    dataDir = makeDataDir();
    db = openDatabase(dataDir);
    await migrateToLatest(db);
    const holder = holdWriterLock(join(dataDir, SQLITE_FILE), 300);
    await holder.locked;
    const store = db;
    const seen = await store.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('settings').select('key').execute();
      await trx.insertInto('settings').values({ key: 'after-read', value: '2' }).execute();
      return before.map((r) => r.key);
    });
    await holder.done;
    // It began after the holder committed: it saw the holder's row, and both are stored.
    expect(seen).toContain('held');
    expect(await settingKeys(store)).toEqual(expect.arrayContaining(['after-read', 'held']));
  });

  it('a plan (the path of the sample writer) that reads and then writes waits and commits', async () => {
    dataDir = makeDataDir();
    db = openDatabase(dataDir);
    await migrateToLatest(db);
    const store = db;
    function* readThenWrite(): Plan<number> {
      const rows = yield store.selectFrom('settings').select('key').compile();
      yield store.insertInto('settings').values({ key: 'plan-after-read', value: '3' }).compile();
      return rows.length;
    }
    const holder = holdWriterLock(join(dataDir, SQLITE_FILE), 300);
    await holder.locked;
    const before = await planRunnerFor(store).run(readThenWrite);
    await holder.done;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await settingKeys(store)).toEqual(expect.arrayContaining(['held', 'plan-after-read']));
  });
});
