import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer';
import type { Checkpointer } from './checkpointer';

const dirs: string[] = [];
const running: Checkpointer[] = [];

afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database whose own connection never checkpoints, as the server opens it. */
function openWal(): { file: string; db: SQLite.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'chairside-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'test.sqlite');
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE readings (seq INTEGER PRIMARY KEY, chair TEXT, hr REAL, pad TEXT)');
  return { file, db };
}

function writeCommits(db: SQLite.Database, commits: number, from = 0): void {
  const insert = db.prepare('INSERT INTO readings (chair, hr, pad) VALUES (?, ?, ?)');
  for (let i = from; i < from + commits; i++)
    insert.run(`chair-${i % 50}`, 60 + (i % 40), 'x'.repeat(200));
}

async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the SQLite checkpoint worker', () => {
  it('copies the WAL into the database file off the event loop, and the WAL starts over', async () => {
    const { file, db } = openWal();
    writeCommits(db, 2000);
    const walBefore = statSync(`${file}-wal`).size;
    expect(walBefore).toBeGreaterThan(400_000);

    const checkpointer = startCheckpointer(file, { intervalMs: 20 });
    running.push(checkpointer);
    await until(() => (checkpointer.last?.checkpointedPages ?? 0) > 0);
    const first = checkpointer.last;
    // Everything in the WAL was copied (no reader held an old snapshot).
    expect(first?.checkpointedPages).toBe(first?.walPages);

    // Writers go on meanwhile; with checkpoints caught up, each commit after one reuses the
    // WAL from its start, so the WAL holds a round's worth, not all that was written. Each
    // round waits for two more checkpoints (the second surely began after the round's last
    // commit), not for a time: on a busy machine the worker may not have run within one.
    for (let round = 0; round < 20; round++) {
      writeCommits(db, 200, 2000 + round * 200);
      const count = checkpointer.count;
      await until(() => checkpointer.count > count + 1);
    }
    // 200 commits are about a tenth of the first checkpoint's 2,000.
    expect(checkpointer.last?.walPages ?? Infinity).toBeLessThan((first?.walPages ?? 0) / 4);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 6000 });
    db.close();
  });

  it('starts the WAL over with a RESTART checkpoint when commits never pause for a PASSIVE one', async () => {
    const { file, db } = openWal();
    // As the server's connection: commits wait while the worker holds the writer lock.
    db.pragma('busy_timeout = 5000');
    const checkpointer = startCheckpointer(file, { intervalMs: 20, restartPages: 300 });
    running.push(checkpointer);
    await until(() => checkpointer.count > 0);
    // 6,000 commits (a page or more each) in bursts of ten about every millisecond, as readings
    // arrive at 500 chairs: a PASSIVE checkpoint always has newer frames behind it, so without
    // a RESTART the WAL would keep every one (over 24 MB).
    let walMax = 0;
    for (let i = 0; i < 6000; i += 10) {
      writeCommits(db, 10, i);
      if (i % 500 === 0) walMax = Math.max(walMax, statSync(`${file}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    walMax = Math.max(walMax, statSync(`${file}-wal`).size);
    expect(checkpointer.restarts).toBeGreaterThan(0);
    expect(checkpointer.last?.restarted).toBeTypeOf('boolean');
    expect(walMax).toBeLessThan(8 * 1024 * 1024);
    expect(db.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 6000 });
    db.close();
  });

  it('stops after a last checkpoint, and the readings are all in the database file', async () => {
    const { file, db } = openWal();
    const checkpointer = startCheckpointer(file, { intervalMs: 60_000 });
    writeCommits(db, 500);
    await checkpointer.stop();
    expect(checkpointer.count).toBe(1);
    expect(checkpointer.last?.checkpointedPages).toBe(checkpointer.last?.walPages);
    db.close();
    // Read back from the file alone.
    const again = new SQLite(file, { readonly: true });
    expect(again.prepare('SELECT count(*) AS n FROM readings').get()).toEqual({ n: 500 });
    again.close();
  });

  it('reports a worker that cannot open the database, so the store falls back', async () => {
    const errors: string[] = [];
    const checkpointer = startCheckpointer(join(tmpdir(), 'no-such-dir-chairside', 'x.sqlite'), {
      onError: (message) => errors.push(message),
    });
    running.push(checkpointer);
    await until(() => errors.length > 0);
    expect(errors[0]).toMatch(/directory does not exist|unable to open|no such/i);
  });
});
