import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { can } from '@chairside/core';
import type { Alert, Role } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { useClinic } from '../../store/clinic';
import type { AudioPauseHeld } from '../../store/clinic';
import { formatAge, formatDuration } from '../../time/format';
import { alarmKindWords, alarmMarker, openAlarmsInOrder } from './ordering';

/** "acknowledged by amy 12 s ago": shared by every viewer, straight from the alert itself. */
export function acknowledgedText(alert: Alert, now: number): string | null {
  if (alert.acknowledgedBy === null) return null;
  const when =
    alert.acknowledgedAt === null
      ? ''
      : ` ${formatAge(now - Date.parse(alert.acknowledgedAt))} ago`;
  return `acknowledged by ${alert.acknowledgedBy}${when}`;
}

/**
 * Who an unacknowledged alarm escalates to (CLINICAL.md 6: to the charge nurse after 60 s).
 * The admin stands in for the charge nurse in a small clinic. Everyone else sees a quiet note
 * that it went up, not the call to act.
 */
const ESCALATION_RECIPIENTS: ReadonlySet<Role> = new Set<Role>(['charge', 'admin']);

export function receivesEscalations(role: Role): boolean {
  return ESCALATION_RECIPIENTS.has(role);
}

export function isEscalated(alert: Alert): boolean {
  return alert.state === 'active' && alert.escalatedAt !== null && alert.escalatedAt !== undefined;
}

/** The pause still running at `now`, or null. */
export function runningPause(
  pause: AudioPauseHeld | undefined,
  now: number,
): AudioPauseHeld | null {
  return pause !== undefined && Date.parse(pause.until) > now ? pause : null;
}

function AlarmRow({
  alert,
  chairLabel,
  now,
  role,
  pause,
}: {
  alert: Alert;
  chairLabel: string;
  now: number;
  role: Role;
  pause: AudioPauseHeld | null;
}) {
  const api = useApi();
  const recordAlert = useClinic((s) => s.recordAlert);
  const setAudioPause = useClinic((s) => s.setAudioPause);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mayAct = can(role, 'alerts:acknowledge');
  const waiting = alert.state === 'active';
  const escalated = isEscalated(alert);
  const escalatedToMe = escalated && receivesEscalations(role);
  const acked = acknowledgedText(alert, now);
  const technical = alert.kind === 'technical';

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'That did not reach the server. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      className={`alarm-row alarm-${technical ? 'technical' : alert.priority} ${waiting ? 'is-unacknowledged' : 'is-acknowledged'} ${escalatedToMe ? 'is-escalated' : escalated ? 'is-escalated-elsewhere' : ''}`}
      data-testid="alarm-row"
      data-alert-id={alert.id}
      data-priority={alert.priority}
      data-escalation={escalatedToMe ? 'to-me' : escalated ? 'note' : undefined}
    >
      {escalatedToMe && (
        // First in the row, so the charge nurse reads it before the chair and the message.
        <span className="alarm-escalated" data-testid="alarm-escalated">
          <span aria-hidden="true">▲ </span>ESCALATED TO YOU
        </span>
      )}
      <span className="alarm-marker" aria-hidden="true">
        {alarmMarker(alert)}
      </span>
      <span className="visually-hidden">{alarmKindWords(alert)}: </span>
      <span className="alarm-chair">{chairLabel}</span>
      <span className="alarm-message" data-testid="alarm-message">
        {alert.message}
      </span>
      <span className="alarm-age">for {formatAge(now - Date.parse(alert.raisedAt))}</span>
      {escalated && !escalatedToMe && (
        <span className="alarm-escalated-note" data-testid="alarm-escalated">
          escalated to charge nurse
        </span>
      )}
      <span className="alarm-ack" data-testid="alarm-ack">
        {acked ?? 'not acknowledged'}
      </span>
      {pause !== null && (
        <span className="alarm-paused" data-testid="alarm-paused">
          Sound paused by {pause.by}, {formatDuration(Date.parse(pause.until) - now)} left
        </span>
      )}
      {error !== null && (
        <span className="alarm-error" role="alert">
          {error}
        </span>
      )}
      {mayAct && (
        <span className="alarm-actions">
          {waiting && (
            <button
              type="button"
              className="button alarm-ack-button"
              disabled={busy}
              aria-label={`Acknowledge ${chairLabel}: ${alert.message}`}
              onClick={() => {
                void act(async () => {
                  recordAlert(await api.acknowledgeAlert(alert.id));
                });
              }}
            >
              Acknowledge
            </button>
          )}
          {waiting && pause === null && (
            <button
              type="button"
              className="button"
              disabled={busy}
              aria-label={`Pause alarm sound of ${chairLabel} for 2 minutes`}
              onClick={() => {
                void act(async () => {
                  setAudioPause(alert.chairId, await api.pauseAudio(alert.chairId));
                });
              }}
            >
              Pause sound 2 min
            </button>
          )}
        </span>
      )}
    </li>
  );
}

