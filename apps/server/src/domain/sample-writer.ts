import { sql } from 'kysely';
import type { CompiledQuery } from 'kysely';
import type { StoredSample } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import { isStoreUnavailable } from '../store/database';
import { planRunnerFor } from '../store/plans';
import type { Plan as StorePlan } from '../store/plans';
import type { SamplesTable } from '../store/schema';
import { QueryTemplate } from '../store/templates';
import { notFound } from './errors';

/** A sample row as ingest builds it; the writer fills `session_id` inside the transaction. */
export type SampleRow = Omit<SamplesTable, 'seq'>;

export interface WriteResult {
  /** The newly stored samples (not the duplicates), in storage (`seq`) order. */
  stored: StoredSample[];
  duplicates: number;
}

interface Job {
  chairId: string;
  rows: SampleRow[];
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

interface InsertedRow {
  chair_id: string;
  id: string;
  seq: number;
}
interface ChairSessionRow {
  chair_id: string;
  session_id: string | null;
}

type JobOutcome = { ok: true; result: WriteResult } | { ok: false; error: unknown };

/** Columns in the order of the insert template's values. */
const COLUMNS = [
  'chair_id',
  'id',
  'at',
  'received_at',
  'source',
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'sedation_scale',
  'sedation_score',
  'entered_by',
  'session_id',
] as const satisfies readonly (keyof SampleRow)[];

/**
 * Statement shapes come in powers of two up to this many rows (or chairs), so a store prepares
 * at most 9 shapes of each instead of one per batch size. 256 rows x 15 columns stays far below
 * SQLite's (32766) and PostgreSQL's (65535) parameter limits.
 */
const MAX_CHUNK = 256;
/** A flush stops taking jobs past this many rows: the rest go in the next transaction. */
const MAX_FLUSH_ROWS = 4096;
/**
 * Once this many rows wait, they are stored at once instead of at the end of the turn. Under
 * overload one turn reads thousands of messages; each waiting caller (its packet, validated
 * samples, rows and promises) then lived through the scavenges of that long turn, was promoted
 * and died in the old generation: at 10,000 readings/s the heap swung by ~100 MB a second and
 * RSS passed 300 MB. 256 rows still make one commit cheap per reading.
 */
export const EAGER_FLUSH_ROWS = 256;

function chunkSizes(n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  while (left > 0) {
    let size = MAX_CHUNK;
    while (size > left) size >>= 1;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

const keyOf = (chairId: string, id: string): string => `${chairId}\u0000${id}`;

/** One storing transaction as a plan (store/plans.ts): one definition for both paths. */
type Plan = StorePlan<JobOutcome[]>;

/**
 * Group commit for ingest: the batches of every caller that arrive in one event-loop turn (the
 * messages of many devices read in one poll) are stored in ONE transaction, committed once,
 * instead of one transaction each. A commit is most of what storing a reading costs (SQLite
 * appends the touched pages to its WAL per commit), so this is where ingest throughput comes
 * from. What each caller sees does not change:
 * - its promise settles only after the commit that holds its samples (never before);
 * - its own errors stay its own: a chair that does not exist fails that caller alone; an error
 *   of the transaction as a whole that is not an outage makes the writer run each caller in a
 *   transaction of its own, so one bad batch cannot fail its neighbours;
 * - a store outage fails every caller of that transaction (nothing of it was stored), each
 *   with the store's error, and they send again;
 * - idempotency by (chair_id, id) as before (ON CONFLICT DO NOTHING); a sample id repeated in
 *   one transaction is stored once, for the first caller that sent it.
 *
 * No state is kept between transactions: the chair and its open session are read inside each
 * one, so a session opened or closed by another process is seen at the next transaction.
 */
export class SampleWriter {
  readonly #db: ChairsideDb;
  #queue: Job[] = [];
  #queuedRows = 0;
  #scheduled = false;
  #running = false;
  #transactions = 0;
  readonly #insert = new Map<number, QueryTemplate<InsertedRow>>();
  readonly #lookup = new Map<number, QueryTemplate<ChairSessionRow>>();

  constructor(db: ChairsideDb) {
    this.#db = db;
  }

  /** Storing transactions begun so far (tests; a measure of how well callers are grouped). */
  get transactions(): number {
    return this.#transactions;
  }

  /** Stores one caller's rows (of one chair) with the others of this turn. */
  write(chairId: string, rows: SampleRow[]): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.#queue.push({ chairId, rows, resolve, reject });
      this.#queuedRows += rows.length;
      // While a transaction runs (PostgreSQL awaits it) its drain takes these next.
      if (this.#running) return;
      if (this.#queuedRows >= EAGER_FLUSH_ROWS) {
        void this.#drain();
        return;
      }
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the poll phase: every message read in this turn is queued by then.
        setImmediate(() => {
          this.#scheduled = false;
          if (!this.#running) void this.#drain();
        });
      }
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      // While one transaction runs (PostgreSQL: awaits the network), the next callers queue
      // up and go together in the following one.
      while (this.#queue.length > 0) await this.#flush(this.#take());
    } finally {
      this.#running = false;
    }
  }

  #take(): Job[] {
    let rows = 0;
    let n = 0;
    while (n < this.#queue.length && (n === 0 || rows < MAX_FLUSH_ROWS)) {
      rows += this.#queue[n]?.rows.length ?? 0;
      n++;
    }
    this.#queuedRows -= rows;
    return this.#queue.splice(0, n);
  }

  async #flush(jobs: Job[]): Promise<void> {
    let outcomes: JobOutcome[];
    try {
      outcomes = await this.#transaction(jobs);
    } catch (error) {
      if (jobs.length === 1 || isStoreUnavailable(error)) {
        for (const job of jobs) job.reject(error);
        return;
      }
      // Something in one batch broke the shared transaction (rolled back: nothing stored).
      // Each caller alone, so the error lands on the batch that caused it.
      for (const job of jobs) {
        let alone: JobOutcome[];
        try {
          alone = await this.#transaction([job]);
        } catch (jobError) {
          job.reject(jobError);
          continue;
        }
        settle(job, alone[0]);
      }
      return;
    }
    jobs.forEach((job, i) => {
      settle(job, outcomes[i]);
    });
  }

  /** Runs one storing transaction (synchronously on SQLite when it can: store/plans.ts). */
  #transaction(jobs: readonly Job[]): Promise<JobOutcome[]> {
    return planRunnerFor(this.#db).run(() => this.#plan(jobs));
  }

  *#plan(jobs: readonly Job[]): Plan {
    this.#transactions++;
    const sessions = yield* this.#chairsAndSessions([...new Set(jobs.map((j) => j.chairId))]);

    // Rows to insert, each sample key once (the first caller that sent it owns it).
    const owner = new Map<string, number>();
    const values: unknown[] = [];
    let count = 0;
    jobs.forEach((job, j) => {
      const session = sessions.get(job.chairId);
      if (session === undefined) return;
      for (const row of job.rows) {
        row.session_id = session;
        const key = keyOf(row.chair_id, row.id);
        if (owner.has(key)) continue;
        owner.set(key, j);
        for (const column of COLUMNS) values.push(row[column]);
        count++;
      }
    });

    const seqByKey = new Map<string, number>();
    let offset = 0;
    for (const size of chunkSizes(count)) {
      const chunk = values.slice(offset * COLUMNS.length, (offset + size) * COLUMNS.length);
      const rows = (yield this.#insertTemplate(size).fill(chunk)) as InsertedRow[];
      for (const r of rows) seqByKey.set(keyOf(r.chair_id, r.id), r.seq);
      offset += size;
    }

    return jobs.map((job, j): JobOutcome => {
      const session = sessions.get(job.chairId);
      if (session === undefined)
        return { ok: false, error: notFound(`chair "${job.chairId}" does not exist`) };
      const fresh: { seq: number; row: SampleRow }[] = [];
      for (const row of job.rows) {
        const key = keyOf(row.chair_id, row.id);
        const seq = seqByKey.get(key);
        if (seq === undefined || owner.get(key) !== j) continue;
        // A batch that repeats an id stores (and reports) it once.
        seqByKey.delete(key);
        fresh.push({ seq, row });
      }
      // The arrival order the reconnect cursors rely on.
      fresh.sort((a, b) => a.seq - b.seq);
      const stored = fresh.map(({ seq, row }) => storedSample(row, seq));
      return { ok: true, result: { stored, duplicates: job.rows.length - stored.length } };
    });
  }

  /** Each existing chair with its open session's id (null: none); missing chairs are absent. */
  *#chairsAndSessions(
    chairIds: string[],
  ): Generator<CompiledQuery, Map<string, string | null>, unknown[]> {
    const found = new Map<string, string | null>();
    for (let start = 0; start < chairIds.length; start += MAX_CHUNK) {
      const ids = chairIds.slice(start, start + MAX_CHUNK);
      let shape = 1;
      while (shape < ids.length) shape <<= 1;
      // Padded with the last id to a power of two: repeats in IN (...) change nothing.
      const padded = ids.concat(Array<string>(shape - ids.length).fill(ids[ids.length - 1] ?? ''));
      const rows = (yield this.#lookupTemplate(shape).fill(padded)) as ChairSessionRow[];
      for (const r of rows) found.set(r.chair_id, r.session_id);
    }
    return found;
  }

  #insertTemplate(size: number): QueryTemplate<InsertedRow> {
    let template = this.#insert.get(size);
    if (template === undefined) {
      template = new QueryTemplate(size * COLUMNS.length, (p) =>
        this.#db
          .insertInto('samples')
          .values(
            Array.from({ length: size }, (_, r) => {
              const at = (c: number): never => p[r * COLUMNS.length + c] as never;
              const row: Record<string, never> = {};
              COLUMNS.forEach((column, c) => {
                row[column] = at(c);
              });
              return row as unknown as SampleRow;
            }),
          )
          .onConflict((oc) => oc.columns(['chair_id', 'id']).doNothing())
          .returning(['chair_id', 'id', 'seq']),
      );
      this.#insert.set(size, template);
    }
    return template;
  }

