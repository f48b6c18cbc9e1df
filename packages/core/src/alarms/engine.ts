import { priorityRank } from '../alert';
import type { Alert, AlertKind, AlertParameter, AlertPriority, AlertState } from '../alert';
import { isContinuousSource, MEASUREMENT_FIELDS } from '../sample';
import type { MeasurementField, Sample, SampleSource } from '../sample';
import type { SedationScale } from '../sedation';
import type { Session } from '../session';
import { alarmMessage, assess, levelOf, meets, SIDES, triggerFor } from './conditions';
import type { Assessment, PhysiologicalPriority, Reading, Side } from './conditions';
import { SILENCE_WATCHED_PARAMETERS } from './rules';
import type { AlarmRuleSet, SilenceWatchedParameter } from './rules';

/**
 * The alarm engine: pure functions from (state, input) to (new state, alert changes).
 *
 * - Physiological alarms are evaluated on sample time (`at`), so a buffered feed is judged as it
 *   happened and a replay gives the same alerts.
 * - Time-based technical alarms (feed silent, parameter silent, vitals due) and escalation run
 *   on server time: the time a sample was received, or the `now` of the once-a-second tick.
 * - The state is a plain JSON object: the server may persist it or rebuild it after a restart.
 *
 * Episodes: at most one open alert per episode key (`hr-high`, `spo2-low`, `sedation-low`,
 * `sbp-high` for the absolute and the baseline-relative SBP rule together, `feed`,
 * `manual-check`, `spo2-silent`, ...). A worsening raises the priority of that alert; the
 * priority never drops within an episode (an alarm is never silently downgraded).
 *
 * Late and out-of-order samples (a reading older than the newest one seen for its field):
 * - never end an episode and never restart a delay window: state never moves backwards;
 * - may extend the current delay window backwards when they lie after the last reading that
 *   broke it, so a buffered batch that arrives newest-first still alarms on time;
 * - a late manual reading or a late no-delay reading still alarms, with its own `at`, unless
 *   an alert of at least that priority already covered that moment; if newer readings already
 *   show recovery, the episode ends at once at the newest reading (a latching one stays active
 *   until acknowledged): an alarming reading is never dropped.
 */

export type AlarmSession = Pick<Session, 'id' | 'state' | 'baseline' | 'events'>;

export interface AlarmContext {
  rules: AlarmRuleSet;
  /** The chair's current session, or null when no session is open. */
  session: AlarmSession | null;
  /** Id factory for new alerts (injected: the engine draws no randomness). */
  newAlertId: () => string;
}

/** A sample as stored: `receivedAt` is the server time it arrived (drives the feed watch). */
export type AlarmSample = Sample & { receivedAt: string };

export const ALERT_CHANGE_TYPES = [
  'raised',
  'priority-changed',
  /** A latching alert's condition ended; it stays active until acknowledged. */
  'condition-ended',
  /** The condition of a latched, not yet acknowledged alert came back: the same alert goes on. */
  'condition-returned',
  'cleared',
  'acknowledged',
  'escalated',
] as const;
export type AlertChangeType = (typeof ALERT_CHANGE_TYPES)[number];

/** One change to persist and broadcast; `alert` is a snapshot of the whole alert after it. */
export interface AlertChange {
  type: AlertChangeType;
  alert: Alert;
}

export interface OpenEpisode {
  key: string;
  alert: Alert;
  /** Server time (ms) since which this alert has been high and unacknowledged (escalation clock). */
  highSince: number | null;
}

export interface ClosedEpisode {
  raisedAt: number;
  clearedAt: number;
  priority: AlertPriority;
}

export interface LevelTimes {
  medium: number | null;
  high: number | null;
}

/** Delay bookkeeping of one episode key: when the current run above each level began. */
export interface ConditionTrack {
  runSince: LevelTimes;
  /** Sample time of the newest reading that did not cross the level (ends a run). */
  brokenAt: LevelTimes;
}

export interface LatestReading {
  at: number;
  value: number;
  scale: SedationScale | null;
  source: SampleSource;
}

