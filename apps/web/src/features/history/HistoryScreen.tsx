import { useEffect, useId, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ALERT_KINDS, ALERT_PRIORITIES, ALERT_STATES } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import type { AlertRecord } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { useNow } from '../../time/useNow';
import { alarmMarker } from '../alarms/ordering';
import { alertsToCsv, csvHref } from './csv';
import {
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  MAX_HISTORY_ROWS,
  startOfDayLocal,
} from './filters';
import type { HistoryFilters } from './filters';
import { formatDateTime, formatResponseTime, summarizeAlerts } from './summary';

type Loaded =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; alerts: AlertRecord[] };

/** Patient refs of the sessions the alerts belong to: the chairs' own, then asked one by one. */
function usePatientRefs(alerts: readonly AlertRecord[]): Readonly<Record<string, string>> {
  const api = useApi();
  const chairs = useClinic((s) => s.chairs);
  const [fetched, setFetched] = useState<Record<string, string>>({});
  const known = useMemo(() => {
    const refs: Record<string, string> = { ...fetched };
    for (const live of Object.values(chairs)) {
      const session = live.chair.session;
      if (session !== null) refs[session.id] = session.patientRef;
    }
    return refs;
  }, [chairs, fetched]);

  const missing = useMemo(
    () =>
      [...new Set(alerts.map((a) => a.sessionId))].filter(
        (id): id is string => id !== null && known[id] === undefined,
      ),
    [alerts, known],
  );
  useEffect(() => {
    if (missing.length === 0) return;
    let cancelled = false;
    void Promise.allSettled(
      missing.slice(0, 100).map(async (id) => [id, (await api.getSession(id)).patientRef] as const),
    ).then((results) => {
      if (cancelled) return;
      const found: Record<string, string> = {};
      for (const r of results) if (r.status === 'fulfilled') found[r.value[0]] = r.value[1];
      // A session that cannot be read shows its id; mark it so it is not asked again.
      for (const id of missing.slice(0, 100)) found[id] ??= '';
      setFetched((prev) => ({ ...prev, ...found }));
    });
    return () => {
      cancelled = true;
    };
  }, [api, missing]);
  return known;
}

/** A labelled filter control; the label names the control alone (not its selected option). */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T | '';
  options: readonly { value: T; label: string }[];
  onChange: (v: T | '') => void;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={value}
          onChange={(e) => {
            onChange(e.currentTarget.value as T | '');
          }}
        >
          <option value="">All</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

const words = <T extends string>(values: readonly T[]) =>
  values.map((v) => ({ value: v, label: `${v.charAt(0).toUpperCase()}${v.slice(1)}` }));

/**
 * The charge nurse's review: every alarm across chairs and dates, filtered by what is in the
 * URL, with the figures that matter (time to acknowledge) and a CSV export.
 */
