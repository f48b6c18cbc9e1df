import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { infusionDose, infusedMs } from '@chairside/core';
import type { Session, StoredSample } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { mergeSamples } from '../../store/clinic';
import { useClinic } from '../../store/clinic';
import { formatClock, formatDuration } from '../../time/format';
import { appClock, useNow } from '../../time/useNow';
import { sessionSummary } from '../overview/vitals';
import { clinicalDomain, TrendChart } from './TrendChart';
import type { TrendSeries } from './TrendChart';
import { trendRows } from './trendRows';

/** The detail charts the last hour: history from the server joined with the live buffer. */
export const HISTORY_WINDOW_MS = 60 * 60_000;
const HISTORY_LIMIT = 5000;
const HISTORY_LIMITS = { windowMs: HISTORY_WINDOW_MS, maxSamples: HISTORY_LIMIT };

// Usual adult ranges in an infusion chair; the axes widen when readings go beyond them.
const HR_DOMAIN = clinicalDomain(40, 140, 10);
const BP_DOMAIN = clinicalDomain(40, 200, 20);
const SPO2_DOMAIN = clinicalDomain(85, 100, 5);
const RR_DOMAIN = clinicalDomain(0, 30, 5);
const ETCO2_DOMAIN = clinicalDomain(0, 60, 10);
const SEDATION_DOMAIN = [-5, 5] as const;
const SEDATION_TICKS = [-4, -2, 0, 2, 4];

// Second lines are dashed: series differ by shape as well as colour.
const HR_SERIES: readonly TrendSeries[] = [{ key: 'hr', name: 'HR', color: '#6fc3ff' }];
const BP_SERIES: readonly TrendSeries[] = [
  { key: 'sbp', name: 'SBP', color: '#f2a65a' },
  { key: 'dbp', name: 'DBP', color: '#e0c36a', dash: '6 4' },
];
const SPO2_SERIES: readonly TrendSeries[] = [{ key: 'spo2', name: 'SpO2', color: '#7fdca4' }];
const RESPIRATION_SERIES: readonly TrendSeries[] = [
  { key: 'rr', name: 'RR /min', color: '#c9a4ff' },
  { key: 'etco2', name: 'EtCO2 mmHg', color: '#ffd27f', dash: '6 4', axis: 'right' },
];
const SEDATION_SERIES: readonly TrendSeries[] = [
  { key: 'moaas', name: 'MOAA/S (0-5)', color: '#9fd3e6' },
  { key: 'rass', name: 'RASS (-5..+4)', color: '#f0a0c0', dash: '6 4' },
];

const EVENT_NAMES: Record<Session['events'][number]['type'], string> = {
  'infusion-started': 'Infusion started',
  'infusion-paused': 'Infusion paused',
  'infusion-resumed': 'Infusion resumed',
  'infusion-stopped': 'Infusion stopped',
  discharged: 'Discharged',
};

function SessionPanel({ session, now }: { session: Session | null; now: number }) {
  if (session === null) {
    return (
      <section className="session-panel" aria-label="Session">
        <p>No infusion session in this chair.</p>
      </section>
    );
  }
  const dose = infusionDose(session);
  const summary = sessionSummary(session, now);
  return (
    <section className="session-panel" aria-label="Session">
      <dl className="session-facts">
        <div>
          <dt>Patient</dt>
          <dd data-testid="detail-patient-ref">{session.patientRef}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            <span aria-hidden="true">{summary.mark}</span> {summary.text}
          </dd>
        </div>
        <div>
          <dt>Infused</dt>
          <dd>{formatDuration(infusedMs(session.events, now))}</dd>
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
        {session.baseline !== null && (
          <div>
            <dt>Baseline</dt>
            <dd>
              HR {session.baseline.hr ?? '--'} · BP {session.baseline.sbp ?? '--'}/
              {session.baseline.dbp ?? '--'} · SpO2 {session.baseline.spo2 ?? '--'}
            </dd>
          </div>
        )}
      </dl>
      {session.events.length > 0 && (
        <ol className="session-events" aria-label="Session events">
          {session.events.map((e) => (
            <li key={`${e.type}-${e.at}`}>
              <time dateTime={e.at}>{formatClock(Date.parse(e.at))}</time> {EVENT_NAMES[e.type]}{' '}
              <span className="muted">by {e.by}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export default function ChairDetailScreen({ clock = appClock }: { clock?: () => number }) {
  const { chairId = '' } = useParams();
  const api = useApi();
  const now = useNow();
  const live = useClinic((s) => s.chairs[chairId]);
  const [history, setHistory] = useState<readonly StoredSample[]>([]);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let current = true;
    const to = clock();
    setLoading(true);
    api
      .getVitals(chairId, { from: to - HISTORY_WINDOW_MS, to, limit: HISTORY_LIMIT })
      .then((samples) => {
        if (!current) return;
        setHistory(samples);
        setHistoryError(null);
      })
      .catch((e: unknown) => {
        if (current)
          setHistoryError(e instanceof ApiError ? e.message : 'The history could not be loaded.');
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [api, chairId, clock]);

  const liveSamples = live?.samples;
  const rows = useMemo(
    () => trendRows(mergeSamples(history, liveSamples ?? [], HISTORY_LIMITS)),
    [history, liveSamples],
  );
  // Charts end at "now" so a silent feed shows as an empty stretch, not a line that stops early.
  const timeDomain: [number, number] = [now - HISTORY_WINDOW_MS, now];

  const label = live?.chair.label ?? chairId;
  return (
    <main className="detail" aria-labelledby="detail-title">
      <nav className="detail-nav">
        <Link to="/" className="back-link">
          <span aria-hidden="true">← </span>All chairs
        </Link>
      </nav>
      <h1 id="detail-title" className="detail-title">
        {label}
      </h1>
      {live === undefined && !loading && historyError !== null && (
        <p className="form-error">This chair is not known.</p>
      )}
      <SessionPanel session={live?.chair.session ?? null} now={now} />
      {historyError !== null && (
        <p className="form-error" role="alert">
          History of the last hour is missing: {historyError}
        </p>
      )}
      {loading && <p className="loading-note">Loading the last hour…</p>}
      <div className="trend-grid">
        <TrendChart
          title="Heart rate"
          unit="bpm"
          rows={rows}
          timeDomain={timeDomain}
          loading={loading}
          domain={HR_DOMAIN}
          series={HR_SERIES}
        />
        <TrendChart
          title="Blood pressure"
          unit="mmHg"
          rows={rows}
          timeDomain={timeDomain}
          loading={loading}
          domain={BP_DOMAIN}
          series={BP_SERIES}
        />
        <TrendChart
          title="SpO2"
          unit="%"
          rows={rows}
          timeDomain={timeDomain}
          loading={loading}
          domain={SPO2_DOMAIN}
          series={SPO2_SERIES}
        />
        <TrendChart
          title="Respiration"
          unit="/min"
          rightUnit="mmHg"
          rows={rows}
          timeDomain={timeDomain}
          loading={loading}
          domain={RR_DOMAIN}
          rightDomain={ETCO2_DOMAIN}
          series={RESPIRATION_SERIES}
        />
        <TrendChart
          title="Sedation"
          unit="score"
          rows={rows}
          timeDomain={timeDomain}
          loading={loading}
          domain={SEDATION_DOMAIN}
          ticks={SEDATION_TICKS}
          series={SEDATION_SERIES}
        />
      </div>
    </main>
  );
}