export interface AlarmEngineState {
  chairId: string;
  /** The session the feed and vitals trackers belong to; a new session starts them afresh. */
  sessionId: string | null;
  open: OpenEpisode[];
  /** The last closed episode per key, so a late reading does not raise it a second time. */
  lastClosed: Record<string, ClosedEpisode>;
  tracks: Record<string, ConditionTrack>;
  /** Newest reading per field (sample time). */
  latest: Partial<Record<MeasurementField, LatestReading>>;
  feed: {
    /** Server time of the newest sample from a continuous source. */
    lastReceivedAt: number | null;
    parameterReceivedAt: Partial<Record<SilenceWatchedParameter, number>>;
  };
  /** Sample time of the newest HR, BP and SpO2 from a counted source (vitals due). */
  vitals: { hr: number | null; bp: number | null; spo2: number | null };
}

export interface AlarmResult {
  state: AlarmEngineState;
  changes: AlertChange[];
}

export function createAlarmState(
  chairId: string,
  sessionId: string | null = null,
): AlarmEngineState {
  return {
    chairId,
    sessionId,
    open: [],
    lastClosed: {},
    tracks: {},
    latest: {},
    feed: { lastReceivedAt: null, parameterReceivedAt: {} },
    vitals: { hr: null, bp: null, spo2: null },
  };
}

/** High-priority physiological alarms latch: they stay until someone acknowledges them. */
export function latches(alert: Pick<Alert, 'kind' | 'priority'>): boolean {
  return alert.kind === 'physiological' && alert.priority === 'high';
}

/** The contract's alert state, from the facts on the alert. */
export function deriveAlertState(
  alert: Pick<Alert, 'kind' | 'priority' | 'clearedAt' | 'acknowledgedAt'>,
): AlertState {
  if (alert.clearedAt !== null && (alert.acknowledgedAt !== null || !latches(alert)))
    return 'cleared';
  if (alert.acknowledgedAt !== null) return 'acknowledged';
  return 'active';
}

// ---------------------------------------------------------------------------------------------