export default function HistoryScreen() {
  const api = useApi();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const chairIds = useClinic((s) => s.chairIds);
  const chairs = useClinic((s) => s.chairs);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [reload, setReload] = useState(0);

  const queryKey = filtersToSearch(filters).toString();
  useEffect(() => {
    let cancelled = false;
    setLoaded({ status: 'loading' });
    api
      .listAlerts(filtersToQuery(filtersFromSearch(new URLSearchParams(queryKey))))
      .then((alerts) => {
        if (!cancelled) setLoaded({ status: 'ready', alerts });
      })
      .catch((e: unknown) => {
        if (!cancelled) {
          setLoaded({
            status: 'failed',
            message: e instanceof ApiError ? e.message : 'The alarm history could not be loaded.',
          });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [api, queryKey, reload]);

  const alerts = loaded.status === 'ready' ? loaded.alerts : [];
  const patientRefs = usePatientRefs(alerts);
  const summary = useMemo(() => summarizeAlerts(alerts), [alerts]);
  const chairLabel = (id: string) => chairs[id]?.chair.label ?? id;
  const patientRef = (id: string | null) => (id === null ? '' : (patientRefs[id] ?? ''));
  const csv = useMemo(
    () =>
      alertsToCsv(alerts, {
        chairLabel: (id) => chairs[id]?.chair.label ?? id,
        patientRef: (id) => (id === null ? '' : (patientRefs[id] ?? '')),
      }),
    [alerts, chairs, patientRefs],
  );

  const update = (change: Partial<HistoryFilters>) => {
    setParams(filtersToSearch({ ...filters, ...change }));
  };

  return (
    <main className="history" aria-labelledby="history-title">
      <h1 id="history-title">Alarm history</h1>
      <form
        className="history-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Field label="Chair">
          {(id) => (
            <select
              id={id}
              value={filters.chairId}
              onChange={(e) => {
                update({ chairId: e.currentTarget.value });
              }}
            >
              <option value="">All chairs</option>
              {chairIds.map((id) => (
                <option key={id} value={id}>
                  {chairLabel(id)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Session id">
          {(id) => (
            <input
              id={id}
              type="text"
              value={filters.sessionId}
              placeholder="any"
              onChange={(e) => {
                update({ sessionId: e.currentTarget.value.trim() });
              }}
            />
          )}
        </Field>
        <Select
          label="Priority"
          value={filters.priority}
          options={words(ALERT_PRIORITIES)}
          onChange={(priority) => {
            update({ priority });
          }}
        />
        <Select
          label="Kind"
          value={filters.kind}
          options={words(ALERT_KINDS)}
          onChange={(kind) => {
            update({ kind });
          }}
        />
        <Select
          label="State"
          value={filters.state}
          options={words(ALERT_STATES)}
          onChange={(state) => {
            update({ state });
          }}
        />
        <Field label="Raised from">
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              value={filters.from}
              onChange={(e) => {
                update({ from: e.currentTarget.value });
              }}
            />
          )}
        </Field>
        <Field label="Raised until">
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              value={filters.to}
              onChange={(e) => {
                update({ to: e.currentTarget.value });
              }}
            />
          )}
        </Field>
        <div className="filter-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              update({ from: startOfDayLocal(now), to: '' });
            }}
          >
            Today
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setReload((n) => n + 1);
            }}
          >
            Refresh
          </button>
        </div>
      </form>

      {chairIds.some((id) => chairs[id]?.chair.session) && (
        <nav className="current-reports" aria-label="Reports of the sessions in the chairs now">
          <span className="muted">Session reports, chairs now:</span>
          {chairIds.map((id) => {
            const session = chairs[id]?.chair.session;
            if (session === null || session === undefined) return null;
            return (
              <Link key={id} to={`/sessions/${encodeURIComponent(session.id)}/report`}>
                {chairLabel(id)} · {session.patientRef}
              </Link>
            );
          })}
        </nav>
      )}
      {loaded.status === 'failed' && (
        <p className="form-error" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.status === 'loading' && <p className="loading-note">Loading alarms…</p>}
      {loaded.status === 'ready' && (
        <>
          <dl className="history-summary" data-testid="history-summary">
            <div>
              <dt>Alarms</dt>
              <dd data-testid="summary-total">{summary.total}</dd>
            </div>
            <div>
              <dt>Per session</dt>
              <dd data-testid="summary-per-session">
                {summary.perSession === null ? '–' : summary.perSession.toFixed(1)}
              </dd>
            </div>
            <div>
              <dt>Median time to acknowledge</dt>
              <dd data-testid="summary-median-ack">
                {summary.medianTimeToAcknowledgeMs === null
                  ? '–'
                  : formatResponseTime(summary.medianTimeToAcknowledgeMs)}
              </dd>
            </div>
            <div>
              <dt>Never acknowledged</dt>
              <dd data-testid="summary-unacknowledged">{summary.unacknowledged}</dd>
            </div>
            <div>
              <dt>Waiting now</dt>
              <dd data-testid="summary-waiting">{summary.waiting}</dd>
            </div>
          </dl>
          <p className="history-export">
            <a
              className="button button-primary"
              href={csvHref(csv)}
              download={`chairside-alarms-${startOfDayLocal(now).slice(0, 10)}.csv`}
              data-testid="csv-download"
            >
              Download CSV ({alerts.length} {alerts.length === 1 ? 'alarm' : 'alarms'})
            </a>
            {alerts.length >= MAX_HISTORY_ROWS && (
              <span className="muted">
                {' '}
                Showing the newest {MAX_HISTORY_ROWS}; narrow the time range to see older ones.
              </span>
            )}
          </p>
          {alerts.length === 0 ? (
            <p className="empty-note">No alarms match these filters.</p>
          ) : (
            <div className="table-scroll">
              <table className="history-table" data-testid="history-table">
                <caption className="visually-hidden">Alarms, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Raised</th>
                    <th scope="col">Chair</th>
                    <th scope="col">Patient / session</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Message</th>
                    <th scope="col">State</th>
                    <th scope="col">Acknowledged by</th>
                    <th scope="col">Time to ack.</th>
                    <th scope="col">Cleared</th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((a) => (
                    <tr key={a.id} data-alert-id={a.id}>
                      <td className="num">{formatDateTime(a.raisedAt)}</td>
                      <td>{chairLabel(a.chairId)}</td>
                      <td>
                        {a.sessionId === null ? (
                          <span className="muted">no session</span>
                        ) : (
                          <Link to={`/sessions/${encodeURIComponent(a.sessionId)}/report`}>
                            {patientRef(a.sessionId) || a.sessionId}
                          </Link>
                        )}
                      </td>
                      <td>
                        <span
                          className={`priority-chip chip-${a.kind === 'technical' ? 'technical' : a.priority}`}
                        >
                          <span aria-hidden="true">{alarmMarker(a)} </span>
                          {a.priority}
                          {a.kind === 'technical' ? ' (technical)' : ''}
                        </span>
                      </td>
                      <td className="num">{a.message}</td>
                      <td>{a.state}</td>
                      <td>{a.acknowledgedBy ?? <span className="muted">nobody</span>}</td>
                      <td className="num">
                        {a.timeToAcknowledgeMs === null
                          ? '–'
                          : formatResponseTime(a.timeToAcknowledgeMs)}
                        {a.escalatedAt !== null && a.escalatedAt !== undefined && (
                          <span className="escalated-note"> escalated</span>
                        )}
                      </td>
                      <td className="num">{formatDateTime(a.clearedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </main>
  );
}
