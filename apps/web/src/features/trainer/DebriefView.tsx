import type { SimulatorDebrief } from '@chairside/core';
import { formatClock } from '../../time/format';
import { csvHref } from '../history/csv';
import { debriefToCsv, formatTimeToAcknowledge } from './console';

function clock(iso: string | null): string {
  return iso === null ? '' : formatClock(Date.parse(iso));
}

/**
 * How the trainee did: each alarm of the run with raised at, acknowledged by and at, and time
 * to acknowledge; the ones nobody acknowledged stand out. Downloadable as CSV.
 */
export function DebriefView({
  debrief,
  chairLabel,
}: {
  debrief: SimulatorDebrief;
  chairLabel: string;
}) {
  const { run, summary } = debrief;
  const fileName = `debrief-${chairLabel.replace(/\s+/g, '-').toLowerCase()}-${run.startedAt.slice(0, 16).replace(':', '')}.csv`;
  return (
    <section
      className="trainer-debrief"
      aria-label={`Debrief of ${run.scenarioTitle} on ${chairLabel}`}
    >
      <h3>
        Debrief: {run.scenarioTitle} on {chairLabel}, {run.speed}×
      </h3>
      <dl className="history-summary">
        <div>
          <dt>Alarms</dt>
          <dd data-testid="debrief-count">{summary.count}</dd>
        </div>
        <div>
          <dt>Acknowledged</dt>
          <dd>{summary.acknowledged}</dd>
        </div>
        <div>
          <dt>Never acknowledged</dt>
          <dd className={summary.neverAcknowledged > 0 ? 'debrief-missed' : undefined}>
            {summary.neverAcknowledged}
          </dd>
        </div>
        <div>
          <dt>Median time to acknowledge</dt>
          <dd>
            {summary.medianTimeToAcknowledgeMs === null
              ? '–'
              : formatTimeToAcknowledge(summary.medianTimeToAcknowledgeMs)}
          </dd>
        </div>
      </dl>
      {debrief.alarms.length === 0 ? (
        <p className="loading-note">No alarm was raised on the chair during this run.</p>
      ) : (
        <div className="table-scroll">
          <table className="history-table">
            <thead>
              <tr>
                <th scope="col">Raised at</th>
                <th scope="col">Priority</th>
                <th scope="col">Alarm</th>
                <th scope="col">Acknowledged by</th>
                <th scope="col">Acknowledged at</th>
                <th scope="col">Time to acknowledge</th>
              </tr>
            </thead>
            <tbody>
              {debrief.alarms.map((a) => (
                <tr
                  key={a.alertId}
                  className={a.acknowledgedAt === null ? 'debrief-unacknowledged' : undefined}
                >
                  <td className="num">{clock(a.raisedAt)}</td>
                  <td>
                    <span className={`priority-chip chip-${a.priority}`}>{a.priority}</span>
                  </td>
                  <td>{a.message}</td>
                  <td>{a.acknowledgedBy ?? ''}</td>
                  <td className="num">{clock(a.acknowledgedAt)}</td>
                  <td className="num">{formatTimeToAcknowledge(a.timeToAcknowledgeMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="history-export">
        <a className="button" href={csvHref(debriefToCsv(debrief, chairLabel))} download={fileName}>
          Download CSV
        </a>
      </p>
    </section>
  );
}
