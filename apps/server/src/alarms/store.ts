import { deriveAlertState } from '@chairside/core';
import type {
  Alert,
  AlertChange,
  AlertPriority,
  AlertQuery,
  AlertRecord,
  AudioPause,
  AudioPauseEndReason,
} from '@chairside/core';
import { DEFAULT_ALERTS_LIMIT } from '@chairside/core';
import type { Selectable } from 'kysely';
import { auditInsert } from '../domain/audit';
import { planRunnerFor } from '../store/plans';
import type { Plan } from '../store/plans';
import { QueryTemplate } from '../store/templates';
import type { ChairsideDb } from '../store/database';
import type { AlertChangesTable, AlertsTable, AudioPausesTable } from '../store/schema';

/** Alerts, their change log and audio pauses in the store. Times are epoch ms in the rows. */

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const msOrNull = (s: string | null | undefined): number | null =>
  s === null || s === undefined ? null : Date.parse(s);

export function toAlert(row: AlertsTable): Alert {
  return {
    id: row.id,
    chairId: row.chair_id,
    sessionId: row.session_id,
    kind: row.kind,
    parameter: row.parameter,
    priority: row.priority,
    ...(row.rule === null ? {} : { rule: row.rule }),
    message: row.message,
    value: row.value,
    limit: row.limit_value,
    state: row.state,
    raisedAt: iso(row.raised_at),
    clearedAt: isoOrNull(row.cleared_at),
    acknowledgedAt: isoOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    escalatedAt: isoOrNull(row.escalated_at),
  };
}

export function toAlertRecord(row: AlertsTable): AlertRecord {
  return {
    ...toAlert(row),
    timeToAcknowledgeMs:
      row.acknowledged_at === null ? null : row.acknowledged_at - row.notified_at,
  };
}

/** Columns of an alert row in the order of the upsert template's values. */
const ALERT_COLUMNS = [
  'id',
  'chair_id',
  'session_id',
  'kind',
  'parameter',
  'priority',
  'rule',
  'message',
  'value',
  'limit_value',
  'state',
  'raised_at',
  'cleared_at',
  'acknowledged_at',
  'acknowledged_by',
  'escalated_at',
  'notified_at',
  'updated_at',
] as const satisfies readonly (keyof AlertsTable)[];
/** Set from the new row when the alert exists: all but its id and when it was first notified. */
const ALERT_UPDATED = ALERT_COLUMNS.filter((c) => c !== 'id' && c !== 'notified_at');
const CHANGE_COLUMNS = [
  'alert_id',
  'chair_id',
  'type',
  'priority',
  'state',
  'message',
  'at',
  'by',
] as const satisfies readonly (keyof Omit<AlertChangesTable, 'seq'>)[];

/**
 * A row whose columns hold the template's placeholders, by position (typed `never`: it stands
 * for whichever table's row the insert takes).
 */
function placeholderRow(columns: readonly string[], p: readonly string[]): never {
  const row: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    row[column] = p[i];
  });
  return row as never;
}

interface AlertTemplates {
  upsert: QueryTemplate<unknown>;
  change: QueryTemplate<{ seq: number }>;
}
const templates = new WeakMap<ChairsideDb, AlertTemplates>();

/**
 * The two statements of a change, compiled once per store: an alarm chair raises and clears
 * alerts every few seconds, and building and compiling these with Kysely each time cost more
 * than SQLite takes to run them.
 */
function alertTemplates(db: ChairsideDb): AlertTemplates {
  let t = templates.get(db);
  if (t === undefined) {
    t = {
      upsert: new QueryTemplate(ALERT_COLUMNS.length, (p) =>
        db
          .insertInto('alerts')
          .values(placeholderRow(ALERT_COLUMNS, p))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => {
              const set: Record<string, unknown> = {};
              for (const column of ALERT_UPDATED) set[column] = eb.ref(`excluded.${column}`);
              return set;
            }),
          ),
      ),
      change: new QueryTemplate(CHANGE_COLUMNS.length, (p) =>
        db.insertInto('alert_changes').values(placeholderRow(CHANGE_COLUMNS, p)).returning('seq'),
      ),
    };
    templates.set(db, t);
  }
  return t;
}

/**
 * Stores engine changes in one transaction: each alert upserted as it stands after the change
 * (the last change of an alert wins) and each change appended to `alert_changes`. `by` names
 * who caused the changes (an acknowledgment), null for the engine itself. Resolves with the
 * `seq` of each change, in order: the dashboards' alert cursor (realtime/relay.ts).
 */
export function persistAlertChanges(
  db: ChairsideDb,
  changes: readonly AlertChange[],
  now: number,
  by: string | null,
): Promise<number[]> {
  if (changes.length === 0) return Promise.resolve([]);
  return planRunnerFor(db).run(() => alertChangesPlan(db, changes, now, by));
}

