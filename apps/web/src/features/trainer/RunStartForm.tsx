import { useId, useState } from 'react';
import { MAX_SIMULATOR_SPEED, MIN_SIMULATOR_SPEED } from '@chairside/core';
import type { SimulatorRunCreate } from '@chairside/core';
import { ApiError } from '../../api/http';
import { realMinutes, validateRunForm } from './console';
import type { RunFormErrors } from './console';
import type { ScenarioSummary } from './trainerApi';

/** A scenario lasts 75 model minutes: 5 before the pump, 40 infusing, 30 of recovery. */
const SCENARIO_MODEL_MINUTES = 75;

export interface ChairOption {
  id: string;
  label: string;
  /** A run already going on this chair: it cannot take a second one. */
  busy: boolean;
}

/** Pick chair, scenario (its description shown) and speed; start. Server refusals are shown too. */
export function RunStartForm({
  chairs,
  scenarios,
  onStart,
}: {
  chairs: readonly ChairOption[];
  scenarios: readonly ScenarioSummary[];
  onStart: (input: SimulatorRunCreate) => Promise<void>;
}) {
  const id = useId();
  const [chairId, setChairId] = useState('');
  const [scenario, setScenario] = useState('');
  const [speed, setSpeed] = useState('1');
  const [seed, setSeed] = useState('');
  const [errors, setErrors] = useState<RunFormErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = scenarios.find((s) => s.id === scenario);
  const speedNumber = Number(speed);

  const submit = (): void => {
    const checked = validateRunForm({ chairId, scenario, speed, seed });
    setFailure(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    onStart(checked.value)
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          const fieldErrors: RunFormErrors = {};
          for (const issue of error.issues) {
            if (
              issue.path === 'chairId' ||
              issue.path === 'scenario' ||
              issue.path === 'speed' ||
              issue.path === 'seed'
            )
              fieldErrors[issue.path] = issue.message;
          }
          setErrors(fieldErrors);
          setFailure(error.message);
        } else setFailure('The run could not be started.');
      })
      .finally(() => {
        setBusy(false);
      });
  };

  return (
    <form
      className="trainer-start"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
      aria-label="Start a run"
    >
      <div className="filter">
        <label htmlFor={`${id}-chair`}>Chair</label>
        <select
          id={`${id}-chair`}
          value={chairId}
          onChange={(e) => {
            setChairId(e.target.value);
          }}
          aria-invalid={errors.chairId !== undefined}
          aria-describedby={errors.chairId === undefined ? undefined : `${id}-chair-error`}
        >
          <option value="">Choose a chair</option>
          {chairs.map((c) => (
            <option key={c.id} value={c.id} disabled={c.busy}>
              {c.label}
              {c.busy ? ' (run going)' : ''}
            </option>
          ))}
        </select>
        {errors.chairId !== undefined && (
          <span className="field-error" id={`${id}-chair-error`}>
            {errors.chairId}
          </span>
        )}
      </div>
      <div className="filter">
        <label htmlFor={`${id}-scenario`}>Scenario</label>
        <select
          id={`${id}-scenario`}
          value={scenario}
          onChange={(e) => {
            setScenario(e.target.value);
          }}
          aria-invalid={errors.scenario !== undefined}
        >
          <option value="">Choose a scenario</option>
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        {errors.scenario !== undefined && <span className="field-error">{errors.scenario}</span>}
      </div>
      <div className="filter">
        <label htmlFor={`${id}-speed`}>Speed (×)</label>
        <input
          id={`${id}-speed`}
          type="number"
          inputMode="decimal"
          min={MIN_SIMULATOR_SPEED}
          max={MAX_SIMULATOR_SPEED}
          step={1}
          value={speed}
          onChange={(e) => {
            setSpeed(e.target.value);
          }}
          aria-invalid={errors.speed !== undefined}
        />
        {errors.speed !== undefined && <span className="field-error">{errors.speed}</span>}
      </div>
      <div className="filter">
        <label htmlFor={`${id}-seed`}>Patient no. (optional)</label>
        <input
          id={`${id}-seed`}
          type="text"
          inputMode="numeric"
          placeholder="new patient"
          value={seed}
          onChange={(e) => {
            setSeed(e.target.value);
          }}
          aria-invalid={errors.seed !== undefined}
        />
        {errors.seed !== undefined && <span className="field-error">{errors.seed}</span>}
      </div>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start run'}
      </button>
      {chosen !== undefined && (
        <p className="trainer-scenario-description">
          {chosen.description}
          {!chosen.id.startsWith('physionet:') &&
            Number.isFinite(speedNumber) &&
            speedNumber >= MIN_SIMULATOR_SPEED &&
            speedNumber <= MAX_SIMULATOR_SPEED && (
              <>
                {' '}
                At {speedNumber}× the {SCENARIO_MODEL_MINUTES} minutes take{' '}
                {Math.round(realMinutes(SCENARIO_MODEL_MINUTES, speedNumber))} min.
              </>
            )}
        </p>
      )}
      {failure !== null && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}
