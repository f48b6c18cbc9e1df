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
 * happen on the other core. Frequent checkpoints keep the WAL short: once a checkpoint has
 * caught up, the next commit starts the WAL file from its beginning again.
 *
 * Nothing durable depends on it: a reading is durable once its commit is in the WAL (that is
 * what the ack promises); a checkpoint only moves it into the main file.
 */

export interface CheckpointResult {
  /** Pages in the WAL when the checkpoint ran. */
  walPages: number;
  /** Pages of them copied into the database file. */
  checkpointedPages: number;
  /** Epoch ms. */
  at: number;
}

export interface Checkpointer {
  /** The last checkpoint's figures, or null before the first. */
  readonly last: CheckpointResult | null;
  /** Checkpoints run so far. */
  readonly count: number;
  /** Stops the worker after a last checkpoint; resolves when its connection is closed. */
  stop(): Promise<void>;
}

type WorkerMessage =
  | { type: 'checkpoint'; walPages: number; checkpointedPages: number; at: number }
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
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', walPages: r.log, checkpointedPages: r.checkpointed, at: Date.now() });
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
    /** A checkpoint failed, or the worker ended without being asked to (fall back then). */
    onError?: (message: string) => void;
  } = {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? 1000 },
  });
  // A checkpointer must never keep the process alive on its own.
  worker.unref();
  let last: CheckpointResult | null = null;
  let count = 0;
  let stopping: Promise<void> | null = null;
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'checkpoint') {
        last = {
          walPages: message.walPages,
          checkpointedPages: message.checkpointedPages,
          at: message.at,
        };
        count++;
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
