import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { can, DEFAULT_ALARM_RULES } from '@chairside/core';
import type { AlarmRuleSet, Alert, StoredSample } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { useAuth } from '../../store/auth';
import { mergeSamples, useClinic } from '../../store/clinic';
import { appClock, createTicker, useNow } from '../../time/useNow';
import { ManualEntryForm } from '../manual-entry/ManualEntryForm';
import { SessionPanel } from '../session/SessionPanel';
import { ReadingsTable } from './ReadingsTable';
import { alarmMarkers, limitBands, phaseMarkers, RANGES, rangeWindow } from './ranges';
import type { RangeId } from './ranges';
import { clinicalDomain, TrendChart } from './TrendChart';
import type { TimeMarker, TrendKey, TrendRow, TrendSeries, ValueLine } from './TrendChart';
import { CHART_POINTS, trendRows, trendSeriesRows, withLiveRows } from './trendRows';

/** The detail opens on the last hour: history from the server joined with the live buffer. */
export const HISTORY_WINDOW_MS = 60 * 60_000;

/**
 * A trend is fetched again this often while shown, so the 15-minute live buffer always
 * overlaps its end: a detail left open for an hour shows no gap between the two.
 */
export const TREND_REFRESH_MS = 5 * 60_000;

/**
 * The history behind the charts, for the range it was fetched for. Charts of 1 h and the whole
 * session draw a server trend (each parameter downsampled to about a point per pixel: a 4 h
 * session is ~600 points per chart, not 14,400 samples to fetch, parse and thin out here);
 * the 15-minute charts show every sample. The table fetches its own pages (ReadingsTable).
 */
type History =
  | { kind: 'trend'; range: RangeId; rows: readonly TrendRow[] }
  | { kind: 'samples'; range: RangeId; samples: readonly StoredSample[] };

const NO_SAMPLES: readonly StoredSample[] = [];
const NO_ROWS: readonly TrendRow[] = [];

/** Time per chart redraw for a window: one pixel of ~600, between 1 s and 5 s. */
export function redrawFrameMs(spanMs: number): number {
  return Math.min(5000, Math.max(1000, Math.round(spanMs / 600 / 500) * 500));
}

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

const BASELINE_COLOR = '#d6dde6';
const DETAIL_ENTRY_BP_ID = 'detail-entry-bp';
const NO_ALERTS: readonly Alert[] = [];

/** The charts, marked with the range they are drawn for (and busy while another is on its way). */
function ChartSection({
  range,
  busy,
  children,
}: {
  range: RangeId;
  busy: boolean;
  children: ReactNode;
}) {
  return (
    <div className="trend-grid" data-range={range} aria-busy={busy}>
      {children}
    </div>
  );
}

