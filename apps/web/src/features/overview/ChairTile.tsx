import { memo } from 'react';
import { Link } from 'react-router';
import type { Alert, StoredSample } from '@chairside/core';
import { isEscalated } from '../alarms/AlarmBanner';
import { alarmedVitals, spokenAlarms, TileAlarm, tileAlarmClass } from '../alarms/TileAlarm';
import type { ChairLive } from '../../store/clinic';
import { TileEntry } from '../manual-entry/TileEntry';
import { spokenSessionClock, TileSessionClock } from '../session/TileSessionClock';
import { formatAge, isStale } from '../../time/format';
import { Sparkline } from './Sparkline';
import {
  HR_TREND,
  pickHr,
  pickSbp,
  pickSpo2,
  SBP_TREND,
  sessionSummary,
  SPO2_TREND,
  tileValuesOf,
} from './vitals';
import type { SparklineScale } from './Sparkline';
import type { TileValue } from './vitals';

interface VitalProps {
  value: TileValue;
  /** What the age reads ("4 s", "not measured"): a tick that leaves it unchanged redraws nothing. */
  age: string;
  stale: boolean;
  size: 'main' | 'minor';
  className?: string;
  /** The trend drawn beside the number (main vitals only). */
  samples?: readonly StoredSample[];
  pick?: (s: StoredSample) => number | undefined;
  scale?: SparklineScale;
}

const Vital = memo(function Vital({
  value,
  age: ageText,
  stale,
  size,
  className,
  samples,
  pick,
  scale,
}: VitalProps) {
  const measured = value.atMs !== null;
  const p = value.parameter;
  const age = (
    <span className="vital-age" data-testid={`age-${p}`}>
      {ageText}
    </span>
  );
  // Words, not colour alone: a dashed frame and STALE on a number that stopped coming.
  const staleMark = stale && <span className="stale-mark">STALE</span>;
  const label = (
    <span className="vital-label">
      {value.label} {value.unit !== '' && <span className="vital-unit">{value.unit}</span>}
    </span>
  );
  const number = (
    <span className="vital-value" data-testid={`value-${p}`} data-stale={stale ? 'true' : 'false'}>
      {value.text}
    </span>
  );
  const classes = `vital vital-${size} vital-${p} ${stale ? 'is-stale' : ''} ${measured ? '' : 'is-unmeasured'} ${className ?? ''}`;
  if (size === 'minor') {
    // One line: the secondary readings keep the tile short enough for 8 chairs on 1080p.
    return (
      <div className={classes} data-param={p}>
        {label}
        {number}
        {age}
        {staleMark}
      </div>
    );
  }
  // Where the trend is drawn, STALE goes on the label line; the narrow RR cell has it beside
  // the number. "not measured" takes the empty trend's place, so no label is ever cut short.
  const trend =
    samples !== undefined && pick !== undefined && scale !== undefined
      ? { samples, pick, scale }
      : undefined;
  const markOnTop = trend !== undefined;
  return (
    <div className={classes} data-param={p}>
      <div className="vital-top">
        {label}
        {measured && (
          <span className="vital-when">
            {age}
            {markOnTop && staleMark}
          </span>
        )}
      </div>
      <div className="vital-reading">
        {number}
        <span className="vital-side">
          {!measured && age}
          {!markOnTop && staleMark}
          {measured && trend !== undefined && (
            <Sparkline
              samples={trend.samples}
              pick={trend.pick}
              scale={trend.scale}
              className={`sparkline-${p}`}
            />
          )}
        </span>
      </div>
    </div>
  );
});

/** A vital's age and staleness at `now`, as the tile shows them. */
function ageAt(v: TileValue, now: number): { age: string; stale: boolean } {
  return v.atMs === null
    ? { age: 'not measured', stale: false }
    : { age: formatAge(now - v.atMs), stale: isStale(v.atMs, now) };
}

/** The entry button and its sheet change with the chair, not with each second. */
const TileEntryOnce = memo(TileEntry);

function spoken(v: TileValue, now: number): string {
  if (v.atMs === null) return `${v.label} not measured`;
  const stale = isStale(v.atMs, now) ? ', stale' : '';
  return `${v.label} ${v.text}${v.unit === '' ? '' : ` ${v.unit}`}${stale}`;
}

/**
 * One chair at a glance: who is in it, where the infusion is, and each vital with its age.
 * The whole tile opens the chair's detail.
 */
