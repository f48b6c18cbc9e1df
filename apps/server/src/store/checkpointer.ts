import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite WAL checkpoints on a thread of their own.
 *
 * In WAL mode every commit appends pages to the `-wal` file and a checkpoint copies them into
 * the database file (and, with synchronous=NORMAL, syncs it to disk). By default the commit
 * that crosses `wal_autocheckpoint` pages runs the checkpoint itself, synchronously, inside the
 * server's event loop: measured here, 70-150 ms during which no reading is relayed and no ack
 * sent, the p99 of a 500-chair clinic. So the server's own connection never checkpoints
 * (`wal_autocheckpoint = 0`) and this worker, with its own connection to the same file, runs a
 * PASSIVE checkpoint every `intervalMs`: PASSIVE never waits for and never blocks the writer
 * or the readers (WAL allows one checkpointer beside them), and the copying and the disk sync
 * happen on the other core. Once a checkpoint has caught up, the next commit starts the WAL file
 * from its beginning again.
 *
 * Under a steady stream of readings a PASSIVE checkpoint never catches up: commits land while it
 * runs (its two fsyncs alone take 5-13 ms here, and 500 chairs commit every 2 ms), so the WAL
 * never restarts and grows by every page ever written: measured at 500 readings/s, 8.3 MB/s, a
 * 366 MB WAL after 45 s and past 1 GB after two minutes, with the file's growth showing up as
 * 6-10 ms writes on the event loop. So once the WAL holds `restartPages` pages after a PASSIVE
 * checkpoint, the worker runs a RESTART checkpoint at once: it takes the writer lock, copies the
 * few frames committed since the PASSIVE one, syncs, and the next commit starts the WAL from
 * its beginning (the server's connection trims the file to its journal_size_limit). While it
 * holds the lock the server's commits wait in SQLite's busy handler (which is why they begin
 * IMMEDIATE, database.ts and plans.ts): the RESTART took 1.5-13 ms at 500 readings/s, and the
 * event loop waits that rounded up to the busy handler's steps (1, 2, 5, 10, 15 ms...), once
 * every `restartPages` pages, instead of a WAL without bound.
 *
 * Nothing durable depends on it: a reading is durable once its commit is in the WAL (that is
 * what the ack promises); a checkpoint only moves it into the main file.
 */

export interface CheckpointResult {
  /** Pages in the WAL when the checkpoint ran. */
  walPages: number;
  /** Pages of them copied into the database file. */
  checkpointedPages: number;
  /** A RESTART checkpoint ran and completed: the next commit starts the WAL from its start. */
  restarted: boolean;
  /** Epoch ms. */
  at: number;
}

export interface Checkpointer {
  /** The last checkpoint's figures, or null before the first. */
  readonly last: CheckpointResult | null;
  /** Checkpoints run so far. */
  readonly count: number;
  /** RESTART checkpoints completed so far (the WAL was full enough to start it over). */
  readonly restarts: number;
  /** Stops the worker after a last checkpoint; resolves when its connection is closed. */
  stop(): Promise<void>;
}

type WorkerMessage =
  | {
      type: 'checkpoint';
      walPages: number;
      checkpointedPages: number;
      restarted: boolean;
      at: number;
    }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

// Plain CommonJS in a string, so it runs the same under tsx (tests) and in the esbuild bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
function checkpoint() {
  try {
    let [r] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    if (r.log >= workerData.restartPages) {
      [r] = db.pragma('wal_checkpoint(RESTART)');
      restarted = r.busy === 0;
    }
    parentPort.postMessage({ type: 'checkpoint', walPages: r.log, checkpointedPages: r.checkpointed, restarted, at: Date.now() });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
});
`;

export function startCheckpointer(
  file: string,
  options: {
    intervalMs?: number;
    /**
     * WAL pages after a PASSIVE checkpoint from which a RESTART checkpoint follows. Default
     * 32,768 (128 MB of 4 kB pages, under the server's 160 MB journal_size_limit, so a
     * restarted WAL is rewritten in place instead of growing the file again): at 500 readings/s
     * about every 16 s. Each restart pauses commits for a few ms (below), so rarer is better;
     * 48 MB restarted every 6 s, and the event loop waited about 0.3 % of the time.
     */
    restartPages?: number;
    /** A checkpoint failed, or the worker ended without being asked to (fall back then). */
    onError?: (message: string) => void;
  } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file,
      driver,
      intervalMs: options.intervalMs ?? 1000,
      restartPages: options.restartPages ?? 32_768,
    },
  });
  // A checkpointer must never keep the process alive on its own.
  worker.unref();
  let last: CheckpointResult | null = null;
  let count = 0;
  let restarts = 0;
  let stopping: Promise<void> | null = null;
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'checkpoint') {
        last = {
          walPages: message.walPages,
          checkpointedPages: message.checkpointedPages,
          restarted: message.restarted,
          at: message.at,
        };
        count++;
        if (message.restarted) restarts++;
      } else if (message.type === 'error') {
        options.onError?.(message.message);
      } else {
        resolve();
      }
    });
    worker.on('exit', () => {
      if (stopping === null) options.onError?.('the checkpoint worker ended');
      resolve();
    });
    worker.on('error', (error) => {
      options.onError?.(error.message);
      resolve();
    });
  });
  return {
    get last() {
      return last;
    },
    get count() {
      return count;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping ??= (async () => {
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