  #lookupTemplate(size: number): QueryTemplate<ChairSessionRow> {
    let template = this.#lookup.get(size);
    if (template === undefined) {
      // One read for the chair's existence and its open session (at most one: a unique index).
      // 'discharged' is written into the SQL, not bound: SQLite uses the partial index
      // sessions_one_open_per_chair for a bound value too, but then marks the statement to be
      // prepared again after every bind (measured: ~35 us per ingest transaction, a third of
      // what storing one reading costs).
      template = new QueryTemplate(size, (p) =>
        this.#db
          .selectFrom('chairs')
          .leftJoin('sessions', (join) =>
            join
              .onRef('sessions.chair_id', '=', 'chairs.id')
              .on('sessions.state', '<>', sql.lit('discharged')),
          )
          .select(['chairs.id as chair_id', 'sessions.id as session_id'])
          .where('chairs.id', 'in', p),
      );
      this.#lookup.set(size, template);
    }
    return template;
  }
}

function settle(job: Job, outcome: JobOutcome | undefined): void {
  if (outcome === undefined) job.reject(new Error('sample writer: a caller got no outcome'));
  else if (outcome.ok) job.resolve(outcome.result);
  else job.reject(outcome.error);
}

/** A stored row as broadcast (null columns left out, sedation as one object). */
export function toStoredSample(r: SampleRow & { seq: number }): StoredSample {
  return storedSample(r, r.seq);
}