interface Run {
  st: AlarmEngineState;
  ctx: AlarmContext;
  /** Server time of this evaluation. */
  now: number;
  changes: AlertChange[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A copy deep enough for the engine's writes, so the caller's state is never changed: alerts and
 * delay tracks are mutated in place and copied; entries of `latest` and `lastClosed` are only
 * ever replaced whole, so a shallow copy of those records suffices.
 */
function cloneState(state: AlarmEngineState): AlarmEngineState {
  const tracks: Record<string, ConditionTrack> = {};
  for (const [key, t] of Object.entries(state.tracks)) {
    tracks[key] = { runSince: { ...t.runSince }, brokenAt: { ...t.brokenAt } };
  }
  return {
    chairId: state.chairId,
    sessionId: state.sessionId,
    open: state.open.map((e) => ({ key: e.key, alert: { ...e.alert }, highSince: e.highSince })),
    lastClosed: { ...state.lastClosed },
    tracks,
    latest: { ...state.latest },
    feed: {
      lastReceivedAt: state.feed.lastReceivedAt,
      parameterReceivedAt: { ...state.feed.parameterReceivedAt },
    },
    vitals: { ...state.vitals },
  };
}

/** Keys of `target` that `source` lacks are removed; the rest is set from `source`. */
function syncKeys<T>(target: Record<string, T>, source: Record<string, T>): void {
  for (const key in target) if (!(key in source)) Reflect.deleteProperty(target, key);
  for (const key in source) target[key] = source[key] as T;
}

/**
 * `state` copied into `target`, as deep as cloneState copies, reusing target's objects: a chair's
 * state is rewritten once a second, and a fresh copy each time lived just long enough (about a
 * second) to be promoted to V8's old space and die there, a quarter of what the server promoted
 * under load. Nothing mutable is shared between the two afterwards.
 */
function copyStateInto(target: AlarmEngineState, state: AlarmEngineState): AlarmEngineState {
  target.chairId = state.chairId;
  target.sessionId = state.sessionId;
  target.open.length = 0;
  for (const e of state.open)
    target.open.push({ key: e.key, alert: { ...e.alert }, highSince: e.highSince });
  syncKeys(target.lastClosed, state.lastClosed);
  for (const key in target.tracks)
    if (!(key in state.tracks)) Reflect.deleteProperty(target.tracks, key);
  for (const key in state.tracks) {
    const from = state.tracks[key];
    if (from === undefined) continue;
    const to = target.tracks[key];
    if (to === undefined) {
      target.tracks[key] = { runSince: { ...from.runSince }, brokenAt: { ...from.brokenAt } };
    } else {
      to.runSince.medium = from.runSince.medium;
      to.runSince.high = from.runSince.high;
      to.brokenAt.medium = from.brokenAt.medium;
      to.brokenAt.high = from.brokenAt.high;
    }
  }
  syncKeys(target.latest, state.latest);
  target.feed.lastReceivedAt = state.feed.lastReceivedAt;
  syncKeys(target.feed.parameterReceivedAt, state.feed.parameterReceivedAt);
  target.vitals.hr = state.vitals.hr;
  target.vitals.bp = state.vitals.bp;
  target.vitals.spo2 = state.vitals.spo2;
  return target;
}

/** The state a run works on: a fresh copy, `scratch` overwritten, or `state` itself. */
function workingState(state: AlarmEngineState, scratch?: AlarmEngineState): AlarmEngineState {
  if (scratch === undefined) return cloneState(state);
  return scratch === state ? state : copyStateInto(scratch, state);
}

function emit(run: Run, type: AlertChangeType, alert: Alert): void {
  run.changes.push({ type, alert: { ...alert } });
}

function findOpen(st: AlarmEngineState, key: string): OpenEpisode | undefined {
  return st.open.find((e) => e.key === key);
}

function moreSevere(a: AlertPriority, b: AlertPriority): boolean {
  return priorityRank(a) < priorityRank(b);
}

function close(st: AlarmEngineState, ep: OpenEpisode): void {
  st.open = st.open.filter((e) => e !== ep);
  st.lastClosed[ep.key] = {
    raisedAt: Date.parse(ep.alert.raisedAt),
    clearedAt: Date.parse(ep.alert.clearedAt ?? ep.alert.raisedAt),
    priority: ep.alert.priority,
  };
}

interface AlertFacts {
  kind: AlertKind;
  parameter: AlertParameter;
  priority: AlertPriority;
  rule: string;
  message: string;
  value: number | null;
  limit: number | null;
}

/** Opens an alert for `key`, or raises the priority of the one open (never a second alert). */
function raiseOrWorsen(run: Run, key: string, facts: AlertFacts, at: number): void {
  const ep = findOpen(run.st, key);
  if (ep === undefined) {
    const alert: Alert = {
      id: run.ctx.newAlertId(),
      chairId: run.st.chairId,
      sessionId: sessionIsOpen(run.ctx.session) ? run.ctx.session.id : null,
      ...facts,
      state: 'active',
      raisedAt: iso(at),
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalatedAt: null,
    };
    run.st.open.push({ key, alert, highSince: facts.priority === 'high' ? run.now : null });
    emit(run, 'raised', alert);
    return;
  }
  const alert = ep.alert;
  if (alert.clearedAt !== null) {
    alert.clearedAt = null;
    alert.state = deriveAlertState(alert);
    emit(run, 'condition-returned', alert);
  }
  if (moreSevere(facts.priority, alert.priority)) {
    Object.assign(alert, facts);
    // A worse alarm needs a fresh acknowledgement; the earlier one stays in the change log.
    alert.acknowledgedAt = null;
    alert.acknowledgedBy = null;
    alert.state = deriveAlertState(alert);
    if (facts.priority === 'high') ep.highSince = run.now;
    emit(run, 'priority-changed', alert);
  }
}

/** The condition of `key` is over at `at`: clear it, or mark a latched one as over. */
function endCondition(run: Run, key: string, at: number): void {
  const ep = findOpen(run.st, key);
  if (ep === undefined || ep.alert.clearedAt !== null) return;
  // A reading from before the alarm was raised says nothing about its end.
  if (at < Date.parse(ep.alert.raisedAt)) return;
  ep.alert.clearedAt = iso(at);
  ep.alert.state = deriveAlertState(ep.alert);
  if (ep.alert.state === 'cleared') {
    close(run.st, ep);
    emit(run, 'cleared', ep.alert);
  } else {
    emit(run, 'condition-ended', ep.alert);
  }
}

// --- physiological ------------------------------------------------------------------------------

function readingsOf(sample: Sample): Reading[] {
  const at = Date.parse(sample.at);
  const out: Reading[] = [];
  for (const field of MEASUREMENT_FIELDS) {
    if (field === 'sedation') {
      if (sample.sedation !== undefined) {
        out.push({ field, value: sample.sedation.score, scale: sample.sedation.scale, at });
      }
      continue;
    }
    const v = sample[field];
    if (v !== undefined) out.push({ field, value: v, scale: null, at });
  }
  return out;
}

const LEVELS: readonly PhysiologicalPriority[] = ['medium', 'high'];

function trackOf(st: AlarmEngineState, key: string): ConditionTrack {
  const existing = st.tracks[key];
  if (existing !== undefined) return existing;
  const fresh: ConditionTrack = {
    runSince: { medium: null, high: null },
    brokenAt: { medium: null, high: null },
  };
  st.tracks[key] = fresh;
  return fresh;
}

function advanceRuns(track: ConditionTrack, a: Assessment, at: number): void {
  for (const level of LEVELS) {
    if (meets(a, level)) track.runSince[level] ??= at;
    else {
      track.runSince[level] = null;
      track.brokenAt[level] = at;
    }
  }
}

/**
 * A late reading before the current run, after the last known break, either extends the run back
 * to itself (it crosses the level) or becomes the newest known break (it does not). A late
 * reading inside the run changes nothing: without history the engine keeps the run, erring
 * towards alarming.
 */
function extendRunsBack(track: ConditionTrack, a: Assessment, at: number): void {
  for (const level of LEVELS) {
    const since = track.runSince[level];
    const broken = track.brokenAt[level];
    if (since === null || at >= since || (broken !== null && at <= broken)) continue;
    if (meets(a, level)) track.runSince[level] = at;
    else track.brokenAt[level] = at;
  }
}

/**
 * Cuff pressures and sedation scores are discrete determinations (one every few minutes), not
 * a stream: a 10 s condition delay could only be met by the NEXT cuff cycle, 5 minutes later.
 * Like a bedside NIBP module, each determination alarms on its own.
 */
const DISCRETE_MEASUREMENTS: ReadonlySet<MeasurementField> = new Set(['sbp', 'dbp', 'sedation']);

/** Whether a reading of `field` from `source` must hold for the condition delay first. */
function delayed(field: MeasurementField, source: SampleSource): boolean {
  return isContinuousSource(source) && !DISCRETE_MEASUREMENTS.has(field);
}

/** The priority the condition has earned at `at`: after the delay, or at once. */
function earnedLevel(
  track: ConditionTrack,
  a: Assessment,
  field: MeasurementField,
  source: SampleSource,
  at: number,
  rules: AlarmRuleSet,
): PhysiologicalPriority | null {
  if (a.met.some((t) => t.immediate)) return 'high';
  // A manual reading is the nurse's deliberate measurement, a cuff cycle a determination: no delay.
  if (!delayed(field, source)) return levelOf(a);
  for (const level of ['high', 'medium'] as const) {
    const since = track.runSince[level];
    if (meets(a, level) && since !== null && at - since >= rules.conditionDelayMs) return level;
  }
  return null;
}

function physiologicalFacts(
  field: MeasurementField,
  a: Assessment,
  priority: PhysiologicalPriority,
): AlertFacts | null {
  const t = triggerFor(a, priority);
  if (t === null) return null;
  return {
    kind: 'physiological',
    parameter: field,
    priority,
    rule: t.rule,
    message: alarmMessage(t, a.value),
    value: a.value,
    limit: t.limit,
  };
}

function latestAsReading(field: MeasurementField, l: LatestReading): Reading {
  return { field, value: l.value, scale: l.scale, at: l.at };
}

/** Whether an alert of at least `priority` already covered the moment `at` (late readings). */
function covered(st: AlarmEngineState, key: string, at: number, priority: AlertPriority): boolean {
  const ep = findOpen(st, key);
  if (ep !== undefined) {
    const raised = Date.parse(ep.alert.raisedAt);
    const cleared = ep.alert.clearedAt === null ? Infinity : Date.parse(ep.alert.clearedAt);
    if (at >= raised && at <= cleared && !moreSevere(priority, ep.alert.priority)) return true;
  }
  const last = st.lastClosed[key];
  return (
    last !== undefined &&
    at >= last.raisedAt &&
    at <= last.clearedAt &&
    !moreSevere(priority, last.priority)
  );
}

/** Applies the newest reading of a field to the episode of one side. */
function settle(
  run: Run,
  key: string,
  reading: Reading,
  source: SampleSource,
  a: Assessment,
): void {
  const track = trackOf(run.st, key);
  const level = earnedLevel(track, a, reading.field, source, reading.at, run.ctx.rules);
  const facts = level === null ? null : physiologicalFacts(reading.field, a, level);
  if (facts !== null) raiseOrWorsen(run, key, facts, reading.at);
  else if (!a.holds) endCondition(run, key, reading.at);
}

function evaluateReading(run: Run, reading: Reading, source: SampleSource, warmUp: boolean): void {
  const { st, ctx } = run;
  const baseline = ctx.session?.baseline ?? null;
  const newest = st.latest[reading.field];
  const late = newest !== undefined && reading.at < newest.at;
  if (!late)
    st.latest[reading.field] = {
      at: reading.at,
      value: reading.value,
      scale: reading.scale,
      source,
    };
  for (const side of SIDES) {
    const key = episodeKey(reading.field, side);
    const a = assess(reading, side, ctx.rules, baseline);
    const track = trackOf(st, key);
    if (!late) {
      advanceRuns(track, a, reading.at);
      if (!warmUp) settle(run, key, reading, source, a);
      continue;
    }
    extendRunsBack(track, a, reading.at);
    if (warmUp) continue;
    // A late reading that alarms without a delay window is raised on its own time.
    const own = a.met.some((t) => t.immediate)
      ? 'high'
      : delayed(reading.field, source)
        ? null
        : levelOf(a);
    const ownFacts = own === null ? null : physiologicalFacts(reading.field, a, own);
    const latestReading = latestAsReading(reading.field, newest);
    const latestAssessment = assess(latestReading, side, ctx.rules, baseline);
    if (own !== null && ownFacts !== null && !covered(st, key, reading.at, own)) {
      raiseOrWorsen(run, key, ownFacts, reading.at);
      if (!latestAssessment.holds) endCondition(run, key, newest.at);
    }
    // The late reading may have completed the delay window of the ongoing condition.
    const level = earnedLevel(
      track,
      latestAssessment,
      reading.field,
      newest.source,
      newest.at,
      ctx.rules,
    );
    const facts =
      level === null ? null : physiologicalFacts(reading.field, latestAssessment, level);
    if (facts !== null && level !== null && !covered(st, key, newest.at, level)) {
      raiseOrWorsen(run, key, facts, newest.at);
    }
  }
}

export function episodeKey(field: MeasurementField, side: Side): string {
  return `${field}-${side}`;
}

// --- technical -----------------------------------------------------------------------------------

function sessionIsOpen(session: AlarmSession | null): session is AlarmSession {
  return session !== null && session.state !== 'discharged';
}

/** Start of the current infusion stretch (after the last start or resume), or null. */
function infusingSince(session: AlarmSession): number | null {
  let since: number | null = null;
  for (const e of session.events) {
    if (e.type === 'infusion-started' || e.type === 'infusion-resumed') since = Date.parse(e.at);
  }
  return since;
}

function setTechnical(run: Run, key: string, facts: AlertFacts | null): void {
  if (facts !== null) raiseOrWorsen(run, key, facts, run.now);
  else endCondition(run, key, run.now);
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const minutes = (ms: number): number => Math.floor(ms / 60_000);
const PARAMETER_LABELS: Record<SilenceWatchedParameter, string> = {
  hr: 'HR',
  sbp: 'SBP',
  dbp: 'DBP',
  spo2: 'SpO2',
  rr: 'RR',
  etco2: 'EtCO2',
};

function evaluateTechnical(run: Run): void {
  const { st, ctx, now } = run;
  const rules = ctx.rules;
  const session = ctx.session;
  const open = sessionIsOpen(session);

  // A frozen number looks exactly like a stable patient: a silent feed alarms.
  const lastFeed = st.feed.lastReceivedAt;
  const silentFor = lastFeed === null ? null : now - lastFeed;
  const feedSilent = open && silentFor !== null && silentFor > rules.feedSilent.afterMs;
  setTechnical(
    run,
    'feed',
    feedSilent
      ? {
          kind: 'technical',
          parameter: 'feed',
          priority: rules.feedSilent.priority,
          rule: 'feed-silent',
          message: `Feed silent for ${seconds(silentFor)} s (limit ${seconds(rules.feedSilent.afterMs)} s)`,
          value: seconds(silentFor),
          limit: seconds(rules.feedSilent.afterMs),
        }
      : null,
  );

  // A parameter gone quiet while the rest of the feed still arrives: a probe off, a line out.
  // A dead feed raises only the feed alarm, not one per parameter.
  const feedAlive = silentFor !== null && silentFor <= rules.feedSilent.afterMs;
  for (const p of SILENCE_WATCHED_PARAMETERS) {
    const key = `${p}-silent`;
    const after = rules.parameterSilent.afterMs[p];
    const last = st.feed.parameterReceivedAt[p];
    const quietFor = last === undefined ? null : now - last;
    const quiet =
      open &&
      after !== null &&
      quietFor !== null &&
      quietFor > after &&
      (feedAlive || findOpen(st, key) !== undefined);
    setTechnical(
      run,
      key,
      quiet
        ? {
            kind: 'technical',
            parameter: p,
            priority: rules.parameterSilent.priority,
            rule: 'parameter-silent',
            message: `${PARAMETER_LABELS[p]} not reported for ${seconds(quietFor)} s (limit ${seconds(after)} s)`,
            value: seconds(quietFor),
            limit: seconds(after),
          }
        : null,
    );
  }

  setTechnical(run, 'manual-check', vitalsDueFacts(st, session, rules, now));

  // Monitoring of a session ends with it: its physiological episodes end at the discharge (seen
  // on server time). A latched one still waits for its acknowledgement, so nothing is lost.
  for (const ep of [...st.open]) {
    const owner = ep.alert.sessionId;
    if (ep.alert.kind !== 'physiological' || owner === null) continue;
    if (!open || session.id !== owner) endCondition(run, ep.key, now);
  }
}

/**
 * Time left until the vitals-due reminder and the overdue alarm (negative once passed), for the
 * chair tile's countdown; null when nothing is due (not infusing).
 */
export function vitalsDueIn(
  state: AlarmEngineState,
  session: AlarmSession | null,
  rules: AlarmRuleSet,
  now: number,
): { reminderInMs: number; overdueInMs: number } | null {
  const ages = vitalsAges(state, session, now);
  if (ages === null) return null;
  const worst = Math.max(ages.hr, ages.bp, ages.spo2);
  return {
    reminderInMs: rules.vitalsDue.reminderMs - worst,
    overdueInMs: rules.vitalsDue.overdueMs - worst,
  };
}

/** How long HR, BP and SpO2 have gone unrecorded during the current infusion stretch. */
export function vitalsAges(
  state: AlarmEngineState,
  session: AlarmSession | null,
  now: number,
): { hr: number; bp: number; spo2: number } | null {
  if (session?.state !== 'infusing') return null;
  const since = infusingSince(session);
  if (since === null) return null;
  // Before the infusion started nothing is due: the clock starts at the start (or resume).
  const age = (last: number | null) => now - Math.max(last ?? since, since);
  return { hr: age(state.vitals.hr), bp: age(state.vitals.bp), spo2: age(state.vitals.spo2) };
}

function vitalsDueFacts(
  st: AlarmEngineState,
  session: AlarmSession | null,
  rules: AlarmRuleSet,
  now: number,
): AlertFacts | null {
  const ages = vitalsAges(st, session, now);
  if (ages === null) return null;
  const { reminderMs, overdueMs } = rules.vitalsDue;
  const worst = Math.max(ages.hr, ages.bp, ages.spo2);
  if (worst < reminderMs) return null;
  const overdue = worst >= overdueMs;
  const limit = overdue ? overdueMs : reminderMs;
  const missing = (
    [
      ['HR', ages.hr],
      ['BP', ages.bp],
      ['SpO2', ages.spo2],
    ] as const
  )
    .filter(([, age]) => age >= limit)
    .map(([name]) => name)
    .join(', ');
  return {
    kind: 'technical',
    parameter: 'manual-check',
    priority: overdue ? 'medium' : 'low',
    rule: overdue ? 'vitals-overdue' : 'vitals-due',
    message: overdue
      ? `Vitals overdue: no ${missing} for ${minutes(worst)} min (limit ${minutes(overdueMs)} min)`
      : `Vitals due: no ${missing} for ${minutes(worst)} min`,
    value: minutes(worst),
    limit: minutes(limit),
  };
}

function escalate(run: Run): void {
  for (const ep of run.st.open) {
    const a = ep.alert;
    if (a.priority !== 'high' || a.acknowledgedAt !== null || (a.escalatedAt ?? null) !== null)
      continue;
    if (ep.highSince !== null && run.now - ep.highSince >= run.ctx.rules.escalateAfterMs) {
      a.escalatedAt = iso(run.now);
      emit(run, 'escalated', a);
    }
  }
}

/** A new session starts its own feed and vitals clocks; open alerts carry on until they end. */
function syncSession(st: AlarmEngineState, session: AlarmSession | null): void {
  const id = session?.id ?? null;
  if (id === st.sessionId) return;
  st.sessionId = id;
  st.feed = { lastReceivedAt: null, parameterReceivedAt: {} };
  st.vitals = { hr: null, bp: null, spo2: null };
}

function trackSample(
  st: AlarmEngineState,
  sample: AlarmSample,
  rules: AlarmRuleSet,
  now: number,
): void {
  const at = Date.parse(sample.at);
  if (isContinuousSource(sample.source)) {
    st.feed.lastReceivedAt = Math.max(st.feed.lastReceivedAt ?? now, now);
    for (const p of SILENCE_WATCHED_PARAMETERS) {
      if (sample[p] !== undefined)
        st.feed.parameterReceivedAt[p] = Math.max(st.feed.parameterReceivedAt[p] ?? now, now);
    }
  }
  if (rules.vitalsDue.countedSources.includes(sample.source)) {
    const newer = (prev: number | null) => Math.max(prev ?? at, at);
    if (sample.hr !== undefined) st.vitals.hr = newer(st.vitals.hr);
    if (sample.sbp !== undefined || sample.dbp !== undefined) st.vitals.bp = newer(st.vitals.bp);
    if (sample.spo2 !== undefined) st.vitals.spo2 = newer(st.vitals.spo2);
  }
}

// --- public entry points ----------------------------------------------------------------------

/**
 * Evaluates one stored sample. Call it for every stored sample, in the order they were stored.
 * `state` is left as it was unless it is passed as `scratch` too. With `scratch`, the new state
 * is written into that object instead of a new one (a caller keeping two states per chair
 * allocates nothing per reading); without it, the result is a fresh object.
 */
export function evaluateSample(
  state: AlarmEngineState,
  sample: AlarmSample,
  context: AlarmContext,
  scratch?: AlarmEngineState,
): AlarmResult {
  const run: Run = {
    st: workingState(state, scratch),
    ctx: context,
    now: Date.parse(sample.receivedAt),
    changes: [],
  };
  syncSession(run.st, context.session);
  trackSample(run.st, sample, context.rules, run.now);
  for (const reading of readingsOf(sample)) evaluateReading(run, reading, sample.source, false);
  evaluateTechnical(run);
  return { state: run.st, changes: run.changes };
}

/**
 * The once-a-second tick: time-based technical alarms and escalation, on server time `now`.
 * `scratch` as for evaluateSample.
 */
export function evaluateTime(
  state: AlarmEngineState,
  now: number,
  context: AlarmContext,
  scratch?: AlarmEngineState,
): AlarmResult {
  const run: Run = { st: workingState(state, scratch), ctx: context, now, changes: [] };
  syncSession(run.st, context.session);
  evaluateTechnical(run);
  escalate(run);
  return { state: run.st, changes: run.changes };
}

export type AcknowledgeOutcome = 'acknowledged' | 'already-acknowledged' | 'not-open';

/**
 * Acknowledges an open alert for everyone (shared state, recorded with who and when). A latched
 * alert whose condition is over is cleared by it. `not-open` means the engine no longer holds the
 * alert (it cleared by itself): the store may still record the acknowledgement on its history.
 */
export function acknowledge(
  state: AlarmEngineState,
  alertId: string,
  by: string,
  at: number,
): AlarmResult & { outcome: AcknowledgeOutcome } {
  const st = cloneState(state);
  const ep = st.open.find((e) => e.alert.id === alertId);
  if (ep === undefined) return { state: st, changes: [], outcome: 'not-open' };
  if (ep.alert.acknowledgedAt !== null)
    return { state: st, changes: [], outcome: 'already-acknowledged' };
  ep.alert.acknowledgedAt = iso(at);
  ep.alert.acknowledgedBy = by;
  ep.alert.state = deriveAlertState(ep.alert);
  ep.highSince = null;
  if (ep.alert.state === 'cleared') close(st, ep);
  return {
    state: st,
    changes: [{ type: 'acknowledged', alert: { ...ep.alert } }],
    outcome: 'acknowledged',
  };
}

/** The episode key of a stored alert, so a rebuilt engine continues it instead of raising another. */
export function episodeKeyOfAlert(
  alert: Pick<Alert, 'kind' | 'parameter' | 'rule' | 'value' | 'limit'>,
): string {
  if (alert.kind === 'technical') {
    return alert.parameter === 'feed' || alert.parameter === 'manual-check'
      ? alert.parameter
      : `${alert.parameter}-silent`;
  }
  const low =
    alert.rule !== undefined
      ? /-low(-|$)/.test(alert.rule)
      : alert.value !== null && alert.limit !== null && alert.value < alert.limit;
  return `${alert.parameter}-${low ? 'low' : 'high'}`;
}

export interface RebuildInput {
  chairId: string;
  /** The chair's stored alerts that are not cleared (active or acknowledged). */
  openAlerts: readonly Alert[];
  /** The chair's recently stored samples (a few minutes is enough), in any order. */
  recentSamples: readonly AlarmSample[];
  /** Server time of the restart. */
  now: number;
  context: AlarmContext;
}

/**
 * Rebuilds a chair's engine state after a restart. The stored open alerts are taken over as the
 * open episodes (the newest one per episode key); the recent samples are replayed in the order
 * they were received only to restore the delay windows, the newest readings and the feed and
 * vitals clocks, without raising anything. Then the newest reading of every field is settled
 * once: an ongoing condition continues its stored alert (no duplicate), one that ended while the
 * server was down ends now, and one that has no alert yet is raised. `changes` are those
 * differences. Escalation clocks of taken-over alerts run from their `raisedAt`.
 */
export function rebuildAlarmState(input: RebuildInput): AlarmResult {
  const { context } = input;
  const st = createAlarmState(input.chairId, context.session?.id ?? null);
  const stored = input.openAlerts
    .filter((a) => a.chairId === input.chairId && deriveAlertState(a) !== 'cleared')
    .sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
  for (const alert of stored) {
    const key = episodeKeyOfAlert(alert);
    st.open = st.open.filter((e) => e.key !== key);
    const unacknowledgedHigh = alert.priority === 'high' && alert.acknowledgedAt === null;
    st.open.push({
      key,
      alert: { ...alert },
      highSince: unacknowledgedHigh ? Date.parse(alert.raisedAt) : null,
    });
  }
  const run: Run = { st, ctx: context, now: input.now, changes: [] };
  const samples = [...input.recentSamples].sort(
    (a, b) =>
      Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || Date.parse(a.at) - Date.parse(b.at),
  );
  for (const sample of samples) {
    run.now = Date.parse(sample.receivedAt);
    trackSample(st, sample, context.rules, run.now);
    for (const reading of readingsOf(sample)) evaluateReading(run, reading, sample.source, true);
  }
  run.now = input.now;
  const baseline = context.session?.baseline ?? null;
  for (const field of MEASUREMENT_FIELDS) {
    const latest = st.latest[field];
    if (latest === undefined) continue;
    const reading = latestAsReading(field, latest);
    for (const side of SIDES) {
      settle(
        run,
        episodeKey(field, side),
        reading,
        latest.source,
        assess(reading, side, context.rules, baseline),
      );
    }
  }
  evaluateTechnical(run);
  return { state: run.st, changes: run.changes };
}
