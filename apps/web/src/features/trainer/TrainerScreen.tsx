import { useCallback, useEffect, useMemo, useState } from 'react';
import { can } from '@chairside/core';
import type { SimulatorDebrief, SimulatorRun, SimulatorRunCreate } from '@chairside/core';
import { ApiError } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { formatClock } from '../../time/format';
import { INJECTION_PRESETS, runTimeline } from './console';
import { DebriefView } from './DebriefView';
import { RunStartForm } from './RunStartForm';
import { createTrainerApi } from './trainerApi';
import type { ScenarioSummary, TrainerApi } from './trainerApi';

const defaultApi: TrainerApi = createTrainerApi({
  getToken: () => useAuth.getState().token,
  onUnauthorized: () => {
    useAuth.getState().logout();
  },
});

/** Runs and the live debriefs are polled: a drill is watched at a 2-second grain. */
const POLL_MS = 2000;

function message(error: unknown): string {
  return error instanceof ApiError ? error.message : 'The server did not answer.';
}

function usePolled<T>(
  load: () => Promise<T>,
  everyMs: number | null,
): { value: T | null; error: string | null; reload: () => void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (v) => {
        if (!live) return;
        setValue(v);
        setError(null);
      },
      (e: unknown) => {
        if (live) setError(message(e));
      },
    );
    return () => {
      live = false;
    };
  }, [load, tick]);
  useEffect(() => {
    if (everyMs === null) return;
    const timer = setInterval(() => {
      setTick((n) => n + 1);
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  const reload = useCallback(() => {
    setTick((n) => n + 1);
  }, []);
  return { value, error, reload };
}

/** One running run: stop, inject the common events, and the timeline of events and alarms. */
function RunPanel({
  run,
  chairLabel,
  api,
  canRun,
  onChanged,
}: {
  run: SimulatorRun;
  chairLabel: string;
  api: TrainerApi;
  canRun: boolean;
  onChanged: () => void;
}) {
  const loadDebrief = useCallback(() => api.debrief(run.id), [api, run.id]);
  const debrief = usePolled(loadDebrief, POLL_MS);
  const [note, setNote] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const events = debrief.value?.run.events ?? run.events;
  const timeline = runTimeline(events, debrief.value?.alarms ?? []);

  const act = (key: string, work: () => Promise<unknown>, done: string): void => {
    setPending(key);
    setNote(null);
    work()
      .then(() => {
        setNote(done);
        debrief.reload();
        onChanged();
      })
      .catch((e: unknown) => {
        setNote(message(e));
      })
      .finally(() => {
        setPending(null);
      });
  };

  return (
    <article className="trainer-run" aria-label={`Run on ${chairLabel}`}>
      <header className="trainer-run-head">
        <h3>
          {chairLabel}: {run.scenarioTitle}, {run.speed}×
        </h3>
        <span className="trainer-run-meta">
          started {formatClock(Date.parse(run.startedAt))} by {run.startedBy}, ends by itself at{' '}
          {formatClock(Date.parse(run.endsAt))} ·{' '}
          {debrief.value?.run.samplesStored ?? run.samplesStored} readings stored
        </span>
        {canRun && (
          <button
            type="button"
            className="button"
            disabled={pending !== null}
            onClick={() => {
              act('stop', () => api.stopRun(run.id), 'Run stopped.');
            }}
          >
            Stop run
          </button>
        )}
      </header>
      {canRun && (
        <div className="trainer-inject" role="group" aria-label="Inject an event">
          {INJECTION_PRESETS.map((preset) => (
            <button
              key={preset.key}
              type="button"
              className="button"
              disabled={pending !== null}
              onClick={() => {
                act(
                  preset.key,
                  () => api.inject(run.id, preset.event),
                  `${preset.label}: injected.`,
                );
              }}
            >
              {preset.label}
            </button>
          ))}
        </div>
      )}
      {note !== null && (
        <p className="trainer-note" role="status">
          {note}
        </p>
      )}
      <h4>Timeline</h4>
      {timeline.length === 0 ? (
        <p className="loading-note">Nothing injected and no alarm yet.</p>
      ) : (
        <ol className="trainer-timeline" aria-label="Run timeline">
          {timeline.map((entry, i) => (
            <li key={`${entry.kind}-${entry.at}-${i}`} className={`timeline-${entry.kind}`}>
              <time dateTime={new Date(entry.at).toISOString()}>{formatClock(entry.at)}</time>{' '}
              {entry.kind === 'event' ? (
                <>
                  <strong>Injected</strong> {entry.text}{' '}
                  <span className="trainer-run-meta">by {entry.who}</span>
                </>
              ) : (
                <>
                  <span className={`priority-chip chip-${entry.priority}`}>Alarm</span> {entry.text}{' '}
                  <span className="trainer-run-meta">
                    {entry.acknowledged ? `acknowledged by ${entry.who ?? ''}` : 'not acknowledged'}
                  </span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

function PastRuns({
  runs,
  chairLabel,
  api,
}: {
  runs: readonly SimulatorRun[];
  chairLabel: (chairId: string) => string;
  api: TrainerApi;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const [debrief, setDebrief] = useState<SimulatorDebrief | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (selected === null) return;
    let live = true;
    api.debrief(selected).then(
      (d) => {
        if (live) setDebrief(d);
      },
      (e: unknown) => {
        if (live) setError(message(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, selected]);

  if (runs.length === 0) return <p className="loading-note">No finished runs yet.</p>;
  return (
    <>
      <div className="table-scroll">
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Chair</th>
              <th scope="col">Scenario</th>
              <th scope="col">Speed</th>
              <th scope="col">Patient no.</th>
              <th scope="col">By</th>
              <th scope="col">Ended</th>
              <th scope="col">Events</th>
              <th scope="col" aria-label="Debrief" />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} aria-selected={r.id === selected}>
                <td className="num">{formatClock(Date.parse(r.startedAt))}</td>
                <td>{chairLabel(r.chairId)}</td>
                <td>{r.scenarioTitle}</td>
                <td className="num">{r.speed}×</td>
                <td className="num">{r.seed}</td>
                <td>{r.startedBy}</td>
                <td>
                  {r.state}
                  {r.endedAt === null ? '' : ` ${formatClock(Date.parse(r.endedAt))}`}
                  {r.endedBy === null ? '' : ` by ${r.endedBy}`}
                </td>
                <td className="num">{r.events.length}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      setError(null);
                      setDebrief(null);
                      setSelected(r.id);
                    }}
                  >
                    Debrief
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== null && <p className="form-error">{error}</p>}
      {debrief !== null && debrief.run.id === selected && (
        <DebriefView debrief={debrief} chairLabel={chairLabel(debrief.run.chairId)} />
      )}
    </>
  );
}

/** `/trainer`: start scenarios on chairs, drive them live, and review each run's debrief. */
export default function TrainerScreen({ api = defaultApi }: { api?: TrainerApi }) {
  const role = useAuth((s) => s.user?.role);
  const canRun = role !== undefined && can(role, 'simulator:run');
  const chairIds = useClinic((s) => s.chairIds);
  const chairs = useClinic((s) => s.chairs);
  const chairLabel = useCallback((id: string) => chairs[id]?.chair.label ?? id, [chairs]);

  const loadScenarios = useCallback(() => api.scenarios(), [api]);
  const scenarios = usePolled<ScenarioSummary[]>(loadScenarios, null);
  const loadRuns = useCallback(() => api.listRuns(), [api]);
  const runs = usePolled<SimulatorRun[]>(loadRuns, POLL_MS);
  const running = useMemo(
    () => (runs.value ?? []).filter((r) => r.state === 'running'),
    [runs.value],
  );
  const past = useMemo(() => (runs.value ?? []).filter((r) => r.state !== 'running'), [runs.value]);
  const options = chairIds.map((id) => ({
    id,
    label: chairLabel(id),
    busy: running.some((r) => r.chairId === id),
  }));
  const reloadRuns = runs.reload;
  const start = useCallback(
    async (input: SimulatorRunCreate) => {
      await api.startRun(input);
      reloadRuns();
    },
    [api, reloadRuns],
  );

  return (
    <main className="history trainer" aria-labelledby="trainer-title">
      <h1 id="trainer-title">Trainer console</h1>
      {canRun ? (
        <RunStartForm chairs={options} scenarios={scenarios.value ?? []} onStart={start} />
      ) : (
        <p className="loading-note">
          Only a trainer or an admin starts runs; the debriefs are open to read.
        </p>
      )}
      {scenarios.error !== null && <p className="form-error">{scenarios.error}</p>}
      {runs.error !== null && <p className="form-error">{runs.error}</p>}
      <section aria-labelledby="trainer-running">
        <h2 id="trainer-running">Running</h2>
        {running.length === 0 ? (
          <p className="loading-note">No run is going.</p>
        ) : (
          running.map((r) => (
            <RunPanel
              key={r.id}
              run={r}
              chairLabel={chairLabel(r.chairId)}
              api={api}
              canRun={canRun}
              onChanged={reloadRuns}
            />
          ))
        )}
      </section>
      <section aria-labelledby="trainer-past">
        <h2 id="trainer-past">Runs and debriefs</h2>
        <PastRuns runs={past} chairLabel={chairLabel} api={api} />
      </section>
    </main>
  );
}
