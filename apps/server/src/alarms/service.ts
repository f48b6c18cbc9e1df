import { randomUUID } from 'node:crypto';
import {
  AUDIO_PAUSE_MS,
  acknowledge,
  createAlarmState,
  deriveAlertState,
  evaluateSample,
  evaluateTime,
  priorityRank,
  rebuildAlarmState,
  vitalsDueIn,
} from '@chairside/core';
import type {
  AlarmContext,
  AlarmEngineState,
  AlarmResult,
  AlarmRuleOverride,
  AlarmRuleSet,
  AlarmSession,
  Alert,
  AlertChange,
  AlertPriority,
  AudioPause,
  AudioPauseMessage,
  Chair,
  ChairAlarmState,
  Session,
  StoredSample,
  User,
} from '@chairside/core';
import type { Logger } from 'pino';
import type { DomainContext } from '../domain/context';
import { notFound } from '../domain/errors';
import { Listeners } from '../domain/listeners';
import { loadSessions, openSessionRow } from '../domain/sessions';
import { toStoredSample } from '../domain/vitals';
import {
  effectiveRules,
  getSessionRules,
  loadClinicRules,
  loadSessionOverride,
  saveClinicRules,
  saveSessionRules,
} from './rules';
import type { ClinicAlarmRules, SessionAlarmRules } from './rules';
import {
  currentAudioPause,
  endAudioPause,
  findAlert,
  insertAudioPause,
  openAlertsOf,
  persistAlertChanges,
} from './store';
import type { StoredAudioPause } from './store';

/**
 * Runs core's alarm engine for every chair of the clinic:
 * - every stored sample goes through the engine in storage order (`samplesStored`), each chair's
 *   work on one queue so two batches, a tick and an acknowledgment never interleave;
 * - a tick (1 s) runs the time-based alarms (feed silent, parameter silent, vitals due) and
 *   escalation on the server clock;
 * - every change is stored (alert upserted + change appended, one transaction) and only THEN
 *   announced on `events.alertChanged`, which the socket layer broadcasts.
 *
 * Engine state is not persisted: at start each chair's state is rebuilt from its stored open
 * alerts and its recent samples (`rebuildAlarmState`). The samples are stored anyway, so this
 * costs no write per sample, and a rebuilt state cannot drift from what was stored.
 */

/** Recent samples replayed at a restart: long enough for the 11 min cuff-silence watch. */
export const REBUILD_WINDOW_MS = 15 * 60_000;
const REBUILD_MAX_SAMPLES = 5000;
export const DEFAULT_TICK_MS = 1000;

export interface AlarmServiceOptions {
  ctx: DomainContext;
  logger: Logger;
  /** Real-time interval of the tick; the tick itself reads the server clock. */
  tickMs?: number;
  newAlertId?: () => string;
  /**
   * Whether this process evaluates a chair's alarms (scale-out: one owner per chair, see
   * src/scale). Default: every chair, as a lone process does.
   */
  owns?: (chairId: string) => boolean;
}

export interface AlarmEvents {
  /** A stored alert change (after commit), to broadcast. */
  /** With the `seq` of the stored change: the dashboards' alert cursor. */
  alertChanged: Listeners<[change: AlertChange & { seq: number }]>;
  /** An audio pause began or ended early (after commit). */
  audioPauseChanged: Listeners<[message: AudioPauseMessage]>;
}

interface ChairAlarms {
  chairId: string;
  state: AlarmEngineState;
  /**
   * A second state object the next evaluation is written into (then the two swap): a chair's
   * state is rewritten every second, and a fresh object each time was promoted to the old
   * space and died there (see copyStateInto in core). Never the same object as `state`.
   */
  spare: AlarmEngineState;
  session: AlarmSession | null;
  override: AlarmRuleOverride | null;
  rules: AlarmRuleSet;
  pause: StoredAudioPause | null;
  /** The chair's work queue: each task starts after the previous one settled. */
  queue: Promise<unknown>;
  /** Tasks queued and not yet settled. At 0 the tick may evaluate the chair at once. */
  queued: number;
  tickQueued: boolean;
}

