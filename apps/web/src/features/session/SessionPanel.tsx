import { useEffect, useId, useRef, useState } from 'react';
import { aldreteRecordText, allowedSessionEvents, can, infusionDose } from '@chairside/core';
import type {
  AldreteRecord,
  Chair,
  Session,
  SessionEventType,
  StoredSample,
} from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { useAuth } from '../../store/auth';
import { BUFFER_MAX_SAMPLES, useClinic } from '../../store/clinic';
import type { LatestReadings } from '../../store/clinic';
import { formatClock, formatDuration } from '../../time/format';
import { sessionSummary } from '../overview/vitals';
import { AldreteForm } from './AldreteForm';
import { SessionStartForm } from './SessionStartForm';
import { infusionTimer, recoveryMs, timerText, vitalsDueInMs, vitalsDueText } from './sessionClock';

export const EVENT_NAMES: Record<SessionEventType, string> = {
  'infusion-started': 'Infusion started',
  'infusion-paused': 'Infusion paused',
  'infusion-resumed': 'Infusion resumed',
  'infusion-stopped': 'Infusion stopped',
  discharged: 'Discharged',
};

/** Events that cannot be taken back (a stopped infusion does not resume). */
const IRREVERSIBLE: ReadonlySet<SessionEventType> = new Set(['infusion-stopped', 'discharged']);

const CONFIRM_QUESTIONS: Record<SessionEventType, string> = {
  'infusion-started': 'Start the infusion?',
  'infusion-paused': 'Pause the infusion?',
  'infusion-resumed': 'Resume the infusion?',
  'infusion-stopped':
    'Stop the infusion for good? It cannot be resumed; the patient goes to recovery.',
  discharged: 'End this session without an infusion?',
};

/** What each button says; discharge before any infusion is a cancelled session. */
function actionLabel(type: SessionEventType, session: Session): string {
  switch (type) {
    case 'infusion-started':
      return 'Start infusion';
    case 'infusion-paused':
      return 'Pause infusion';
    case 'infusion-resumed':
      return 'Resume infusion';
    case 'infusion-stopped':
      return 'Stop infusion (to recovery)';
    case 'discharged':
      return session.state === 'pre-infusion' ? 'End session without infusion' : 'Discharge';
  }
}

function BaselineFacts({
  session,
  samples,
  entryFieldId,
}: {
  session: Session;
  samples: readonly StoredSample[];
  entryFieldId: string | undefined;
}) {
  if (session.baseline !== null) {
    const b = session.baseline;
    return (
      <p className="baseline" data-testid="baseline">
        Baseline ({b.samples} readings): HR {b.hr ?? '--'} · BP {b.sbp ?? '--'}/{b.dbp ?? '--'} ·
        SpO2 {b.spo2 ?? '--'} · RR {b.rr ?? '--'}
      </p>
    );
  }
  if (session.state !== 'pre-infusion') return null;
  const taken = samples.filter((s) => s.sessionId === session.id).length;
  return (
    <div className="pre-infusion-step" data-testid="pre-infusion-step">
      <p className="step-title">
        <span aria-hidden="true">① </span>Take baseline readings before starting the infusion
      </p>
      <p className="muted">
        {taken === 0
          ? 'No readings in this session yet: enter BP, HR and SpO2 (or let the monitor run).'
          : // The live buffer holds the last 15 minutes (at most 1000): more may exist.
            `${taken}${taken >= BUFFER_MAX_SAMPLES ? '+' : ''} reading${taken === 1 ? '' : 's'} so far. The baseline is their median, fixed when the infusion starts.`}
      </p>
      {entryFieldId !== undefined && (
        <button
          type="button"
          className="button"
          onClick={() => {
            document.getElementById(entryFieldId)?.focus();
          }}
        >
          Enter a baseline reading
        </button>
      )}
    </div>
  );
}

/** The chair's last session after discharge, with the Aldrete score it was discharged on. */
function LastDischarge({ session }: { session: Session }) {
  const last = session.events.at(-1);
  return (
    <p className="muted" data-testid="last-discharge">
      Last session {session.patientRef} was discharged
      {last === undefined ? '' : ` at ${formatClock(Date.parse(last.at))} by ${last.by}`}
      {last?.aldrete === undefined ? '' : ` on ${aldreteRecordText(last.aldrete)}`}.
    </p>
  );
}

/**
 * The chair's infusion session: start it, move it through its states with exactly the actions
 * the state allows, watch the timer, and score discharge readiness.
 */
