import type { Alert, AlertPriority } from '@chairside/core';
import { useClinic } from '../../store/clinic';
import { formatDuration } from '../../time/format';
import { runningPause } from './AlarmBanner';
import { alarmKindWords, alarmMarker } from './ordering';

/** The tile's class for its most urgent open alarm: colour, border and flash come from CSS. */
export function tileAlarmClass(alarms: readonly Alert[] | undefined): string {
  const top = alarms?.[0];
  if (top === undefined) return '';
  const kind = top.kind === 'technical' ? 'technical' : top.priority;
  return `has-alarm tile-alarm-${kind} ${top.state === 'active' ? 'is-unacknowledged' : ''}`;
}

/**
 * The tile's vitals in alarm at this priority, as the tile names them ("spo2 bp"), so the
 * number itself is framed too (the tile's data-alarm-high / data-alarm-medium attributes).
 */
export function alarmedVitals(
  alarms: readonly Alert[] | undefined,
  priority: AlertPriority,
): string | undefined {
  const params = new Set(
    (alarms ?? [])
      .filter((a) => a.kind === 'physiological' && a.priority === priority)
      .map((a) => (a.parameter === 'sbp' || a.parameter === 'dbp' ? 'bp' : a.parameter)),
  );
  return params.size === 0 ? undefined : [...params].sort().join(' ');
}

/** What a screen reader hears about a chair's alarms, as part of the tile's name. */
export function spokenAlarms(alarms: readonly Alert[] | undefined): string | undefined {
  const top = alarms?.[0];
  if (top === undefined) return undefined;
  const more = alarms !== undefined && alarms.length > 1 ? `, ${alarms.length - 1} more` : '';
  const acked = top.acknowledgedBy === null ? '' : `, acknowledged by ${top.acknowledgedBy}`;
  return `${alarmKindWords(top)}: ${top.message}${acked}${more}`;
}

/**
 * The alarm strip of a chair tile: the shape marker (!!!, !!, !, INOP) and the message in words,
 * so the alarm is read without relying on colour.
 */
export function TileAlarm({
  alarms,
  now,
}: {
  alarms: readonly Alert[] | undefined;
  /** Given: the chair's shared audio pause shows its countdown here too, for the whole room. */
  now?: number;
}) {
  const top = alarms?.[0];
  const held = useClinic((s) => (top === undefined ? undefined : s.audioPauses[top.chairId]));
  if (alarms === undefined || top === undefined) return null;
  const pause = now === undefined ? null : runningPause(held, now);
  const kind = top.kind === 'technical' ? 'technical' : top.priority;
  return (
    <div
      className={`tile-alarm alarm-${kind} ${top.state === 'active' ? 'is-unacknowledged' : 'is-acknowledged'}`}
      data-testid="tile-alarm"
      data-priority={top.priority}
      aria-hidden="true"
    >
      <span className="alarm-marker">{alarmMarker(top)}</span>
      <span className="tile-alarm-message">{top.message}</span>
      {top.acknowledgedBy !== null && (
        <span className="tile-alarm-ack">ACK {top.acknowledgedBy}</span>
      )}
      {alarms.length > 1 && <span className="tile-alarm-more">+{alarms.length - 1} more</span>}
      {pause !== null && now !== undefined && (
        <span className="tile-alarm-paused" data-testid="tile-alarm-paused">
          sound paused {formatDuration(Date.parse(pause.until) - now)}
        </span>
      )}
    </div>
  );
}
