import type { CompiledQuery } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { ChairsideDb } from './database';
import { sqliteConnectionOf } from './database';

/**
 * One transaction as a plan: a generator that yields each compiled query and is handed back its
 * rows. The same plan runs through Kysely (PostgreSQL, or SQLite while Kysely holds a
 * transaction) or straight on SQLite's connection, so there is one definition of what a
 * transaction stores.
 */
export type Plan<T> = Generator<CompiledQuery, T, unknown[]>;

/**
 * Runs plans for one store. On SQLite, when no other transaction is open on the connection, a
 * plan runs synchronously on better-sqlite3 (BEGIN, its statements, COMMIT in one go), each SQL
 * text prepared once: Kysely's asynchronous path around the same statements cost about a fifth
 * of a reading's CPU, a dozen promise hops, and a fresh `prepare` of every statement it runs.
 * SQLite statements are synchronous anyway, so nothing else can run in between. While Kysely
 * holds a transaction (awaiting between its statements) the plan queues behind it through
 * Kysely instead. A thrown error rolls the transaction back on either path.
 */
export class PlanRunner {
  readonly #db: ChairsideDb;
  readonly #statements = new Map<string, SQLite.Statement>();
  readonly #rawStatements = new Map<string, SQLite.Statement>();
  #sync:
    | { sqlite: SQLite.Database; run: SQLite.Transaction<(plan: Plan<unknown>) => unknown> }
    | undefined;

  constructor(db: ChairsideDb) {
    this.#db = db;
  }

  run<T>(makePlan: () => Plan<T>): Promise<T> {
    const sqlite = sqliteConnectionOf(this.#db);
    if (sqlite !== null && !sqlite.inTransaction)
      // Runs now; a throw (the transaction rolled back) rejects the promise.
      return new Promise<T>((resolve) => {
        resolve(this.#runSync(sqlite, makePlan()));
      });
    return this.#db.transaction().execute(async (trx) => {
      const plan = makePlan();
      let step = plan.next([]);
      while (step.done !== true) step = plan.next((await trx.executeQuery(step.value)).rows);
      return step.value;
    });
  }

  /**
   * One read, its rows as arrays in the order of the query's selected columns. On SQLite,
   * outside a transaction, straight from better-sqlite3 in raw mode: building an object per
   * row was half of what reading a 4 h trend cost (14,400 rows: about 68 ms as objects against
   * 35 as arrays, measured on a slow machine). Elsewhere through Kysely, each row's values in
   * column order (the order a SELECT names them, on both stores).
   */
  async readArrays(query: CompiledQuery): Promise<unknown[][]> {
    const sqlite = sqliteConnectionOf(this.#db);
    if (sqlite !== null && !sqlite.inTransaction) {
      let statement = this.#rawStatements.get(query.sql);
      if (statement === undefined) {
        // A statement of its own: raw mode stays set on the statement it is set on.
        statement = sqlite.prepare(query.sql).raw(true);
        this.#rawStatements.set(query.sql, statement);
      }
      return statement.all(...query.parameters) as unknown[][];
    }
    const { rows } = await this.#db.executeQuery(query);
    return rows.map((row) => Object.values(row as Record<string, unknown>));
  }

  #runSync<T>(sqlite: SQLite.Database, plan: Plan<T>): T {
    // better-sqlite3 builds a transaction function with four variants per `transaction()`
    // call: built once per connection, not at every run (~8% of a flush's CPU at 500/s).
    if (this.#sync?.sqlite !== sqlite) {
      const run = sqlite.transaction((p: Plan<unknown>): unknown => {
        let step = p.next([]);
        while (step.done !== true) {
          const query = step.value;
          const statement = this.#statement(sqlite, query.sql);
          // A statement without RETURNING returns no rows (and better-sqlite3 refuses all()).
          step = p.next(
            statement.reader ? statement.all(...query.parameters) : noRows(statement, query),
          );
        }
        return step.value;
      });
      this.#sync = { sqlite, run };
    }
    // BEGIN IMMEDIATE: the transaction takes the writer lock before its first read. A deferred
    // one reads the chair's session first and upgrades to writing after, and SQLite answers an
    // upgrade that finds the lock held (the checkpoint worker's RESTART) with SQLITE_BUSY at
    // once, without waiting in the busy handler: 46 of 30,000 readings refused in one minute.
    return this.#sync.run.immediate(plan) as T;
  }

  /** Prepared once per SQL text (templates make a handful of shapes). */
  #statement(sqlite: SQLite.Database, text: string): SQLite.Statement {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = sqlite.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }
}

function noRows(statement: SQLite.Statement, query: CompiledQuery): unknown[] {
  statement.run(...query.parameters);
  return [];
}

const runners = new WeakMap<ChairsideDb, PlanRunner>();

/** The plan runner of a store (one per Kysely instance, so its prepared statements are its own). */
export function planRunnerFor(db: ChairsideDb): PlanRunner {
  let runner = runners.get(db);
  if (runner === undefined) {
    runner = new PlanRunner(db);
    runners.set(db, runner);
  }
  return runner;
}
