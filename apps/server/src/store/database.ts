import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Database } from './schema';
import { migrationProvider } from './migrations';

export type ChairsideDb = Kysely<Database>;

export const SQLITE_FILE = 'chairside.sqlite';

/** Opens (creating if needed) `<dataDir>/chairside.sqlite` with the pragmas a monitor needs. */
export function openDatabase(dataDir: string): ChairsideDb {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(join(dataDir, SQLITE_FILE));
  // WAL: readers (dashboard queries) never block the writer (ingest). NORMAL is durable
  // against a crash of this process, which is what an ack promises; foreign keys keep
  // samples tied to real chairs; busy_timeout rides out a concurrent checkpoint.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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