const toAlarmSession = (s: Session | null): AlarmSession | null =>
  s === null || s.state === 'discharged'
    ? null
    : { id: s.id, state: s.state, baseline: s.baseline, events: s.events };

const moreSevere = (a: AlertPriority, b: AlertPriority | null): boolean =>
  b === null || priorityRank(a) < priorityRank(b);

/** Chairs evaluated by the tick between two looks at I/O (see `tick`). */
const TICK_SLICE = 25;

export class AlarmService {
  readonly events: AlarmEvents;
  readonly #ctx: DomainContext;
  readonly #logger: Logger;
  readonly #tickMs: number;
  readonly #newAlertId: () => string;
  readonly #owns: (chairId: string) => boolean;
  readonly #chairs = new Map<string, ChairAlarms>();
  #clinic: ClinicAlarmRules | null = null;
  #timer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => void)[] = [];
  #starting: Promise<void> | null = null;

  constructor(options: AlarmServiceOptions) {
    this.#ctx = options.ctx;
    this.#logger = options.logger;
    this.#tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.#newAlertId = options.newAlertId ?? randomUUID;
    this.#owns = options.owns ?? (() => true);
    const onError = (error: unknown): void => {
      this.#logger.error({ err: error }, 'alarm listener failed');
    };
    this.events = {
      alertChanged: new Listeners(onError),
      audioPauseChanged: new Listeners(onError),
    };
  }