function* alertChangesPlan(
  db: ChairsideDb,
  changes: readonly AlertChange[],
  now: number,
  by: string | null,
): Plan<number[]> {
  const { upsert, change: insertChange } = alertTemplates(db);
  const seqs: number[] = [];
  for (const { type, alert } of changes) {
    const state = deriveAlertState(alert);
    const row: AlertsTable = {
      id: alert.id,
      chair_id: alert.chairId,
      session_id: alert.sessionId,
      kind: alert.kind,
      parameter: alert.parameter,
      priority: alert.priority,
      rule: alert.rule ?? null,
      message: alert.message,
      value: alert.value,
      limit_value: alert.limit,
      state,
      raised_at: Date.parse(alert.raisedAt),
      cleared_at: msOrNull(alert.clearedAt),
      acknowledged_at: msOrNull(alert.acknowledgedAt),
      acknowledged_by: alert.acknowledgedBy,
      escalated_at: msOrNull(alert.escalatedAt),
      notified_at: now,
      updated_at: now,
    };
    yield upsert.fill(ALERT_COLUMNS.map((column) => row[column]));
    const changeRow: Omit<AlertChangesTable, 'seq'> = {
      alert_id: alert.id,
      chair_id: alert.chairId,
      type,
      priority: alert.priority,
      state,
      message: alert.message,
      at: now,
      by: type === 'acknowledged' ? by : null,
    };
    const [inserted] = (yield insertChange.fill(CHANGE_COLUMNS.map((c) => changeRow[c]))) as {
      seq: number;
    }[];
    if (inserted === undefined) throw new Error('alert change stored without a seq');
    seqs.push(inserted.seq);
    // Acknowledgments also join the clinic's audit trail, beside logins and limit changes.
    if (type === 'acknowledged' && by !== null)
      yield auditInsert(db, {
        who: by,
        at: now,
        action: 'alert.acknowledged',
        detail: {
          alertId: alert.id,
          chairId: alert.chairId,
          sessionId: alert.sessionId,
          priority: alert.priority,
          message: alert.message,
        },
      }).compile();
  }
  return seqs;
}

export async function findAlert(db: ChairsideDb, alertId: string): Promise<Alert | null> {
  const row = await db
    .selectFrom('alerts')
    .selectAll()
    .where('id', '=', alertId)
    .executeTakeFirst();
  return row === undefined ? null : toAlert(row);
}

/** The chair's alerts that are not over (active or acknowledged), oldest first: rebuild input. */
export async function openAlertsOf(db: ChairsideDb, chairId: string): Promise<Alert[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('chair_id', '=', chairId)
    .where('state', '<>', 'cleared')
    .orderBy('raised_at')
    .execute();
  return rows.map(toAlert);
}

/** The alert history, newest first, filtered as `GET /alerts` asks. */
export async function queryAlerts(db: ChairsideDb, q: AlertQuery): Promise<AlertRecord[]> {
  let sel = db.selectFrom('alerts').selectAll();
  if (q.chairId !== undefined) sel = sel.where('chair_id', '=', q.chairId);
  if (q.sessionId !== undefined) sel = sel.where('session_id', '=', q.sessionId);
  if (q.from !== undefined) sel = sel.where('raised_at', '>=', q.from);
  if (q.to !== undefined) sel = sel.where('raised_at', '<=', q.to);
  if (q.priority !== undefined) sel = sel.where('priority', '=', q.priority);
  if (q.state !== undefined) sel = sel.where('state', '=', q.state);
  if (q.kind !== undefined) sel = sel.where('kind', '=', q.kind);
  const rows = await sel
    .orderBy('raised_at', 'desc')
    .orderBy('notified_at', 'desc')
    .orderBy('id')
    .limit(q.limit ?? DEFAULT_ALERTS_LIMIT)
    .execute();
  return rows.map(toAlertRecord);
}

export interface AlertChangeRecord {
  type: AlertChange['type'];
  priority: AlertPriority;
  state: Alert['state'];
  message: string;
  at: string;
  by: string | null;
}

/** The change log of one alert, oldest first. */
export async function alertChangesOf(
  db: ChairsideDb,
  alertId: string,
): Promise<AlertChangeRecord[]> {
  const rows = await db
    .selectFrom('alert_changes')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    type: r.type,
    priority: r.priority,
    state: r.state,
    message: r.message,
    at: iso(r.at),
    by: r.by,
  }));
}

// --- audio pauses ---------------------------------------------------------------------------

export interface StoredAudioPause {
  seq: number;
  pause: AudioPause;
  ceiling: AlertPriority | null;
}

function toPause(row: Selectable<AudioPausesTable>): StoredAudioPause {
  return {
    seq: row.seq,
    ceiling: row.ceiling,
    pause: { chairId: row.chair_id, by: row.by, from: iso(row.from_at), until: iso(row.until_at) },
  };
}

/** The chair's pause in force at `now` (not ended early, not run out), if any. */
export async function currentAudioPause(
  db: ChairsideDb,
  chairId: string,
  now: number,
): Promise<StoredAudioPause | null> {
  const row = await db
    .selectFrom('audio_pauses')
    .selectAll()
    .where('chair_id', '=', chairId)
    .where('ended_at', 'is', null)
    .where('from_at', '<=', now)
    .where('until_at', '>', now)
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  return row === undefined ? null : toPause(row);
}

export async function insertAudioPause(
  db: ChairsideDb,
  input: {
    chairId: string;
    by: string;
    from: number;
    until: number;
    ceiling: AlertPriority | null;
  },
): Promise<StoredAudioPause> {
  return db.transaction().execute(async (trx) => {
    // A new pause replaces the one in force: one pause per chair at a time.
    await trx
      .updateTable('audio_pauses')
      .set({ ended_at: input.from, ended_reason: 'replaced' })
      .where('chair_id', '=', input.chairId)
      .where('ended_at', 'is', null)
      .where('until_at', '>', input.from)
      .execute();
    const row = await trx
      .insertInto('audio_pauses')
      .values({
        chair_id: input.chairId,
        by: input.by,
        from_at: input.from,
        until_at: input.until,
        ceiling: input.ceiling,
        ended_at: null,
        ended_reason: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPause(row);
  });
}

export async function endAudioPause(
  db: ChairsideDb,
  seq: number,
  at: number,
  reason: AudioPauseEndReason,
): Promise<void> {
  await db
    .updateTable('audio_pauses')
    .set({ ended_at: at, ended_reason: reason })
    .where('seq', '=', seq)
    .where('ended_at', 'is', null)
    .execute();
}
