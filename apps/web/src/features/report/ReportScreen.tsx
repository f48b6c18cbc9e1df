import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { aldreteRecordText, infusionDose } from '@chairside/core';
import type { Session, StoredSample } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import type { AlertRecord } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { formatClock } from '../../time/format';
import { appClock } from '../../time/useNow';
import { alarmMarker } from '../alarms/ordering';
import { formatDateTime, formatResponseTime } from '../history/summary';
import { EVENT_WORDS, reportRows, sessionSpan } from './reportData';
import type { ReportMarker } from './ReportChart';

// recharts is heavy: the chart comes in its own chunk when a report is opened.
const ReportChart = lazy(() => import('./ReportChart'));

const MAX_REPORT_SAMPLES = 20_000;

interface ReportData {
  session: Session;
  alerts: AlertRecord[];
  samples: StoredSample[];
  /** When the report was put together: an open session's report says "until now". */
  at: number;
}

type Loaded =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; data: ReportData };

/**
 * One session on paper for the patient's chart: who, what dose, what happened when and by whom,
 * the vitals over the session and every alarm. Prints cleanly (see @media print).
 */
export default function ReportScreen({ clock = appClock }: { clock?: () => number }) {
  const { sessionId = '' } = useParams();
  const api = useApi();
  const chairs = useClinic((s) => s.chairs);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    setLoaded({ status: 'loading' });
    const load = async (): Promise<ReportData> => {
      const at = clock();
      const [session, alerts] = await Promise.all([
        api.getSession(sessionId),
        api.listAlerts({ sessionId, limit: 5000 }),
      ]);
      const [from, to] = sessionSpan(session, at);
      const samples = await api.getVitals(session.chairId, {
        from,
        to,
        limit: MAX_REPORT_SAMPLES,
      });
      return { session, alerts, samples: samples.filter((s) => s.sessionId === session.id), at };
    };
    load()
      .then((data) => {
        if (!cancelled) setLoaded({ status: 'ready', data });
      })
      .catch((e: unknown) => {
        if (!cancelled) {
          setLoaded({
            status: 'failed',
            message:
              e instanceof ApiError && e.status === 404
                ? 'There is no such session.'
                : e instanceof ApiError
                  ? e.message
                  : 'The report could not be put together.',
          });
        }
      });
    return () => {
      cancelled = true;
    };
  }, [api, sessionId, clock]);

  const data = loaded.status === 'ready' ? loaded.data : null;
  const rows = useMemo(() => (data === null ? [] : reportRows(data.samples)), [data]);
  const markers = useMemo((): ReportMarker[] => {
    if (data === null) return [];
    return [
      ...data.session.events.map((e) => ({
        t: Date.parse(e.at),
        label: EVENT_WORDS[e.type].replace('Infusion ', ''),
        kind: 'event' as const,
      })),
      ...data.alerts
        .filter((a) => a.priority === 'high')
        .map((a) => ({ t: Date.parse(a.raisedAt), label: alarmMarker(a), kind: 'alarm' as const })),
    ];
  }, [data]);

  if (loaded.status === 'loading') {
    return <p className="loading-note">Putting the session report together…</p>;
  }
  if (loaded.status === 'failed') {
    return (
      <main className="report">
        <p className="form-error" role="alert">
          {loaded.message}
        </p>
        <Link to="/history">Back to the alarm history</Link>
      </main>
    );
  }
  const { session, alerts, samples, at } = loaded.data;
  const chairLabel = chairs[session.chairId]?.chair.label ?? session.chairId;
  const dose = infusionDose(session);
  const span = sessionSpan(session, at);
  const manual = samples.filter((s) => s.source === 'manual').length;
  const dischargeScore = session.events.findLast((e) => e.type === 'discharged')?.aldrete;
  const chronological = [...alerts].sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));

  return (
    <main className="report" aria-labelledby="report-title">
      <div className="report-actions no-print">
        <Link to="/history" className="back-link">
          ← Alarm history
        </Link>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            window.print();
          }}
        >
          Print report
        </button>
      </div>
      <h1 id="report-title">
        Session report: <span data-testid="report-patient">{session.patientRef}</span>
      </h1>
      <section className="report-section" aria-labelledby="report-session">
        <h2 id="report-session">Session</h2>
        <dl className="report-facts">
          <div>
            <dt>Patient ref</dt>
            <dd>{session.patientRef}</dd>
          </div>
          <div>
            <dt>Chair</dt>
            <dd>{chairLabel}</dd>
          </div>
          <div>
            <dt>Weight</dt>
            <dd>{session.weightKg} kg</dd>
          </div>
          <div>
            <dt>Dose</dt>
            <dd data-testid="report-dose">
              {session.doseMgPerKg} mg/kg = {dose.totalMg} mg over {session.plannedMinutes} min (
              {dose.mgPerMin} mg/min)
            </dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>{session.state}</dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>
              {formatDateTime(session.createdAt)} by {session.createdBy}
            </dd>
          </div>
          <div>
            <dt>Period shown</dt>
            <dd>
              {formatDateTime(new Date(span[0]).toISOString())} – {formatClock(span[1])}
            </dd>
          </div>
          {session.state === 'discharged' && (
            <div className="report-fact-wide">
              <dt>Discharge readiness</dt>
              <dd data-testid="report-aldrete">
                {dischargeScore === undefined
                  ? 'No Aldrete score recorded'
                  : aldreteRecordText(dischargeScore)}
              </dd>
            </div>
          )}
          <div>
            <dt>Readings</dt>
            <dd>
              {samples.length} ({manual} entered by hand)
            </dd>
          </div>
        </dl>
        <h3>Events</h3>
        {session.events.length === 0 ? (
          <p className="muted">No infusion events yet.</p>
        ) : (
          <table className="report-table" data-testid="report-events">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {session.events.map((e) => (
                <tr key={`${e.type}-${e.at}`}>
                  <td className="num">{formatDateTime(e.at)}</td>
                  <td>
                    {EVENT_WORDS[e.type]}
                    {e.aldrete !== undefined && ` · ${aldreteRecordText(e.aldrete)}`}
                  </td>
                  <td>{e.by}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="report-section report-vitals" aria-labelledby="report-vitals">
        <h2 id="report-vitals">Vitals</h2>
        {rows.length === 0 ? (
          <p className="muted">No readings were recorded in this session.</p>
        ) : (
          <Suspense fallback={<p className="loading-note">Drawing the chart…</p>}>
            <ReportChart rows={rows} span={span} markers={markers} />
          </Suspense>
        )}
      </section>

      <section className="report-section report-alarms" aria-labelledby="report-alarms">
        <h2 id="report-alarms">Alarms ({alerts.length})</h2>
        {alerts.length === 0 ? (
          <p className="muted">No alarms in this session.</p>
        ) : (
          <table className="report-table" data-testid="report-alarm-table">
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Priority</th>
                <th scope="col">Message</th>
                <th scope="col">State</th>
                <th scope="col">Acknowledged by</th>
                <th scope="col">Time to ack.</th>
                <th scope="col">Cleared</th>
              </tr>
            </thead>
            <tbody>
              {chronological.map((a) => (
                <tr key={a.id}>
                  <td className="num">{formatDateTime(a.raisedAt)}</td>
                  <td>
                    <span aria-hidden="true">{alarmMarker(a)} </span>
                    {a.priority}
                    {a.kind === 'technical' ? ' (technical)' : ''}
                  </td>
                  <td className="num">{a.message}</td>
                  <td>{a.state}</td>
                  <td>{a.acknowledgedBy ?? 'nobody'}</td>
                  <td className="num">
                    {a.timeToAcknowledgeMs === null
                      ? '–'
                      : formatResponseTime(a.timeToAcknowledgeMs)}
                  </td>
                  <td className="num">{formatDateTime(a.clearedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <p className="report-footer">
        Chairside session report, put together {formatDateTime(new Date(at).toISOString())}. Times
        are local clock time.
      </p>
    </main>
  );
}
