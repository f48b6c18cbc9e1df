import type { Generated, Kysely } from 'kysely';
import type { SimulatorRun, SimulatorRunEvent, SimulatorRunState } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import type { Database } from '../store/schema';

/**
 * The simulator's own tables (migration 003_simulator_runs). They are typed here rather than in
 * the shared schema file because only the run host reads and writes them.
 */
export interface SimulatorRunsTable {
  id: string;
  chair_id: string;
  scenario: string;
  scenario_title: string;
  speed: number;
  seed: number;
  state: SimulatorRunState;
  /** Server time the trainer started the run. */
  started_at: number;
  started_by: string;
  /** Sample time at which the scenario is over by itself. */
  ends_at: number;
  ended_at: number | null;
  ended_by: string | null;
  samples_sent: number;
  samples_stored: number;
  samples_refused: number;
}

export interface SimulatorRunEventsTable {
  seq: Generated<number>;
  run_id: string;
  at: number;
  by: string;
  type: string;
  /** JSON of the validated event. */
  event: string;
}

type SimulatorTables = {
  simulator_runs: SimulatorRunsTable;
  simulator_run_events: SimulatorRunEventsTable;
};

export type SimulatorDb = Kysely<Database & SimulatorTables>;

export function simulatorDb(db: ChairsideDb): SimulatorDb {
  return db.withTables<SimulatorTables>();
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface EventRow {
  seq: number;
  run_id: string;
  at: number;
  by: string;
  type: string;
  event: string;
}

function toRunEvent(row: EventRow): SimulatorRunEvent {
  return {
    seq: row.seq,
    at: iso(row.at),
    by: row.by,
    type: row.type,
    event: JSON.parse(row.event) as Record<string, unknown>,
  };
}

export function toRun(row: SimulatorRunsTable, events: readonly SimulatorRunEvent[]): SimulatorRun {
  return {
    id: row.id,
    chairId: row.chair_id,
    scenario: row.scenario,
    scenarioTitle: row.scenario_title,
    speed: row.speed,
    seed: row.seed,
    state: row.state,
    startedAt: iso(row.started_at),
    startedBy: row.started_by,
    endsAt: iso(row.ends_at),
    endedAt: row.ended_at === null ? null : iso(row.ended_at),
    endedBy: row.ended_by,
    samplesSent: row.samples_sent,
    samplesStored: row.samples_stored,
    samplesRefused: row.samples_refused,
    events: [...events],
  };
}

export async function insertRun(db: SimulatorDb, row: SimulatorRunsTable): Promise<void> {
  await db.insertInto('simulator_runs').values(row).execute();
}

export async function updateRun(
  db: SimulatorDb,
  id: string,
  patch: Partial<Omit<SimulatorRunsTable, 'id'>>,
): Promise<void> {
  await db.updateTable('simulator_runs').set(patch).where('id', '=', id).execute();
}

export async function insertRunEvent(
  db: SimulatorDb,
  row: Omit<SimulatorRunEventsTable, 'seq'>,
): Promise<SimulatorRunEvent> {
  const inserted = await db
    .insertInto('simulator_run_events')
    .values(row)
    .returning('seq')
    .executeTakeFirstOrThrow();
  return toRunEvent({ ...row, seq: inserted.seq });
}

export async function findRunRow(db: SimulatorDb, id: string): Promise<SimulatorRunsTable | null> {
  return (
    (await db.selectFrom('simulator_runs').selectAll().where('id', '=', id).executeTakeFirst()) ??
    null
  );
}

export async function listRunRows(
  db: SimulatorDb,
  filter: { state?: SimulatorRunState | undefined; chairId?: string | undefined },
  limit: number,
): Promise<SimulatorRunsTable[]> {
  let sel = db.selectFrom('simulator_runs').selectAll();
  if (filter.state !== undefined) sel = sel.where('state', '=', filter.state);
  if (filter.chairId !== undefined) sel = sel.where('chair_id', '=', filter.chairId);
  return sel.orderBy('started_at', 'desc').orderBy('id').limit(limit).execute();
}

/** The injected events of these runs, oldest first, by run. */
export async function eventsOfRuns(
  db: SimulatorDb,
  runIds: readonly string[],
): Promise<Map<string, SimulatorRunEvent[]>> {
  const byRun = new Map<string, SimulatorRunEvent[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('simulator_run_events')
    .selectAll()
    .where('run_id', 'in', [...runIds])
    .orderBy('seq')
    .execute();
  for (const row of rows) byRun.get(row.run_id)?.push(toRunEvent(row));
  return byRun;
}

/**
 * Runs the store still calls running belong to a process that is gone (crash, restart): they
 * are marked stopped at `now` so no chair looks busy forever. Returns how many.
 */
export async function stopOrphanedRuns(db: SimulatorDb, now: number): Promise<number> {
  const result = await db
    .updateTable('simulator_runs')
    .set({ state: 'stopped', ended_at: now })
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