export default function ChairDetailScreen({
  clock = appClock,
  alarmMarkersFor = alarmMarkers,
}: {
  clock?: () => number;
  /**
   * Alarm markers per chart, from the alerts the app holds. A slot for the alarm views to
   * refine (priority, acknowledgement); by default every alert of the chart's parameter.
   */
  alarmMarkersFor?: (
    alerts: readonly Alert[],
    chairId: string,
    keys: readonly TrendKey[],
  ) => TimeMarker[];
}) {
  const { chairId = '' } = useParams();
  const api = useApi();
  // One clock for the whole screen: the windows it asks for and the windows it draws (an
  // injected clock with the app's ticker made them disagree).
  const ticker = useMemo(() => (clock === appClock ? undefined : createTicker(clock)), [clock]);
  const now = useNow(ticker);
  const live = useClinic((s) => s.chairs[chairId]);
  const alertsById = useClinic((s) => s.alerts);
  const role = useAuth((s) => s.user?.role ?? null);
  const [range, setRange] = useState<RangeId>('1h');
  const [view, setView] = useState<'charts' | 'table'>('charts');
  const [history, setHistory] = useState<History | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const session = live?.chair.session ?? null;
  const sessionCreatedAt = session?.createdAt;
  const sessionId = session?.id;
  const [rules, setRules] = useState<AlarmRuleSet>(DEFAULT_ALARM_RULES);

  useEffect(() => {
    let current = true;
    api
      .getAlarmRules(sessionId)
      .then((r) => {
        if (current) setRules(r);
      })
      .catch(() => {
        // A server without the rules route: the bands stay on the product defaults.
        if (current) setRules(DEFAULT_ALARM_RULES);
      });
    return () => {
      current = false;
    };
  }, [api, sessionId]);
  const bands = useMemo(
    () => ({
      hr: limitBands('hr', 'HR', rules),
      sbp: limitBands('sbp', 'SBP', rules),
      spo2: limitBands('spo2', 'SpO2', rules),
      rr: limitBands('rr', 'RR', rules),
    }),
    [rules],
  );
  const choice = RANGES.find((r) => r.id === range) ?? RANGES[1];
  const phrase = choice?.phrase ?? '';

  // Charts of 1 h and more draw the server's trend; 15 min, every sample. The table pages.
  const source: History['kind'] = range !== '15m' ? 'trend' : 'samples';
  const charts = view === 'charts';
  const refresh = source === 'trend' ? Math.floor(now / TREND_REFRESH_MS) : 0;
  const fetchKey = `${chairId} ${range} ${source} ${sessionCreatedAt ?? ''}`;
  const fetchedKey = useRef<string | null>(null);

  useEffect(() => {
    // The table asks for its own pages; back on the charts, their history is fetched again.
    if (!charts) return;
    let current = true;
    // The same history again (the periodic trend refresh, the way back from the table): the
    // charts stay as they are until it arrives.
    const refreshing = fetchedKey.current === fetchKey;
    fetchedKey.current = fetchKey;
    const span = rangeWindow(range, clock(), sessionCreatedAt ?? null);
    if (!refreshing) setLoading(true);
    const fetched: Promise<History> =
      source === 'trend'
        ? api
            .getVitalsTrend(chairId, { from: span.from, to: span.to, points: CHART_POINTS })
            .then((trend) => ({ kind: 'trend', range, rows: trendSeriesRows(trend) }))
        : api.getVitals(chairId, span).then((samples) => ({ kind: 'samples', range, samples }));
    fetched
      .then((next) => {
        if (!current) return;
        setHistory(next);
        setHistoryError(null);
      })
      .catch((e: unknown) => {
        if (!current) return;
        setHistoryError(e instanceof ApiError ? e.message : 'The history could not be loaded.');
        // The chosen range is shown all the same, with what the live link holds.
        if (!refreshing) {
          setHistory(
            source === 'trend'
              ? { kind: 'trend', range, rows: [] }
              : { kind: 'samples', range, samples: NO_SAMPLES },
          );
        }
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
    // The session matters only through its start: a new event must not refetch the history.
  }, [api, chairId, clock, range, sessionCreatedAt, source, fetchKey, refresh, charts]);

  // Until the chosen range's history arrives the charts keep showing the previous one: no
  // redraw of old data on a new time axis while the nurse waits.
  const shown: RangeId = history?.range ?? range;
  const shownPhrase = RANGES.find((r) => r.id === shown)?.phrase ?? '';
  // Charts redraw once per frame: about one pixel of time (1.5 s for 15 min), at most 5 s. Five
  // charts of a 4 h session redrawn on every 1 Hz sample would keep a tablet busy for nothing.
  const wanted = rangeWindow(shown, now, sessionCreatedAt ?? null);
  const frameMs = redrawFrameMs(wanted.to - wanted.from);
  const frameEnd = Math.ceil(now / frameMs) * frameMs;
  const span = rangeWindow(shown, frameEnd, sessionCreatedAt ?? null);
  const currentLive = live?.samples;
  // Deliberately keyed on the frame: the buffer is read when a frame starts, not per sample.
  const liveSamples = useMemo(() => currentLive, [frameEnd, chairId]);
  // A fixed span per range, so the merge reruns when data arrives, not on every clock tick.
  const keepMs = shown === 'session' ? 24 * 3600_000 : span.to - span.from;
  const samples = useMemo(
    () =>
      mergeSamples(
        history?.kind === 'samples' ? history.samples : NO_SAMPLES,
        liveSamples ?? NO_SAMPLES,
        { windowMs: keepMs, maxSamples: span.limit },
      ),
    [history, liveSamples, keepMs, span.limit],
  );
  // Nothing is drawn before the first history arrives: five charts mounted with the live
  // buffer alone would be drawn again a moment later, and would delay the request itself.
  const rows = useMemo(
    () =>
      history === null
        ? NO_ROWS
        : history.kind === 'trend'
          ? withLiveRows(history.rows, trendRows(liveSamples ?? NO_SAMPLES), span.from)
          : trendRows(samples),
    [history, liveSamples, samples, span.from],
  );
  // Charts end at "now" so a silent feed shows as an empty stretch, not a line that stops early.
  const timeDomain = useMemo<[number, number]>(() => [span.from, span.to], [span.from, span.to]);

  // Props below are kept stable between clock ticks so the (memoised) charts skip the redraw.
  const phases = useMemo(() => phaseMarkers(session), [session]);
  const alerts = useMemo(
    () => (Object.keys(alertsById).length === 0 ? NO_ALERTS : Object.values(alertsById)),
    [alertsById],
  );
  const markers = useMemo(() => {
    const forKeys = (keys: readonly TrendKey[]) => [
      ...phases,
      ...alarmMarkersFor(alerts, chairId, keys),
    ];
    return {
      hr: forKeys(['hr']),
      bp: forKeys(['sbp', 'dbp']),
      spo2: forKeys(['spo2']),
      respiration: forKeys(['rr', 'etco2']),
      sedation: forKeys(['moaas', 'rass']),
    };
  }, [phases, alerts, chairId, alarmMarkersFor]);
  const baseline = session?.baseline ?? null;
  const baselines = useMemo(() => {
    const line = (value: number | null | undefined, unit: string): ValueLine[] =>
      value === null || value === undefined
        ? []
        : [{ y: value, label: `baseline ${Math.round(value)} ${unit}`, color: BASELINE_COLOR }];
    return {
      hr: line(baseline?.hr, 'bpm'),
      sbp: line(baseline?.sbp, 'SBP'),
      spo2: line(baseline?.spo2, '%'),
      rr: line(baseline?.rr, '/min'),
    };
  }, [baseline]);

  const label = live?.chair.label ?? chairId;
  const mayEnter = role !== null && can(role, 'sessions:manage');
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
      {live !== undefined && (
        <div className="detail-work">
          <SessionPanel
            chair={live.chair}
            samples={live.samples}
            latest={live.latest}
            now={now}
            {...(mayEnter ? { entryFieldId: DETAIL_ENTRY_BP_ID } : {})}
          />
          {mayEnter && (
            <section className="entry-panel" aria-labelledby="entry-title">
              <h2 id="entry-title" className="panel-title">
                Manual reading
              </h2>
              <ManualEntryForm
                chairId={live.chair.id}
                chairLabel={live.chair.label}
                bpInputId={DETAIL_ENTRY_BP_ID}
              />
            </section>
          )}
        </div>
      )}
      <div className="detail-toolbar">
        <div className="range-picker" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button
              key={r.id}
              type="button"
              className="button"
              aria-pressed={range === r.id}
              disabled={r.id === 'session' && session === null}
              onClick={() => {
                setRange(r.id);
              }}
            >
              {r.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="button"
          aria-pressed={view === 'table'}
          onClick={() => {
            setView((v) => (v === 'charts' ? 'table' : 'charts'));
          }}
        >
          {view === 'charts' ? 'Show as table' : 'Show as charts'}
        </button>
      </div>
      {charts && historyError !== null && (
        <p className="form-error" role="alert">
          History {range === '1h' ? 'of the last hour' : phrase} is missing: {historyError}
        </p>
      )}
      {charts && loading && <p className="loading-note">Loading the readings {phrase}…</p>}
      {!charts ? (
        <ReadingsTable
          key={`${chairId} ${range} ${sessionCreatedAt ?? ''}`}
          chairId={chairId}
          rangeFrom={() => rangeWindow(range, clock(), sessionCreatedAt ?? null).from}
          phrase={phrase}
          live={live?.samples}
        />
      ) : (
        <ChartSection range={shown} busy={loading}>
          <TrendChart
            title="Heart rate"
            unit="bpm"
            rows={rows}
            timeDomain={timeDomain}
            loading={history === null}
            emptyText={`No Heart rate readings ${shownPhrase}.`}
            domain={HR_DOMAIN}
            series={HR_SERIES}
            bands={bands.hr}
            valueLines={baselines.hr}
            markers={markers.hr}
          />
          <TrendChart
            title="Blood pressure"
            unit="mmHg"
            rows={rows}
            timeDomain={timeDomain}
            loading={history === null}
            emptyText={`No Blood pressure readings ${shownPhrase}.`}
            domain={BP_DOMAIN}
            series={BP_SERIES}
            bands={bands.sbp}
            valueLines={baselines.sbp}
            markers={markers.bp}
          />
          <TrendChart
            title="SpO2"
            unit="%"
            rows={rows}
            timeDomain={timeDomain}
            loading={history === null}
            emptyText={`No SpO2 readings ${shownPhrase}.`}
            domain={SPO2_DOMAIN}
            series={SPO2_SERIES}
            bands={bands.spo2}
            valueLines={baselines.spo2}
            markers={markers.spo2}
          />
          <TrendChart
            title="Respiration"
            unit="/min"
            rightUnit="mmHg"
            rows={rows}
            timeDomain={timeDomain}
            loading={history === null}
            emptyText={`No Respiration readings ${shownPhrase}.`}
            domain={RR_DOMAIN}
            rightDomain={ETCO2_DOMAIN}
            series={RESPIRATION_SERIES}
            bands={bands.rr}
            valueLines={baselines.rr}
            markers={markers.respiration}
          />
          <TrendChart
            title="Sedation"
            unit="score"
            rows={rows}
            timeDomain={timeDomain}
            loading={history === null}
            emptyText={`No Sedation readings ${shownPhrase}.`}
            domain={SEDATION_DOMAIN}
            ticks={SEDATION_TICKS}
            series={SEDATION_SERIES}
            markers={markers.sedation}
          />
        </ChartSection>
      )}
    </main>
  );
}
