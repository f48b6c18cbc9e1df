import type { Session } from '@chairside/core';
import type { LatestReadings } from '../../store/clinic';
import {
  infusionTimer,
  recoveryMs,
  recoveryText,
  timerText,
  vitalsDueInMs,
  vitalsDueText,
} from './sessionClock';

/** The tile's infusion lines as one sentence for screen readers, or undefined when not infusing. */
export function spokenSessionClock(
  session: Session | null,
  latest: LatestReadings,
  now: number,
): string | undefined {
  const recovering = recoveryMs(session, now);
  if (recovering !== null) return recoveryText(recovering);
  if (session === null || (session.state !== 'infusing' && session.state !== 'paused')) {
    return undefined;
  }
  const dueIn = vitalsDueInMs(session, latest, now);
  return [timerText(infusionTimer(session, now)), dueIn === null ? null : vitalsDueText(dueIn)]
    .filter((p) => p !== null)
    .join(', ');
}

/**
 * Infusion timer and the 5-minute manual check on the tile, in words and numbers: a nurse
 * across the room reads "Vitals due now" without relying on a colour.
 */
export function TileSessionClock({
  session,
  latest,
  now,
}: {
  session: Session | null;
  latest: LatestReadings;
  now: number;
}) {
  const recovering = recoveryMs(session, now);
  if (recovering !== null) {
    return (
      <div className="tile-clock" aria-hidden="true">
        <span className="tile-timer" data-testid="tile-recovery">
          {recoveryText(recovering)}
        </span>
      </div>
    );
  }
  if (session === null || (session.state !== 'infusing' && session.state !== 'paused')) {
    return null;
  }
  const dueIn = vitalsDueInMs(session, latest, now);
  return (
    <div className="tile-clock" aria-hidden="true">
      <span className="tile-timer" data-testid="tile-timer">
        {timerText(infusionTimer(session, now))}
      </span>
      {dueIn !== null && (
        <span className={`tile-vitals-due ${dueIn <= 0 ? 'is-due' : ''}`} data-testid="vitals-due">
          <span aria-hidden="true">{dueIn <= 0 ? '⚑ ' : '◷ '}</span>
          {vitalsDueText(dueIn)}
        </span>
      )}
    </div>
  );
}
