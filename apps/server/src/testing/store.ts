import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Which store the server tests run on. The `server` vitest project uses SQLite; `server-pg`
 * runs the same files with CHAIRSIDE_TEST_STORE=postgres against TEST_DATABASE_URL, each test
 * server on a database of its own (created here, dropped when the test stops it), so the
 * whole suite proves the PostgreSQL store, not a sample of it.
 */
export const TEST_STORE: 'sqlite' | 'postgres' =
  process.env['CHAIRSIDE_TEST_STORE'] === 'postgres' ? 'postgres' : 'sqlite';

const adminUrl = process.env['TEST_DATABASE_URL'];
/** One database per data directory, so a restart on the same directory finds its data. */
const databases = new Map<string, string>();

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  if (adminUrl === undefined || adminUrl === '') {
    throw new Error('CHAIRSIDE_TEST_STORE=postgres needs TEST_DATABASE_URL');
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The database URL a test server on `dataDir` should use; undefined on SQLite. */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  if (TEST_STORE === 'sqlite') return undefined;
  const known = databases.get(dataDir);
  if (known !== undefined) return known;
  const name = `chairside_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl ?? '');
  url.pathname = `/${name}`;
  databases.set(dataDir, url.toString());
  return url.toString();
}

/** Drops the database of `dataDir` (after its server closed its pool). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  const url = databases.get(dataDir);
  if (url === undefined) return;
  databases.delete(dataDir);
  const name = new URL(url).pathname.slice(1);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A database of its own for a test that needs PostgreSQL whatever the project's store. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `chairside_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl ?? '');
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