export const ChairTile = memo(function ChairTile({
  live,
  now,
  offline,
  alarms,
  escalationsToMe = false,
}: {
  live: ChairLive;
  now: number;
  /** The dashboard's own connection is down: nothing here is live. */
  offline: boolean;
  /** This chair's open alarms, most urgent first. */
  alarms?: readonly Alert[];
  /** The viewer is who escalations go to (charge nurse, admin): an escalated chair calls her. */
  escalationsToMe?: boolean;
}) {
  const { chair, samples, latest } = live;
  const values = tileValuesOf(latest);
  const session = sessionSummary(chair.session, now);
  const patientRef = chair.session?.patientRef ?? null;
  const showEtco2 = latest.etco2 !== undefined;

  const escalatedToMe = escalationsToMe && (alarms ?? []).some(isEscalated);
  const label = [
    chair.label,
    escalatedToMe ? 'escalated to you' : undefined,
    spokenAlarms(alarms),
    patientRef ?? undefined,
    session.text,
    spokenSessionClock(chair.session, latest, now),
    ...[
      values.hr,
      values.bp,
      values.spo2,
      values.rr,
      ...(showEtco2 ? [values.etco2] : []),
      values.sedation,
    ].map((v) => spoken(v, now)),
    offline ? 'connection lost, not live' : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');

  return (
    // The cell holds the tile and its "Enter vitals" button: a button may not sit inside a link.
    <div className="chair-tile-cell">
      <Link
        to={`/chairs/${encodeURIComponent(chair.id)}`}
        className={`chair-tile ${offline ? 'is-offline' : ''} ${tileAlarmClass(alarms)} ${escalatedToMe ? 'is-escalated-to-me' : ''}`}
        data-escalated={escalatedToMe ? 'to-me' : undefined}
        data-testid="chair-tile"
        data-chair-id={chair.id}
        data-offline={offline ? 'true' : 'false'}
        data-alarm-high={alarmedVitals(alarms, 'high')}
        data-alarm-medium={alarmedVitals(alarms, 'medium')}
        aria-label={label}
      >
        <div className="tile-head">
          <h2 className="tile-label">{chair.label}</h2>
          <span className="tile-patient" data-testid="patient-ref">
            {patientRef ?? 'No patient'}
          </span>
          <span className={`session-state session-${session.state}`} data-testid="session-state">
            <span aria-hidden="true">{session.mark}</span> {session.text}
          </span>
        </div>
        {/* Every band of the tile has a fixed height, so an alarm, a STALE mark or a timer
            never changes a tile's size and the grid never moves under the nurse's finger. */}
        <div className="tile-alarm-slot">
          {alarms === undefined || alarms.length === 0 ? (
            <span className="tile-no-alarm" aria-hidden="true">
              No alarm
            </span>
          ) : (
            <>
              {escalatedToMe && (
                <span className="tile-escalated" data-testid="tile-escalated" aria-hidden="true">
                  ▲<span className="tile-escalated-word"> YOU</span>
                </span>
              )}
              <TileAlarm alarms={alarms} now={now} />
            </>
          )}
        </div>
        <div className="tile-main">
          <Vital
            value={values.hr}
            {...ageAt(values.hr, now)}
            size="main"
            samples={samples}
            pick={pickHr}
            scale={HR_TREND}
          />
          <Vital
            value={values.spo2}
            {...ageAt(values.spo2, now)}
            size="main"
            samples={samples}
            pick={pickSpo2}
            scale={SPO2_TREND}
          />
          <Vital
            value={values.bp}
            {...ageAt(values.bp, now)}
            size="main"
            className="vital-wide"
            samples={samples}
            pick={pickSbp}
            scale={SBP_TREND}
          />
          <Vital
            value={values.rr}
            {...ageAt(values.rr, now)}
            size="main"
            className="vital-narrow"
          />
        </div>
        <div className="tile-minor">
          {showEtco2 && <Vital value={values.etco2} {...ageAt(values.etco2, now)} size="minor" />}
          <Vital value={values.sedation} {...ageAt(values.sedation, now)} size="minor" />
        </div>
        <div className="tile-clock-slot">
          <TileSessionClock session={chair.session} latest={latest} now={now} />
        </div>
        {offline && (
          <div className="tile-offline-mark" aria-hidden="true">
            NOT LIVE
          </div>
        )}
      </Link>
      <TileEntryOnce chairId={chair.id} chairLabel={chair.label} />
    </div>
  );
});
