import { randomInt, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { medianMs, SimulatorRunCreateSchema, toErrorIssues } from '@chairside/core';
import type {
  DebriefAlarm,
  SimulatorDebrief,
  SimulatorRun,
  SimulatorRunEvent,
  SimulatorRunQuery,
  User,
} from '@chairside/core';
import { FeedClient, parseSimulatorEvent } from '@chairside/simulator';
import type { FeedClientEvent } from '@chairside/simulator';
import { issueToken } from '../domain/auth';
import type { AuthContext } from '../domain/auth';
import { assertChairExists } from '../domain/chairs';
import { conflict, DomainError, invalid, notFound } from '../domain/errors';
import { applySessionEvent, openSessionRow } from '../domain/sessions';
import { toAlertRecord } from '../alarms/store';
import { createPlayer, isPumpEvent, listScenarios } from './players';
import type { Player, ScenarioSummary } from './players';
import {
  eventsOfRuns,
  findRunRow,
  insertRun,
  insertRunEvent,
  listRunRows,
  simulatorDb,
  stopOrphanedRuns,
  toRun,
  updateRun,
} from './store';
import type { SimulatorDb, SimulatorRunsTable } from './store';

/**
 * SimulatorHost: the training runs of this server. Each run plays a scenario onto one chair in
 * real time (sample timestamps are the server clock; at speed N the patient lives N seconds per
 * second) and sends every reading through the PUBLIC socket ingest with a FeedClient to the
 * server's own URL, logged in as the trainer who started it: the readings take exactly the path
 * of a bedside device (validation, storage, alarms, broadcast), never a shortcut into the store.
 */

export interface SimulatorHostOptions {
  ctx: AuthContext;
  logger: Logger;
  /** Real-time interval between two advances of every run (default 250 ms). */
  tickMs?: number;
  /** The PhysioNet 2012 folder for `physionet:<recordId>` runs; null: none. */
  physioNetDir?: string | null;
  /**
   * Other server processes use the same store (REDIS_URL): a run recorded as running may be
   * theirs, so the start of this process leaves it alone.
   */
  sharedStore?: boolean;
}

export interface StartRunOptions {
  /**
   * Start the scenario this many model minutes in the past, as if it had been running: the
   * readings of that stretch are sent at once (the demo uses it so chairs are in different
   * phases from the first second).
   */
  backfillModelMinutes?: number;
}

interface ActiveRun {
  row: SimulatorRunsTable;
  player: Player;
  feed: FeedClient;
  seq: number;
  /** Pump changes of the script not yet applied to the chair's session. */
  pendingPump: {
    atMs: number;
    type:
      | 'infusion-started'
      | 'infusion-paused'
      | 'infusion-resumed'
      | 'infusion-stopped'
      | 'discharged';
  }[];
  /** Async work of this run (session changes, endings), one after the other. */
  work: Promise<void>;
  ending: boolean;
  lastPersistAt: number;
}

const DEFAULT_TICK_MS = 250;
const PERSIST_COUNTS_EVERY_MS = 5000;
/** On stop: how long the readings still buffered may take to reach the store. */
const STOP_FLUSH_MS = 3000;
/** Before a pump change: the readings up to it are stored first (the baseline needs them). */
const PUMP_FLUSH_MS = 10_000;
const LIST_LIMIT = 200;

/**
 * Several server processes share one store (REDIS_URL, PostgreSQL), but a run is played by the
 * process that started it: another one cannot stop it or change its patient.
 */
function playedElsewhere(runId: string): DomainError {
  return conflict(
    'run_on_another_process',
    `simulator run "${runId}" is played by another server process: stop it or inject there (the trainer's sticky session)`,
  );
}

export class SimulatorHost {
  private readonly ctx: AuthContext;
  private readonly db: SimulatorDb;
  private readonly logger: Logger;
  private readonly tickMs: number;
  private readonly physioNetDir: string | null;
  private readonly sharedStore: boolean;
  private readonly runs = new Map<string, ActiveRun>();
  /** Chairs with a run starting or running: the 409 check must not race. */
  private readonly busyChairs = new Set<string>();
  private url: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(options: SimulatorHostOptions) {
    this.ctx = options.ctx;
    this.db = simulatorDb(options.ctx.db);
    this.logger = options.logger;
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.physioNetDir = options.physioNetDir ?? null;
    this.sharedStore = options.sharedStore ?? false;
  }

  /**
   * After the migrations: runs left "running" by a previous process are marked stopped (alone
   * on the store only: with other processes sharing it, they may be theirs).
   */
  async start(): Promise<void> {
    if (this.sharedStore) return;
    const orphaned = await stopOrphanedRuns(this.db, this.ctx.clock());
    if (orphaned > 0)
      this.logger.info({ runs: orphaned }, 'simulator runs of the previous process marked stopped');
  }

  /** The server's own base URL, known once it listens: the feeds connect there. */
  setUrl(url: string): void {
    this.url = url;
  }

  scenarios(): Promise<ScenarioSummary[]> {
    return listScenarios(this.physioNetDir);
  }

  /** Starts a run (body as `POST /simulator/runs`); 400 naming the field, 404 chair, 409 busy. */
  async startRun(user: User, body: unknown, options: StartRunOptions = {}): Promise<SimulatorRun> {
    const parsed = SimulatorRunCreateSchema.safeParse(body);
    if (!parsed.success) throw invalid(toErrorIssues(parsed.error), 'simulator run');
    const input = parsed.data;
    if (this.closed || this.url === null)
      throw new DomainError(
        503,
        'not_ready',
        'the simulator is not available: the server is not listening',
      );
    await assertChairExists(this.ctx.db, input.chairId);
    if (this.busyChairs.has(input.chairId)) {
      throw conflict(
        'run_already_running',
        `chair "${input.chairId}" already has a simulator run: stop it first`,
      );
    }
    this.busyChairs.add(input.chairId);
    try {
      return await this.launch(user, { ...input, speed: input.speed ?? 1 }, options);
    } catch (error) {
      this.busyChairs.delete(input.chairId);
      throw error;
    }
  }

  private async launch(
    user: User,
    input: { chairId: string; scenario: string; speed: number; seed?: number | undefined },
    options: StartRunOptions,
  ): Promise<SimulatorRun> {
    const url = this.url ?? '';
    const now = this.ctx.clock();
    const seed = input.seed ?? randomInt(0, 2 ** 31 - 1);
    const backfill = Math.max(0, options.backfillModelMinutes ?? 0);
    const startAtMs = now - Math.round((backfill * 60_000) / input.speed);
    const player = await createPlayer({
      scenario: input.scenario,
      startAtMs,
      seed,
      speed: input.speed,
      physioNetDir: this.physioNetDir,
    });
    const id = randomUUID();
    const row: SimulatorRunsTable = {
      id,
      chair_id: input.chairId,
      scenario: input.scenario,
      scenario_title: player.title,
      speed: input.speed,
      seed,
      state: 'running',
      started_at: now,
      started_by: user.username,
      ends_at: player.endsAtMs,
      ended_at: null,
      ended_by: null,
      samples_sent: 0,
      samples_stored: 0,
      samples_refused: 0,
    };
    await insertRun(this.db, row);

    const mint = (): Promise<string> => issueToken(this.ctx.tokenSecret, user, this.ctx.clock());
    let run: ActiveRun | null = null;
    const feed = new FeedClient({
      url,
      token: await mint(),
      renewToken: mint,
      clock: this.ctx.clock,
      onEvent: (event) => {
        if (run !== null) this.onFeedEvent(run, event);
      },
    });
    run = {
      row,
      player,
      feed,
      seq: 0,
      pendingPump: [...player.pumpChanges],
      work: Promise.resolve(),
      ending: false,
      lastPersistAt: now,
    };
    this.runs.set(id, run);
    this.logger.info(
      {
        runId: id,
        chairId: input.chairId,
        scenario: input.scenario,
        speed: input.speed,
        by: user.username,
      },
      'simulator run started',
    );
    this.ensureTimer();
    this.advance(run);
    return toRun(row, []);
  }

  private onFeedEvent(run: ActiveRun, event: FeedClientEvent): void {
    switch (event.type) {
      case 'rejected':
        this.logger.warn(
          { runId: run.row.id, error: event.error, count: event.count },
          'simulator readings refused',
        );
        return;
      case 'auth-failed':
        // The trainer's account is gone or its token refused for good: the run cannot feed.
        this.logger.warn(
          { runId: run.row.id, message: event.message },
          'simulator run lost its login',
        );
        this.end(run, 'stopped', null);
        return;
      case 'connected':
      case 'disconnected':
      case 'server-error':
      case 'buffer-full':
        return;
    }
  }

  private ensureTimer(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      for (const run of this.runs.values()) this.advance(run);
    }, this.tickMs);
    this.timer.unref();
  }

  /** Sends what the scenario produced up to now; applies pump changes that came due; ends it. */
  private advance(run: ActiveRun): void {
    if (run.ending) return;
    const now = this.ctx.clock();
    const samples = run.player
      .advanceTo(now)
      .map((sample) => ({ ...sample, id: `${run.row.id}:${++run.seq}` }));
    if (samples.length > 0) {
      run.feed.send(run.row.chair_id, samples);
      run.row.samples_sent += samples.length;
    }
    const due = run.pendingPump.filter((p) => p.atMs <= now);
    if (due.length > 0) {
      run.pendingPump = run.pendingPump.filter((p) => p.atMs > now);
      this.queue(run, async () => {
        // The session's baseline is the median of its readings up to the start: store them first.
        await run.feed.flush(PUMP_FLUSH_MS);
        for (const change of due) await this.followPump(run, change.type, change.atMs);
      });
    }
    if (now - run.lastPersistAt >= PERSIST_COUNTS_EVERY_MS) {
      run.lastPersistAt = now;
      this.refreshCounts(run);
      this.queue(run, () => updateRun(this.db, run.row.id, this.counts(run)));
    }
    if (run.player.finished) this.end(run, 'finished', null);
  }

  private queue(run: ActiveRun, work: () => Promise<void>): void {
    run.work = run.work.then(work).catch((error: unknown) => {
      this.logger.error({ err: error, runId: run.row.id }, 'simulator run step failed');
    });
  }

  /** The chair's open session follows the simulated pump, so the dashboard's phase is the patient's. */
  private async followPump(
    run: ActiveRun,
    type:
      | 'infusion-started'
      | 'infusion-paused'
      | 'infusion-resumed'
      | 'infusion-stopped'
      | 'discharged',
    atMs: number,
  ): Promise<void> {
    const session = await openSessionRow(this.ctx.db, run.row.chair_id);
    if (session === undefined) return;
    try {
      await applySessionEvent(this.ctx, `simulator:${run.row.started_by}`, session.id, {
        type,
        at: new Date(atMs).toISOString(),
      });
    } catch (error) {
      // A nurse may have moved the session already (paused the pump herself): hers stands.
      if (!(error instanceof DomainError)) throw error;
      this.logger.info(
        { runId: run.row.id, type, reason: error.message },
        'session not moved by the simulator',
      );
    }
  }

  private refreshCounts(run: ActiveRun): void {
    const stats = run.feed.stats();
    run.row.samples_stored = stats.acked;
    run.row.samples_refused = stats.rejected + stats.dropped;
  }

  private counts(
    run: ActiveRun,
  ): Pick<SimulatorRunsTable, 'samples_sent' | 'samples_stored' | 'samples_refused'> {
    return {
      samples_sent: run.row.samples_sent,
      samples_stored: run.row.samples_stored,
      samples_refused: run.row.samples_refused,
    };
  }

  /** Ends a run once: the readings still buffered get a moment to arrive, then it is recorded. */
  private end(run: ActiveRun, state: 'finished' | 'stopped', by: string | null): void {
    if (run.ending) return;
    run.ending = true;
    this.queue(run, async () => {
      await run.feed.flush(STOP_FLUSH_MS);
      this.refreshCounts(run);
      run.feed.close();
      run.row.state = state;
      run.row.ended_at = this.ctx.clock();
      run.row.ended_by = by;
      await updateRun(this.db, run.row.id, {
        state,
        ended_at: run.row.ended_at,
        ended_by: by,
        ...this.counts(run),
      });
      this.runs.delete(run.row.id);
      this.busyChairs.delete(run.row.chair_id);
      if (this.runs.size === 0 && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
      this.logger.info({ runId: run.row.id, state, by }, 'simulator run ended');
    });
  }

  /** Stops a running run (trainer, admin); a run already over is answered as it is. */
  async stopRun(runId: string, user: User): Promise<SimulatorRun> {
    const run = this.runs.get(runId);
    if (run !== undefined) {
      this.end(run, 'stopped', user.username);
      await run.work;
    } else {
      const row = await findRunRow(this.db, runId);
      if (row?.state === 'running') throw playedElsewhere(runId);
    }
    return this.getRun(runId);
  }

  /** A live event from the trainer, applied now and recorded with who and when. */
  async inject(
    runId: string,
    user: User,
    body: unknown,
  ): Promise<{ event: SimulatorRunEvent; run: SimulatorRun }> {
    const run = this.runs.get(runId);
    if (run === undefined) {
      const row = await findRunRow(this.db, runId);
      if (row === null) throw notFound(`simulator run "${runId}" does not exist`);
      if (row.state === 'running') throw playedElsewhere(runId);
      throw conflict(
        'run_not_running',
        `simulator run "${runId}" is ${row.state}: events go to a running run only`,
      );
    }
    const parsed = parseSimulatorEvent(body);
    if (!parsed.ok) throw invalid(parsed.issues, 'simulator event');
    // Bring the patient up to now first, so the event starts at the moment it was pressed
    // (this may also find the scenario over, or the run already stopping).
    this.advance(run);
    if (run.ending)
      throw conflict(
        'run_not_running',
        `simulator run "${runId}" is ending: events go to a running run only`,
      );
    run.player.inject(parsed.value);
    const now = this.ctx.clock();
    const type = parsed.value.type;
    if (isPumpEvent(type)) this.queue(run, () => this.followPump(run, type, now));
    const event = await insertRunEvent(this.db, {
      run_id: runId,
      at: now,
      by: user.username,
      type,
      event: JSON.stringify(parsed.value),
    });
    this.logger.info({ runId, type, by: user.username }, 'simulator event injected');
    return { event, run: await this.getRun(runId) };
  }

  async getRun(runId: string): Promise<SimulatorRun> {
    const row = await findRunRow(this.db, runId);
    if (row === null) throw notFound(`simulator run "${runId}" does not exist`);
    const events = await eventsOfRuns(this.db, [runId]);
    return toRun(this.live(row), events.get(runId) ?? []);
  }

  async listRuns(query: SimulatorRunQuery): Promise<SimulatorRun[]> {
    const rows = await listRunRows(this.db, query, LIST_LIMIT);
    const events = await eventsOfRuns(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => toRun(this.live(row), events.get(row.id) ?? []));
  }

  /** A running run's counts are in memory; the store has them as of the last few seconds. */
  private live(row: SimulatorRunsTable): SimulatorRunsTable {
    const run = this.runs.get(row.id);
    if (run === undefined) return row;
    this.refreshCounts(run);
    return { ...row, ...this.counts(run) };
  }

  /**
   * Every alarm of the run's chair that was shown while the run went on (by server time of
   * first display, so a backfilled or buffered reading still counts), with who acknowledged it
   * and how fast; alarms acknowledged after the run ended still get their time.
   */
  async debrief(runId: string): Promise<SimulatorDebrief> {
    const run = await this.getRun(runId);
    const from = Date.parse(run.startedAt);
    const to = run.endedAt === null ? this.ctx.clock() : Date.parse(run.endedAt);
    const rows = await this.ctx.db
      .selectFrom('alerts')
      .selectAll()
      .where('chair_id', '=', run.chairId)
      .where('notified_at', '>=', from)
      .where('notified_at', '<=', to)
      .orderBy('notified_at')
      .orderBy('id')
      .execute();
    const alarms: DebriefAlarm[] = rows.map((row) => {
      const alert = toAlertRecord(row);
      return {
        alertId: alert.id,
        parameter: alert.parameter,
        kind: alert.kind,
        priority: alert.priority,
        message: alert.message,
        raisedAt: alert.raisedAt,
        clearedAt: alert.clearedAt,
        acknowledgedAt: alert.acknowledgedAt,
        acknowledgedBy: alert.acknowledgedBy,
        timeToAcknowledgeMs: alert.timeToAcknowledgeMs,
      };
    });
    const times = alarms.flatMap((a) =>
      a.timeToAcknowledgeMs === null ? [] : [a.timeToAcknowledgeMs],
    );
    return {
      run,
      alarms,
      summary: {
        count: alarms.length,
        acknowledged: times.length,
        neverAcknowledged: alarms.length - times.length,
        medianTimeToAcknowledgeMs: medianMs(times),
      },
    };
  }

  /** The running run of a chair, if any (the demo checks before starting one). */
  runningOn(chairId: string): string | null {
    for (const run of this.runs.values())
      if (run.row.chair_id === chairId && !run.ending) return run.row.id;
    return null;
  }

  /** On server close: every run is stopped and recorded before the sockets and the store go. */
  async close(): Promise<void> {
    this.closed = true;
    const runs = [...this.runs.values()];
    for (const run of runs) this.end(run, 'stopped', null);
    await Promise.all(runs.map((run) => run.work));
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
