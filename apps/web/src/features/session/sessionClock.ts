import { DEFAULT_ALARM_RULES, infusedMs } from '@chairside/core';
import type { Session } from '@chairside/core';
import type { LatestReadings } from '../../store/clinic';
import { formatDuration } from '../../time/format';

export interface InfusionTimer {
  /** Time the pump has run, pauses excluded. */
  infusedMs: number;
  /** Planned minus infused; negative once the infusion runs over. */
  remainingMs: number;
}

export function infusionTimer(session: Session, now: number): InfusionTimer {
  const infused = infusedMs(session.events, now);
  return { infusedMs: infused, remainingMs: session.plannedMinutes * 60_000 - infused };
}

/** "12:04 infused · 27:56 left" or "41:10 infused · 01:10 over"; once stopped, "38:20 infused of 40 min". */
export function timerText(t: InfusionTimer, stopped = false, plannedMinutes = 0): string {
  if (stopped) return `${formatDuration(t.infusedMs)} infused of ${plannedMinutes} min`;
  const rest =
    t.remainingMs >= 0
      ? `${formatDuration(t.remainingMs)} left`
      : `${formatDuration(-t.remainingMs)} over`;
  return `${formatDuration(t.infusedMs)} infused · ${rest}`;
}

/** When the current infusion stretch began (the last start or resume), or null when not infusing. */
function infusingSince(session: Session): number | null {
  if (session.state !== 'infusing') return null;
  for (let i = session.events.length - 1; i >= 0; i--) {
    const e = session.events[i];
    if (e?.type === 'infusion-started' || e?.type === 'infusion-resumed') return Date.parse(e.at);
  }
  return null;
}

/**
 * Milliseconds until HR, BP and SpO2 are due again during an infusion (negative when due), by
 * the alarm engine's rule: each clock starts at its newest reading or at the infusion start or
 * resume, whichever is later; the oldest of the three decides. Null when not infusing.
 */
export function vitalsDueInMs(
  session: Session | null,
  latest: LatestReadings,
  now: number,
  reminderMs = DEFAULT_ALARM_RULES.vitalsDue.reminderMs,
): number | null {
  if (session === null) return null;
  const since = infusingSince(session);
  if (since === null) return null;
  const oldest = Math.min(
    ...[latest.hr, latest.sbp, latest.spo2].map((r) => Math.max(r?.atMs ?? since, since)),
  );
  return oldest + reminderMs - now;
}

/** "Vitals due in 03:12" or "Vitals due now (02:05 late)". */
export function vitalsDueText(dueInMs: number): string {
  return dueInMs > 0
    ? `Vitals due in ${formatDuration(dueInMs)}`
    : `Vitals due now (${formatDuration(-dueInMs)} late)`;
}

/** Milliseconds since the infusion was stopped, while the patient is in recovery; else null. */
export function recoveryMs(session: Session | null, now: number): number | null {
  if (session?.state !== 'recovery') return null;
  const stopped = session.events.findLast((e) => e.type === 'infusion-stopped');
  return stopped === undefined ? null : Math.max(0, now - Date.parse(stopped.at));
}

/** "In recovery 12:04". */
export function recoveryText(ms: number): string {
  return `In recovery ${formatDuration(ms)}`;
}
