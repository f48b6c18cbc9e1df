import { randomUUID } from 'node:crypto';
import {
  AldreteRecordSchema,
  BaselineSchema,
  MAX_FUTURE_SKEW_MS,
  aldreteDischargeRefusal,
  allowedSessionEvents,
  computeBaseline,
  nextSessionState,
} from '@chairside/core';
import type {
  AldreteRecord,
  Baseline,
  Chair,
  Session,
  SessionCreate,
  SessionEvent,
  SessionEventInput,
} from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import type { SessionsTable } from '../store/schema';
import { recordAudit } from './audit';
import type { DomainContext } from './context';
import { badRequest, conflict, notFound } from './errors';
import { isUniqueViolation } from '../store/database';

/**
 * How long before a session was opened a reading may have been taken and still count for its
 * pre-infusion baseline (a device that sends what it measured while the session was set up).
 */
export const BASELINE_LOOKBACK_MS = 60 * 60_000;

type SessionRow = SessionsTable;

function parseBaseline(json: string | null): Baseline | null {
  if (json === null) return null;
  const parsed = BaselineSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

function parseAldrete(json: string | null): AldreteRecord | undefined {
  if (json === null) return undefined;
  const parsed = AldreteRecordSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : undefined;
}

function toSession(row: SessionRow, events: SessionEvent[]): Session {
  return {
    id: row.id,
    chairId: row.chair_id,
    patientRef: row.patient_ref,
    weightKg: row.weight_kg,
    doseMgPerKg: row.dose_mg_per_kg,
    plannedMinutes: row.planned_minutes,
    state: row.state,
    events,
    baseline: parseBaseline(row.baseline),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

/** Sessions with their events, in the order of `rows`. */
export async function loadSessions(db: ChairsideDb, rows: SessionRow[]): Promise<Session[]> {
  if (rows.length === 0) return [];
  const eventRows = await db
    .selectFrom('session_events')
    .select(['session_id', 'type', 'at', 'by', 'aldrete'])
    .where(
      'session_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('seq')
    .execute();
  const bySession = new Map<string, SessionEvent[]>();
  for (const e of eventRows) {
    const list = bySession.get(e.session_id) ?? [];
    const aldrete = parseAldrete(e.aldrete);
    list.push({
      type: e.type,
      at: new Date(e.at).toISOString(),
      by: e.by,
      ...(aldrete === undefined ? {} : { aldrete }),
    });
    bySession.set(e.session_id, list);
  }
  return rows.map((r) => toSession(r, bySession.get(r.id) ?? []));
}

export async function getSession(db: ChairsideDb, sessionId: string): Promise<Session> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(`session "${sessionId}" does not exist`);
  const [session] = await loadSessions(db, [row]);
  if (session === undefined) throw notFound(`session "${sessionId}" does not exist`);
  return session;
}

/** The chair's open (not yet discharged) session row, if any. */
export async function openSessionRow(
  db: ChairsideDb,
  chairId: string,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('chair_id', '=', chairId)
    .where('state', '<>', 'discharged')
    .executeTakeFirst();
}

async function chairWithSession(
  db: ChairsideDb,
  chairId: string,
  session: Session,
): Promise<Chair> {
  const chair = await db
    .selectFrom('chairs')
    .select(['id', 'label'])
    .where('id', '=', chairId)
    .executeTakeFirstOrThrow();
  return {
    id: chair.id,
    label: chair.label,
    session: session.state === 'discharged' ? null : session,
  };
}

/** Opens a session on a chair (input validated with core `SessionCreateSchema`). */
export async function createSession(
  ctx: DomainContext,
  actor: string,
  chairId: string,
  input: SessionCreate,
): Promise<Session> {
  const now = ctx.clock();
  const id = randomUUID();
  const session = await ctx.db.transaction().execute(async (trx) => {
    const chair = await trx
      .selectFrom('chairs')
      .select('id')
      .where('id', '=', chairId)
      .executeTakeFirst();
    if (chair === undefined) throw notFound(`chair "${chairId}" does not exist`);
    const open = await openSessionRow(trx, chairId);
    if (open !== undefined) {
      throw conflict(
        'session_already_open',
        `chair "${chairId}" already has an open session (${open.patient_ref}, ${open.state}); discharge it first`,
      );
    }
    const row: SessionRow = {
      id,
      chair_id: chairId,
      patient_ref: input.patientRef,
      weight_kg: input.weightKg,
      dose_mg_per_kg: input.doseMgPerKg,
      planned_minutes: input.plannedMinutes,
      state: 'pre-infusion',
      baseline: null,
      created_at: now,
      created_by: actor,
    };
    try {
      await trx.insertInto('sessions').values(row).execute();
    } catch (error) {
      // Two nurses opening a session on one chair at the same instant (PostgreSQL): the index
      // lets one win; the other gets the answer the check above would have given.
      if (isUniqueViolation(error)) {
        throw conflict('session_already_open', `chair "${chairId}" already has an open session`);
      }
      throw error;
    }
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: 'session.created',
      detail: { sessionId: id, chairId, patientRef: input.patientRef },
    });
    return toSession(row, []);
  });
  ctx.events.chairChanged.emit(await chairWithSession(ctx.db, chairId, session));
  return session;
}

/** What a session event came to: the session as it now stands, or a refused discharge. */
type EventOutcome = { session: Session } | { refused: string };

function eventTime(at: SessionEventInput['at'], now: number): number {
  if (at === undefined) return now;
  return typeof at === 'number' ? at : Date.parse(at);
}

/**
 * Moves a session through its states (core `nextSessionState`). Starting the infusion fixes
 * the pre-infusion baseline: the median of the session's readings taken up to that moment.
 */
export async function applySessionEvent(
  ctx: DomainContext,
  actor: string,
  sessionId: string,
  input: SessionEventInput,
): Promise<Session> {
  const now = ctx.clock();
  const at = eventTime(input.at, now);
  if (at > now + MAX_FUTURE_SKEW_MS) {
    throw badRequest('the event time lies in the future', [
      { path: 'at', message: `at lies more than ${MAX_FUTURE_SKEW_MS / 1000} s in the future` },
    ]);
  }
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<EventOutcome> => {
    const row = await trx
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`session "${sessionId}" does not exist`);
    const next = nextSessionState(row.state, input.type);
    if (next === null) {
      const allowed = allowedSessionEvents(row.state);
      throw conflict(
        'invalid_transition',
        `cannot apply "${input.type}" to a session that is ${row.state}; allowed now: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (the session is closed)'}`,
      );
    }
    // CLINICAL.md section 4: total >= 9 to discharge. The section names no exception, so a
    // recorded score below it is refused outright: the patient stays in recovery. The attempt
    // is audited all the same (committed, then answered with the 409), so the charge nurse can
    // see who tried to discharge whom, when, and with which score.
    const refusal = input.aldrete === undefined ? null : aldreteDischargeRefusal(input.aldrete);
    if (refusal !== null && input.aldrete !== undefined) {
      await recordAudit(trx, {
        who: actor,
        at: now,
        action: 'session.discharge-refused',
        detail: {
          sessionId,
          chairId: row.chair_id,
          patientRef: row.patient_ref,
          state: row.state,
          aldrete: input.aldrete,
          reason: refusal,
        },
      });
      return { refused: refusal };
    }
    const last = await trx
      .selectFrom('session_events')
      .select('at')
      .where('session_id', '=', sessionId)
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    if (last !== undefined && at < last.at) {
      throw badRequest('the event time lies before the previous event', [
        {
          path: 'at',
          message: `at must not be before the previous event (${new Date(last.at).toISOString()})`,
        },
      ]);
    }

    let baseline = row.baseline;
    if (input.type === 'infusion-started' && baseline === null) {
      // By chair and time (samples_by_chair_time; storing a reading keeps no index by session,
      // migration 006), from an hour before the session was opened: a reading taken earlier
      // than that is a device's backlog from the chair's previous patient, not this one's.
      const readings = await trx
        .selectFrom('samples')
        .select(['hr', 'sbp', 'dbp', 'spo2', 'rr'])
        .where('chair_id', '=', row.chair_id)
        .where('at', '>=', row.created_at - BASELINE_LOOKBACK_MS)
        .where('at', '<=', at)
        .where('session_id', '=', sessionId)
        .execute();
      const computed = computeBaseline(
        readings.map((r) => ({
          ...(r.hr === null ? {} : { hr: r.hr }),
          ...(r.sbp === null ? {} : { sbp: r.sbp }),
          ...(r.dbp === null ? {} : { dbp: r.dbp }),
          ...(r.spo2 === null ? {} : { spo2: r.spo2 }),
          ...(r.rr === null ? {} : { rr: r.rr }),
        })),
      );
      baseline = computed === null ? null : JSON.stringify(computed);
    }

    await trx
      .updateTable('sessions')
      .set({ state: next, baseline })
      .where('id', '=', sessionId)
      .execute();
    await trx
      .insertInto('session_events')
      .values({
        session_id: sessionId,
        type: input.type,
        at,
        by: actor,
        aldrete: input.aldrete === undefined ? null : JSON.stringify(input.aldrete),
      })
      .execute();
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: `session.${input.type}`,
      detail: {
        sessionId,
        chairId: row.chair_id,
        from: row.state,
        to: next,
        ...(input.aldrete === undefined ? {} : { aldrete: input.aldrete }),
      },
    });
    const [session] = await loadSessions(trx, [{ ...row, state: next, baseline }]);
    if (session === undefined) throw notFound(`session "${sessionId}" does not exist`);
    return { session };
  });
  if ('refused' in outcome) {
    throw conflict('aldrete_below_discharge_minimum', `discharge refused: ${outcome.refused}`);
  }
  const updated = outcome.session;
  ctx.events.chairChanged.emit(await chairWithSession(ctx.db, updated.chairId, updated));
  return updated;
}
