import type { StoredSample } from '@chairside/core';
import { formatClock } from '../../time/format';
import { formatSedationScore } from '../overview/vitals';

/** Rows shown at most: enough for every manual reading of a session, and a page that stays light. */
export const TABLE_MAX_ROWS = 500;

const dash = (v: number | undefined) => (v === undefined ? '--' : String(Math.round(v)));

/** The same readings as the charts, as numbers, newest first: for reading exact values aloud. */
export function ReadingsTable({
  samples,
  phrase,
}: {
  samples: readonly StoredSample[];
  phrase: string;
}) {
  const rows = samples.slice(-TABLE_MAX_ROWS).reverse();
  if (rows.length === 0) return <p className="trend-empty">No readings {phrase}.</p>;
  return (
    <div className="readings-table-wrap">
      <p className="muted">
        {samples.length > TABLE_MAX_ROWS
          ? `Newest ${TABLE_MAX_ROWS} of ${samples.length} readings ${phrase}.`
          : `${samples.length} reading${samples.length === 1 ? '' : 's'} ${phrase}.`}
      </p>
      <table className="readings-table">
        <caption className="visually-hidden">Readings {phrase}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">HR</th>
            <th scope="col">BP</th>
            <th scope="col">SpO2</th>
            <th scope="col">RR</th>
            <th scope="col">EtCO2</th>
            <th scope="col">Sedation</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} className={s.source === 'manual' ? 'is-manual' : ''}>
              <th scope="row">
                <time dateTime={s.at}>{formatClock(Date.parse(s.at))}</time>
              </th>
              <td>{dash(s.hr)}</td>
              <td>{s.sbp === undefined ? '--' : `${dash(s.sbp)}/${dash(s.dbp)}`}</td>
              <td>{dash(s.spo2)}</td>
              <td>{dash(s.rr)}</td>
              <td>{dash(s.etco2)}</td>
              <td>
                {s.sedation === undefined
                  ? '--'
                  : `${s.sedation.scale} ${formatSedationScore(s.sedation)}`}
              </td>
              <td>{s.source === 'manual' ? `manual (${s.enteredBy ?? '?'})` : s.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