/**
 * Every open alarm of the clinic, most urgent first: the nurse's work list. Acknowledging goes
 * through the server, so every viewer sees who did it at once.
 */
export function AlarmBanner({
  now,
  role,
  controls,
}: {
  now: number;
  role: Role;
  /** The station's sound controls, on the banner's first line. */
  controls?: ReactNode;
}) {
  const alerts = useClinic((s) => s.alerts);
  const chairs = useClinic((s) => s.chairs);
  const pauses = useClinic((s) => s.audioPauses);
  const open = useMemo(() => openAlarmsInOrder(Object.values(alerts)), [alerts]);
  const toMe = receivesEscalations(role);
  // The newest alarm nobody has acknowledged, read out by screen readers as it arrives; for the
  // charge nurse an escalation reaching her is news too.
  const newsAt = (a: Alert): number =>
    Math.max(
      Date.parse(a.raisedAt),
      toMe && isEscalated(a) ? Date.parse(a.escalatedAt ?? '') : -Infinity,
    );
  const newest = open
    .filter((a) => a.state === 'active')
    .reduce<Alert | undefined>(
      (n, a) => (n === undefined || newsAt(a) > newsAt(n) ? a : n),
      undefined,
    );
  const announcement =
    newest === undefined
      ? ''
      : `${toMe && isEscalated(newest) ? 'Escalated to you, ' : ''}${alarmKindWords(newest)}: ${chairs[newest.chairId]?.chair.label ?? newest.chairId}, ${newest.message}`;
  const live = (
    <p className="visually-hidden" aria-live="assertive" data-testid="alarm-announcement">
      {announcement}
    </p>
  );
  if (open.length === 0) {
    return (
      <section className="alarm-banner is-empty" aria-label="Alarms" data-testid="alarm-banner">
        <div className="alarm-banner-head">
          <p className="alarm-none">No active alarms</p>
          {controls}
        </div>
        {live}
      </section>
    );
  }
  const waiting = open.filter((a) => a.state === 'active').length;
  const escalated = open.filter(isEscalated).length;
  return (
    <section className="alarm-banner" aria-label="Active alarms" data-testid="alarm-banner">
      <div className="alarm-banner-head">
        <h2 className="alarm-banner-title">
          Alarms: {open.length} open, {waiting} not acknowledged
          {escalated > 0 && !toMe && `, ${escalated} escalated to the charge nurse`}
          {escalated > 0 && toMe && (
            <>
              ,{' '}
              <strong className="alarm-banner-escalated" data-testid="escalated-to-me">
                {escalated} escalated to you: respond now
              </strong>
            </>
          )}
        </h2>
        {controls}
      </div>
      {live}
      <ol className="alarm-list">
        {open.map((alert) => (
          <AlarmRow
            key={alert.id}
            alert={alert}
            chairLabel={chairs[alert.chairId]?.chair.label ?? alert.chairId}
            now={now}
            role={role}
            pause={runningPause(pauses[alert.chairId], now)}
          />
        ))}
      </ol>
    </section>
  );
}