  /** Loads the rules, rebuilds every chair, listens to the domain events and starts the tick. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      this.#clinic = await loadClinicRules(this.#ctx.db);
      const { events } = this.#ctx;
      this.#unsubscribe.push(
        events.samplesStored.add((chairId, samples) => this.#onSamples(chairId, samples)),
        events.chairChanged.add((chair) => this.#onChairChanged(chair)),
      );
      const chairs = await this.#ctx.db.selectFrom('chairs').select('id').execute();
      await Promise.all(chairs.filter((c) => this.#owns(c.id)).map((c) => this.#chair(c.id).queue));
      this.#timer = setInterval(() => {
        this.tick().catch((error: unknown) => {
          this.#logger.error({ err: error }, 'alarm tick failed');
        });
      }, this.#tickMs);
    })();
    return this.#starting;
  }

  /** Stops the tick and the listeners, then waits for the work already queued. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    for (const off of this.#unsubscribe.splice(0)) off();
    await this.idle();
  }

  /** Resolves when every chair's queued work is done (tests, shutdown). */
  async idle(): Promise<void> {
    let pending: Promise<unknown>[];
    do {
      pending = [...this.#chairs.values()].map((c) => c.queue);
      await Promise.all(pending);
    } while ([...this.#chairs.values()].some((c, i) => c.queue !== pending[i]));
  }

  /** One evaluation of the time-based alarms for every chair, on the server clock. */
  async tick(): Promise<void> {
    const runs: Promise<unknown>[] = [];
    let queued = 0;
    for (const chair of [...this.#chairs.values()]) {
      if (!this.#owns(chair.chairId)) continue;
      // A slow store must not pile up ticks: one queued tick per chair is enough.
      if (chair.tickQueued) continue;
      if (chair.queued === 0) {
        // Nothing waits on this chair: evaluated now. Almost always nothing changes (no
        // alarm is due this second), and then nothing is queued at all: 500 chairs each
        // going through the queue and #apply's awaits every second was as many promise
        // chains as the readings themselves.
        const stored = this.#tickNow(chair);
        if (stored !== null) runs.push(stored);
      } else {
        chair.tickQueued = true;
        const run = this.#enqueue(chair, async () => {
          chair.tickQueued = false;
          const now = this.#ctx.clock();
          const context = this.#context(chair);
          await this.#apply(chair, evaluateTime(chair.state, now, context, chair.spare), now, null);
          this.#expirePause(chair, now);
        });
        // Awaited below with the others; handled now so a failure during a pause between
        // slices is not taken for an unhandled rejection.
        run.catch(() => undefined);
        runs.push(run);
      }
      // Readings waiting on the socket go first every TICK_SLICE chairs: 500 chairs evaluated
      // in one go held the event loop for 2-7 ms each second, the tail of every reading's
      // latency to the dashboards.
      if (++queued % TICK_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(runs);
  }

  /** The engine state of a chair (read-only use: the tile's vitals-due countdown, tests). */
  stateOf(chairId: string): AlarmEngineState | null {
    return this.#chairs.get(chairId)?.state ?? null;
  }

  /**
   * Acknowledges an alert for everyone. Twice is harmless: the first who and when are kept.
   * An alert the engine no longer holds (it cleared by itself) still gets the record.
   */
  async acknowledge(alertId: string, user: User): Promise<Alert> {
    const stored = await findAlert(this.#ctx.db, alertId);
    if (stored === null) throw notFound(`alert "${alertId}" does not exist`);
    const chair = this.#chair(stored.chairId);
    return this.#enqueue(chair, async () => {
      const now = this.#ctx.clock();
      const result = acknowledge(chair.state, alertId, user.username, now);
      switch (result.outcome) {
        case 'acknowledged': {
          await this.#apply(chair, result, now, user.username);
          const change = result.changes[0];
          if (change === undefined) throw new Error('acknowledge reported no change');
          return change.alert;
        }
        case 'already-acknowledged':
        case 'not-open': {
          const current = await findAlert(this.#ctx.db, alertId);
          if (current === null) throw notFound(`alert "${alertId}" does not exist`);
          if (current.acknowledgedAt !== null) return current;
          const acknowledged: Alert = {
            ...current,
            acknowledgedAt: new Date(now).toISOString(),
            acknowledgedBy: user.username,
          };
          acknowledged.state = deriveAlertState(acknowledged);
          await this.#store([{ type: 'acknowledged', alert: acknowledged }], now, user.username);
          return acknowledged;
        }
      }
    });
  }

  /** A chair's open alerts, vitals-due countdown and audio pause, as of the server clock. */
  async chairState(chairId: string): Promise<ChairAlarmState> {
    await this.#assertChair(chairId);
    const chair = this.#chair(chairId);
    return this.#enqueue(chair, () => {
      const now = this.#ctx.clock();
      const openAlerts = chair.state.open
        .map((ep) => ep.alert)
        .sort(
          (a, b) =>
            priorityRank(a.priority) - priorityRank(b.priority) ||
            Date.parse(b.raisedAt) - Date.parse(a.raisedAt),
        );
      const pause =
        chair.pause !== null && Date.parse(chair.pause.pause.until) > now
          ? chair.pause.pause
          : null;
      return Promise.resolve({
        chairId,
        openAlerts,
        vitalsDue: vitalsDueIn(chair.state, chair.session, chair.rules, now),
        pause,
      });
    });
  }

  // --- rules ------------------------------------------------------------------------------

  clinicRules(): ClinicAlarmRules {
    if (this.#clinic === null) throw new Error('the alarm service has not started');
    return this.#clinic;
  }

  async setClinicRules(actor: string, body: unknown): Promise<ClinicAlarmRules> {
    const saved = await saveClinicRules(this.#ctx, actor, body);
    this.#clinic = saved;
    // From the next sample or tick on, every chair runs on the new set (a new object, so the
    // engine's per-rule-set caches start afresh).
    for (const chair of this.#chairs.values()) this.#refreshRules(chair);
    return saved;
  }

  sessionRules(sessionId: string): Promise<SessionAlarmRules> {
    return getSessionRules(this.#ctx.db, this.clinicRules().rules, sessionId);
  }

  async setSessionRules(
    actor: string,
    sessionId: string,
    body: unknown,
  ): Promise<SessionAlarmRules> {
    const { chairId, ...saved } = await saveSessionRules(
      this.#ctx,
      this.clinicRules().rules,
      actor,
      sessionId,
      body,
    );
    const chair = this.#chairs.get(chairId);
    if (chair?.session?.id === sessionId) {
      chair.override = saved.override;
      this.#refreshRules(chair);
    }
    return saved;
  }

  // --- audio pause ------------------------------------------------------------------------

  /** A shared 2-minute audio pause of one chair. */
  async pauseAudio(chairId: string, user: User): Promise<AudioPause> {
    await this.#assertChair(chairId);
    const chair = this.#chair(chairId);
    return this.#enqueue(chair, async () => {
      const now = this.#ctx.clock();
      // A later alarm breaks through only if it is worse than everything already sounding.
      let ceiling: AlertPriority | null = null;
      for (const ep of chair.state.open) {
        if (ep.alert.state === 'active' && moreSevere(ep.alert.priority, ceiling))
          ceiling = ep.alert.priority;
      }
      chair.pause = await insertAudioPause(this.#ctx.db, {
        chairId,
        by: user.username,
        from: now,
        until: now + AUDIO_PAUSE_MS,
        ceiling,
      });
      this.events.audioPauseChanged.emit({ pause: chair.pause.pause });
      return chair.pause.pause;
    });
  }

  async currentPause(chairId: string): Promise<AudioPause | null> {
    await this.#assertChair(chairId);
    return (await currentAudioPause(this.#ctx.db, chairId, this.#ctx.clock()))?.pause ?? null;
  }

  // --- internals --------------------------------------------------------------------------

  async #assertChair(chairId: string): Promise<void> {
    const exists = await this.#ctx.db
      .selectFrom('chairs')
      .select('id')
      .where('id', '=', chairId)
      .executeTakeFirst();
    if (exists === undefined) throw notFound(`chair "${chairId}" does not exist`);
  }

  /** A pause that ran out is announced, so every viewer's sound comes back together. */
  #expirePause(chair: ChairAlarms, now: number): void {
    if (chair.pause === null || Date.parse(chair.pause.pause.until) > now) return;
    chair.pause = null;
    this.events.audioPauseChanged.emit({ pause: null, chairId: chair.chairId, reason: 'expired' });
  }

  #enqueue<T>(chair: ChairAlarms, task: () => Promise<T>): Promise<T> {
    chair.queued++;
    const result = chair.queue.then(task);
    // The queue goes on after a failed task; the failure reaches whoever awaits `result`.
    chair.queue = result.then(
      () => {
        chair.queued--;
      },
      (error: unknown) => {
        chair.queued--;
        this.#logger.error({ err: error, chairId: chair.chairId }, 'alarm evaluation failed');
      },
    );
    return result;
  }

  /**
   * The tick of a chair whose queue is empty, run at once instead of as a task: with nothing
   * queued, no task could have run before it, so the outcome is the same. A result without
   * changes is the new state straight away (nothing to store, announce or break through); one
   * with changes is stored and announced as the chair's next task, as before, and that task
   * is returned (null: nothing to store).
   */
  #tickNow(chair: ChairAlarms): Promise<void> | null {
    let result: AlarmResult;
    const now = this.#ctx.clock();
    try {
      result = evaluateTime(chair.state, now, this.#context(chair), chair.spare);
    } catch (error) {
      this.#logger.error({ err: error, chairId: chair.chairId }, 'alarm evaluation failed');
      return null;
    }
    if (result.changes.length === 0) {
      this.#takeState(chair, result.state);
      this.#expirePause(chair, now);
      return null;
    }
    const stored = this.#enqueue(chair, async () => {
      await this.#apply(chair, result, now, null);
      this.#expirePause(chair, now);
    });
    // A failure is logged by the queue; whoever awaits this (the tick) sees it too.
    stored.catch(() => undefined);
    return stored;
  }

  #context(chair: ChairAlarms): AlarmContext {
    return { rules: chair.rules, session: chair.session, newAlertId: this.#newAlertId };
  }

  #refreshRules(chair: ChairAlarms): void {
    const { rules, overrideRejected } = effectiveRules(this.clinicRules().rules, chair.override);
    if (overrideRejected)
      this.#logger.error(
        { chairId: chair.chairId, sessionId: chair.session?.id },
        'the session alarm rules no longer fit the clinic rules: running on the clinic rules',
      );
    chair.rules = rules;
  }

  /** The chair's alarm runtime; a chair seen for the first time is rebuilt from the store. */
  #chair(chairId: string, skipSampleIds?: ReadonlySet<string>): ChairAlarms {
    const existing = this.#chairs.get(chairId);
    if (existing !== undefined) return existing;
    const chair: ChairAlarms = {
      chairId,
      state: createAlarmState(chairId),
      spare: createAlarmState(chairId),
      session: null,
      override: null,
      rules: this.clinicRules().rules,
      pause: null,
      queue: Promise.resolve(),
      queued: 0,
      tickQueued: false,
    };
    this.#chairs.set(chairId, chair);
    void this.#enqueue(chair, () => this.#rebuild(chair, skipSampleIds ?? new Set()));
    return chair;
  }

  async #loadSession(chair: ChairAlarms, session: AlarmSession | null): Promise<void> {
    const changed = session?.id !== chair.session?.id;
    chair.session = session;
    if (changed) {
      chair.override =
        session === null
          ? null
          : ((await loadSessionOverride(this.#ctx.db, session.id))?.override ?? null);
    }
    this.#refreshRules(chair);
  }

  async #rebuild(chair: ChairAlarms, skipSampleIds: ReadonlySet<string>): Promise<void> {
    const { db } = this.#ctx;
    const now = this.#ctx.clock();
    const row = await openSessionRow(db, chair.chairId);
    const [session] = row === undefined ? [] : await loadSessions(db, [row]);
    await this.#loadSession(chair, toAlarmSession(session ?? null));
    const rows = await db
      .selectFrom('samples')
      .selectAll()
      .where('chair_id', '=', chair.chairId)
      .where('received_at', '>=', now - REBUILD_WINDOW_MS)
      .orderBy('seq', 'desc')
      .limit(REBUILD_MAX_SAMPLES)
      .execute();
    // Samples that are about to be evaluated on their own must not count twice.
    const recentSamples = rows.filter((r) => !skipSampleIds.has(r.id)).map(toStoredSample);
    const openAlerts = await openAlertsOf(db, chair.chairId);
    chair.pause = await currentAudioPause(db, chair.chairId, now);
    const result = rebuildAlarmState({
      chairId: chair.chairId,
      openAlerts,
      recentSamples,
      now,
      context: this.#context(chair),
    });
    await this.#apply(chair, result, now, null);
  }

  #onSamples(chairId: string, samples: StoredSample[]): void {
    // Another process owns this chair's alarms: src/scale hands the samples over to it.
    if (!this.#owns(chairId)) return;
    this.evaluateSamples(chairId, samples);
  }

  // --- scale-out (src/scale): the owner of a chair's alarms changes hands -------------------

  /** Evaluates samples stored by this or another process (the owner's side of a hand-over). */
  evaluateSamples(chairId: string, samples: StoredSample[]): void {
    // The skip set matters only to a chair's first rebuild: not built for every batch.
    const chair =
      this.#chairs.get(chairId) ?? this.#chair(chairId, new Set(samples.map((s) => s.id)));
    void this.#enqueue(chair, async () => {
      let state = chair.state;
      const changes: AlertChange[] = [];
      const context = this.#context(chair);
      for (const sample of samples) {
        // The first sample writes into the spare, the next ones go on in it.
        const into = state === chair.state ? chair.spare : state;
        const result = evaluateSample(state, sample, context, into);
        state = result.state;
        for (const change of result.changes) changes.push(change);
      }
      // Most readings change no alarm: nothing to store or announce and no pause to break,
      // so the new state is taken at once, without #apply's three awaits (at 500 readings/s
      // their promises were a sixth of what the alarm path allocated).
      if (changes.length === 0) this.#takeState(chair, state);
      else await this.#apply(chair, { state, changes }, this.#ctx.clock(), null);
    });
  }

  #onChairChanged(chair: Chair): void {
    if (!this.#owns(chair.id)) return;
    this.chairChanged(chair);
  }

  /** A chair's session changed (here or on another process). */
  chairChanged(chair: Chair): void {
    const alarms = this.#chair(chair.id);
    void this.#enqueue(alarms, () => this.#loadSession(alarms, toAlarmSession(chair.session)));
  }

  /** The chairs whose engine state this process holds. */
  heldChairs(): string[] {
    return [...this.#chairs.keys()];
  }

  /** Takes a chair over: its engine state is rebuilt from the store, as at a restart. */
  async adopt(chairId: string): Promise<void> {
    await this.release(chairId);
    await this.#chair(chairId).queue;
  }

  /** Drops a chair's engine state (another process owns it now) after its queued work. */
  async release(chairId: string): Promise<void> {
    const chair = this.#chairs.get(chairId);
    if (chair === undefined) return;
    this.#chairs.delete(chairId);
    await chair.queue;
  }

  /** Reads the clinic rules and the session overrides again (changed by another process). */
  async reloadRules(): Promise<void> {
    this.#clinic = await loadClinicRules(this.#ctx.db);
    const { db } = this.#ctx;
    await Promise.all(
      [...this.#chairs.values()].map((chair) =>
        this.#enqueue(chair, async () => {
          const sessionId = chair.session?.id;
          chair.override =
            sessionId === undefined
              ? null
              : ((await loadSessionOverride(db, sessionId))?.override ?? null);
          this.#refreshRules(chair);
        }),
      ),
    );
  }

  /** Stores the changes, then takes the new state and announces them. */
  async #apply(
    chair: ChairAlarms,
    result: AlarmResult,
    now: number,
    by: string | null,
  ): Promise<void> {
    // If storing fails the old state stays, so the next evaluation raises the change again.
    await this.#store(result.changes, now, by);
    this.#takeState(chair, result.state);
    await this.#breakThroughPause(chair, result.changes, now);
  }

  #takeState(chair: ChairAlarms, state: AlarmEngineState): void {
    if (state === chair.state) return;
    // The state replaced becomes the spare if the new one was written into the spare.
    if (state === chair.spare) chair.spare = chair.state;
    chair.state = state;
  }

  async #store(changes: readonly AlertChange[], now: number, by: string | null): Promise<void> {
    const seqs = await persistAlertChanges(this.#ctx.db, changes, now, by);
    changes.forEach((change, i) => {
      this.events.alertChanged.emit({ ...change, seq: seqs[i] ?? 0 });
    });
  }

  /** A new alarm worse than anything sounding when the pause began ends the pause for everyone. */
  async #breakThroughPause(
    chair: ChairAlarms,
    changes: readonly AlertChange[],
    now: number,
  ): Promise<void> {
    const pause = chair.pause;
    if (pause === null || Date.parse(pause.pause.until) <= now) return;
    const breaking = changes.some(
      (c) =>
        (c.type === 'raised' || c.type === 'priority-changed') &&
        moreSevere(c.alert.priority, pause.ceiling),
    );
    if (!breaking) return;
    await endAudioPause(this.#ctx.db, pause.seq, now, 'higher-priority-alarm');
    chair.pause = null;
    this.events.audioPauseChanged.emit({
      pause: null,
      chairId: chair.chairId,
      reason: 'higher-priority-alarm',
    });
  }
}
