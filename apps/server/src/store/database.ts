import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { migrationProvider } from './migrations';
import { startCheckpointer } from './checkpointer';
import type { Checkpointer } from './checkpointer';

export type ChairsideDb = Kysely<Database>;

export const SQLITE_FILE = 'chairside.sqlite';

/** Opens (creating if needed) `<dataDir>/chairside.sqlite` with the pragmas a monitor needs. */
export function openDatabase(
  dataDir: string,
  onCheckpointError?: (message: string) => void,
): ChairsideDb {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const sqlite = new SQLite(file);
  // WAL: readers (dashboard queries) never block the writer (ingest). NORMAL is durable
  // against a crash of this process, which is what an ack promises; foreign keys keep
  // samples tied to real chairs; busy_timeout rides out a concurrent checkpoint.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoints (copying the WAL into the database file, and syncing it) run on a worker
  // thread with its own connection (checkpointer.ts), never inside a commit of this event
  // loop: a commit that checkpointed took 70-150 ms, during which nothing was relayed. If the
  // worker fails, this connection checkpoints itself again (the default 1000 pages), so the WAL
  // cannot grow without bound. journal_size_limit trims the WAL file when it starts over; it is
  // above the worker's RESTART threshold (128 MB), so a WAL started over is rewritten in place.
  sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma(`journal_size_limit = ${160 * 1024 * 1024}`);
  // Statement journals in memory. With foreign keys on, every insert of samples keeps the
  // original of each page it changes, to undo the statement alone if a key check fails at its
  // end; past 64 kB (a batch of readings from 16 or more chairs touches that many index
  // leaves) SQLite spilled it to a new temp file: create, unlink, about 20 writes, close, some
  // 37 times a second at 500 chairs, all on the event loop. In memory it is a copy and a free;
  // it never holds more than one statement's pages (a 256-row chunk: a few MB).
  sqlite.pragma('temp_store = MEMORY');
  const checkpointer = startCheckpointer(file, {
    onError: (message) => {
      onCheckpointError?.(message);
      if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
    },
  });
  const db = new Kysely<Database>({
    dialect: new WriterFirstSqliteDialect({ database: withStatementCache(sqlite, checkpointer) }),
  });
  checkpointers.set(db, checkpointer);
  connections.set(db, sqlite);
  return db;
}

/**
 * Kysely's SQLite transactions as BEGIN IMMEDIATE instead of BEGIN: the writer lock is taken at
 * the start, where SQLite waits for it in the busy handler (busy_timeout), instead of at the
 * first write after a read, where SQLite answers SQLITE_BUSY at once if the checkpoint worker's
 * RESTART holds it (checkpointer.ts). One connection writes here, so nothing else waits longer.
 */
class WriterFirstSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class WriterFirstSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new WriterFirstSqliteDriver(this.#config);
  }
}

const connections = new WeakMap<ChairsideDb, SQLite.Database>();

/**
 * The better-sqlite3 connection under a SQLite store (null for PostgreSQL), for the one hot
 * path that runs its transaction synchronously on it (the sample writer). Anything else goes
 * through Kysely. Whoever uses it must check `inTransaction` first: Kysely may hold an open
 * transaction on the same connection between its awaits.
 */
export function sqliteConnectionOf(db: ChairsideDb): SQLite.Database | null {
  return connections.get(db) ?? null;
}

const checkpointers = new WeakMap<ChairsideDb, Checkpointer>();

/**
 * Closes a store: SQLite's checkpoint worker first (its last checkpoint and its connection),
 * then the store's own connection, so nothing still holds the file when this resolves (the
 * data folder may then be moved or removed). Use this rather than `db.destroy()`.
 */
export async function closeStore(db: ChairsideDb): Promise<void> {
  await checkpointers.get(db)?.stop();
  await db.destroy();
}

/**
 * Kysely asks better-sqlite3 to prepare every query anew; on the ingest path preparing cost as
 * much as running. Statements are kept by their SQL text (bounded; a batch of n samples has
 * its own text per n). Kysely runs one query at a time per connection, so a cached statement
 * is never busy when it is reused.
 */
function withStatementCache(
  sqlite: SQLite.Database,
  checkpointer: Checkpointer,
  max = 256,
): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      // The worker makes a last checkpoint and closes its connection on its own; closing
      // ours meanwhile is safe (SQLite coordinates the two through the WAL index).
      void checkpointer.stop();
      sqlite.close();
    },
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (cache.size >= max) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens the PostgreSQL store of a larger site (`DATABASE_URL`). Same schema, same migrations.
 * int8 (bigint) columns hold epoch milliseconds and counts: parsed to numbers (exact below
 * 2^53, which epoch ms stay for the next 285,000 years) instead of pg's default strings.
 */
export function openPostgres(
  databaseUrl: string,
  onConnectionError: (error: Error) => void = () => undefined,
): ChairsideDb {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
  // A request must fail fast (and be answered 503) when the database is unreachable, not hang.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    types,
    connectionTimeoutMillis: 3000,
  });
  // An idle pooled connection that the database drops (restart, failover) is reported here;
  // without a listener node would crash the whole monitor. The pool reconnects on next use.
  pool.on('error', onConnectionError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The store a server runs on: PostgreSQL when a URL is given, else SQLite in `dataDir`. */
export function openStore(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  onConnectionError?: (error: Error) => void;
  /** SQLite: the checkpoint worker failed (the store falls back to checkpointing itself). */
  onCheckpointError?: (message: string) => void;
}): ChairsideDb {
  return options.databaseUrl === undefined || options.databaseUrl === ''
    ? openDatabase(options.dataDir, options.onCheckpointError)
    : openPostgres(options.databaseUrl, options.onConnectionError);
}

/**
 * Whether a write failed on a unique constraint, in either store. SQLite serialises writers so
 * a check-then-insert never races there; PostgreSQL's concurrent transactions can, and the
 * loser must hear the same 409 as a sequential caller, not a 500.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const UNAVAILABLE_CODES = new Set([
  // node sockets to PostgreSQL
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  // PostgreSQL: shutting down, cannot connect now, connection failures, too many connections
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  // SQLite: locked past busy_timeout, disk full, I/O errors, file gone
  'SQLITE_BUSY',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
]);

/**
 * Whether an error means "the store cannot take this now" (as opposed to a bug): the request is
 * answered 503 with Retry-After, nothing of it was stored, and the client retries.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('code' in error && typeof error.code === 'string') {
    if (UNAVAILABLE_CODES.has(error.code) || error.code.startsWith('SQLITE_IOERR')) return true;
  }
  // pg reports a dropped or never-made connection without a code.
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(
    message,
  );
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: ChairsideDb): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const name = failed === undefined ? '' : ` (${failed.migrationName})`;
    throw new Error(`database migration failed${name}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