function storedSample(r: SampleRow, seq: number): StoredSample {
  const out: StoredSample = {
    seq,
    id: r.id,
    at: new Date(r.at).toISOString(),
    source: r.source,
    chairId: r.chair_id,
    sessionId: r.session_id,
    receivedAt: new Date(r.received_at).toISOString(),
    enteredBy: r.entered_by,
  };
  if (r.hr !== null) out.hr = r.hr;
  if (r.sbp !== null) out.sbp = r.sbp;
  if (r.dbp !== null) out.dbp = r.dbp;
  if (r.spo2 !== null) out.spo2 = r.spo2;
  if (r.rr !== null) out.rr = r.rr;
  if (r.etco2 !== null) out.etco2 = r.etco2;
  if (r.sedation_scale !== null && r.sedation_score !== null) {
    out.sedation =
      r.sedation_scale === 'MOAA/S'
        ? { scale: 'MOAA/S', score: r.sedation_score }
        : { scale: 'RASS', score: r.sedation_score };
  }
  return out;
}

const writers = new WeakMap<ChairsideDb, SampleWriter>();

/** The one writer of a store (one per Kysely instance, so tests with several stores keep theirs). */
export function sampleWriterFor(db: ChairsideDb): SampleWriter {
  let writer = writers.get(db);
  if (writer === undefined) {
    writer = new SampleWriter(db);
    writers.set(db, writer);
  }
  return writer;
}