export function SessionPanel({
  chair,
  samples,
  latest,
  now,
  entryFieldId,
}: {
  chair: Chair;
  samples: readonly StoredSample[];
  latest: LatestReadings;
  now: number;
  /** The id of the manual reading's first field on this screen, for the baseline step. */
  entryFieldId?: string;
}) {
  const api = useApi();
  const role = useAuth((s) => s.user?.role ?? null);
  const mayManage = role !== null && can(role, 'sessions:manage');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Stopping and ending cannot be undone: they ask once more.
  const [confirming, setConfirming] = useState<SessionEventType | null>(null);
  // After "No, go back" (or Escape) the focus returns to the button that asked.
  const [backTo, setBackTo] = useState<SessionEventType | null>(null);
  const actionsRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirming !== null || backTo === null) return;
    actionsRef.current?.querySelector<HTMLButtonElement>(`.action-${backTo}`)?.focus();
    setBackTo(null);
  }, [confirming, backTo]);
  const goBack = () => {
    setBackTo(confirming);
    setConfirming(null);
  };
  // The discharge this panel made: the chair's session turns null on the live link right after,
  // and the nurse should still see what was recorded (the Aldrete score) until the next session.
  const [discharged, setDischarged] = useState<Session | null>(null);
  const titleId = useId();
  const session = chair.session;

  // The server also announces the change on the socket; storing the answer now avoids a flicker.
  const show = (next: Session) => {
    const held = useClinic.getState().chairs[chair.id]?.chair;
    const current = held?.session;
    // The live link may already have brought a later state of this session: keep that one.
    if (current?.id === next.id && current.events.length > next.events.length) return;
    useClinic.getState().upsertChair({ ...(held ?? chair), session: next });
  };

  async function send(s: Session, type: SessionEventType, aldrete?: AldreteRecord) {
    setBusy(true);
    setError(null);
    try {
      const next = await api.postSessionEvent(
        s.id,
        aldrete === undefined ? { type } : { type, aldrete },
      );
      if (next.state === 'discharged') setDischarged(next);
      show(next);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? `${err.message}. Someone may have changed this session; the screen shows it as the server has it.`
          : err instanceof Error
            ? err.message
            : 'The change was not saved.',
      );
    } finally {
      setBusy(false);
    }
  }

  if (session === null || session.state === 'discharged') {
    const lastSession = session ?? (discharged?.chairId === chair.id ? discharged : null);
    return (
      <section className="session-panel" aria-labelledby={titleId}>
        <h2 id={titleId} className="visually-hidden">
          Session
        </h2>
        {lastSession !== null && <LastDischarge session={lastSession} />}
        {mayManage ? (
          <SessionStartForm chairId={chair.id} onStarted={show} />
        ) : (
          <p>No infusion session in this chair.</p>
        )}
      </section>
    );
  }

  const dose = infusionDose(session);
  const summary = sessionSummary(session, now);
  const timer = infusionTimer(session, now);
  const dueIn = vitalsDueInMs(session, latest, now);
  const recovering = recoveryMs(session, now);
  const recoverySince = recovering === null ? null : now - recovering;
  const actions = allowedSessionEvents(session.state).filter(
    // In recovery, discharge is decided by the Aldrete score below.
    (type) => !(session.state === 'recovery' && type === 'discharged'),
  );

  return (
    <section className="session-panel" aria-labelledby={titleId}>
      <h2 id={titleId} className="visually-hidden">
        Session
      </h2>
      <dl className="session-facts">
        <div>
          <dt>Patient</dt>
          <dd data-testid="detail-patient-ref">{session.patientRef}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd data-testid="detail-session-state">
            <span aria-hidden="true">{summary.mark}</span> {summary.text}
          </dd>
        </div>
        <div>
          <dt>Infusion timer</dt>
          <dd data-testid="infusion-timer">
            {session.state === 'pre-infusion'
              ? `Not started · ${session.plannedMinutes} min planned`
              : timerText(timer, session.state === 'recovery', session.plannedMinutes)}
          </dd>
        </div>
        <div>
          <dt>Weight</dt>
          <dd>{session.weightKg} kg</dd>
        </div>
        <div>
          <dt>Dose</dt>
          <dd>
            {session.doseMgPerKg} mg/kg = {dose.totalMg} mg
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>
            {dose.mgPerMin} mg/min over {session.plannedMinutes} min
          </dd>
        </div>
        {recoverySince !== null && (
          <div>
            <dt>In recovery</dt>
            <dd data-testid="recovery-time">
              {formatDuration(now - recoverySince)} since {formatClock(recoverySince)}
            </dd>
          </div>
        )}
        {dueIn !== null && (
          <div>
            <dt>Manual check</dt>
            <dd data-testid="vitals-due" className={dueIn <= 0 ? 'is-due' : ''}>
              {vitalsDueText(dueIn)}
            </dd>
          </div>
        )}
      </dl>
      <BaselineFacts session={session} samples={samples} entryFieldId={entryFieldId} />
      {mayManage && actions.length > 0 && confirming === null && (
        <div className="session-actions" role="group" aria-label="Session actions" ref={actionsRef}>
          {actions.map((type) => (
            <button
              key={type}
              type="button"
              className={`button ${type === 'infusion-started' || type === 'infusion-resumed' ? 'button-primary' : ''} action-${type}`}
              disabled={busy}
              onClick={() => {
                if (IRREVERSIBLE.has(type)) setConfirming(type);
                else void send(session, type);
              }}
            >
              {actionLabel(type, session)}
            </button>
          ))}
        </div>
      )}
      {mayManage && confirming !== null && (
        <div
          className="session-confirm"
          role="group"
          aria-labelledby={`${titleId}-confirm`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') goBack();
          }}
        >
          <p id={`${titleId}-confirm`} className="step-title">
            {CONFIRM_QUESTIONS[confirming]}
          </p>
          <div className="session-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => {
                const type = confirming;
                setConfirming(null);
                void send(session, type);
              }}
            >
              Yes, {actionLabel(confirming, session).toLowerCase()}
            </button>
            <button
              type="button"
              className="button"
              // The safe choice takes the focus: Enter by habit does not end an infusion.
              autoFocus
              onClick={goBack}
            >
              No, go back
            </button>
          </div>
        </div>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {session.state === 'recovery' && (
        <AldreteForm
          baseline={session.baseline}
          latest={latest}
          canDischarge={mayManage}
          busy={busy}
          onDischarge={(score) => {
            void send(session, 'discharged', score);
          }}
        />
      )}
      {session.events.length > 0 && (
        <ol className="session-events" aria-label="Session events">
          {session.events.map((e) => (
            <li key={`${e.type}-${e.at}`}>
              <time dateTime={e.at}>{formatClock(Date.parse(e.at))}</time> {EVENT_NAMES[e.type]}{' '}
              <span className="muted">by {e.by}</span>
              {e.aldrete !== undefined && (
                <span className="event-aldrete"> · {aldreteRecordText(e.aldrete)}</span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
