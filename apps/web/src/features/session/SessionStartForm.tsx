import { useId, useState } from 'react';
import type { SyntheticEvent } from 'react';
import { infusionDose, SessionCreateSchema, toErrorIssues } from '@chairside/core';
import type { Session, SessionCreate } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';

type Field = keyof SessionCreate;
type Errors = Partial<Record<Field | 'form', string>>;

const FIELDS: readonly { key: Field; label: string; unit: string; hint: string }[] = [
  { key: 'patientRef', label: 'Patient reference', unit: '', hint: 'chart number, not a name' },
  { key: 'weightKg', label: 'Weight', unit: 'kg', hint: '30-250 kg' },
  { key: 'doseMgPerKg', label: 'Dose', unit: 'mg/kg', hint: 'usually 0.1-0.75' },
  { key: 'plannedMinutes', label: 'Planned duration', unit: 'min', hint: '5-180 min' },
];

function isField(path: string): path is Field {
  return FIELDS.some((f) => f.key === path);
}

/** Empty text stays NaN so the schema names the field instead of reading it as zero. */
function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.trim().replace(',', '.'));
}

export function errorsByField(issues: readonly { path: string; message: string }[]): Errors {
  const errors: Errors = {};
  for (const issue of issues) {
    const key = isField(issue.path) ? issue.path : 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Opens an infusion session: the total dose and the pump rate are shown as the nurse types, so a
 * unit slip (lb for kg, mg for mg/kg) shows before anything is sent.
 */
export function SessionStartForm({
  chairId,
  onStarted,
}: {
  chairId: string;
  onStarted: (session: Session) => void;
}) {
  const api = useApi();
  const idBase = useId();
  const [text, setText] = useState<Record<Field, string>>({
    patientRef: '',
    weightKg: '',
    doseMgPerKg: '0.5',
    plannedMinutes: '40',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState(false);

  const input = {
    patientRef: text.patientRef,
    weightKg: toNumber(text.weightKg),
    doseMgPerKg: toNumber(text.doseMgPerKg),
    plannedMinutes: toNumber(text.plannedMinutes),
  };
  const doseKnown =
    Number.isFinite(input.weightKg) &&
    Number.isFinite(input.doseMgPerKg) &&
    Number.isFinite(input.plannedMinutes) &&
    input.plannedMinutes > 0;
  const dose = doseKnown ? infusionDose(input) : null;

  async function submit(e: SyntheticEvent) {
    e.preventDefault();
    if (sending) return;
    const parsed = SessionCreateSchema.safeParse(input);
    if (!parsed.success) {
      const found = errorsByField(toErrorIssues(parsed.error));
      // The schema's own words for NaN are not the nurse's: say what is missing.
      for (const f of FIELDS) {
        if (f.key !== 'patientRef' && Number.isNaN(input[f.key])) {
          found[f.key] =
            text[f.key].trim() === ''
              ? `${f.label} is required`
              : `${f.label} must be a number in ${f.unit}`;
        }
      }
      if (input.patientRef.trim() === '') found.patientRef = 'Patient reference is required';
      setErrors(found);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      onStarted(await api.createSession(chairId, parsed.data));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setErrors(errorsByField(err.issues));
      else
        setErrors({
          form: err instanceof ApiError ? err.message : 'The session was not started. Try again.',
        });
    } finally {
      setSending(false);
    }
  }

  return (
    <form
      className="session-start"
      aria-labelledby={`${idBase}-title`}
      noValidate
      onSubmit={(e) => {
        void submit(e);
      }}
    >
      <h2 id={`${idBase}-title`} className="panel-title">
        Start an infusion session
      </h2>
      <div className="entry-fields">
        {FIELDS.map((f) => {
          const id = `${idBase}-${f.key}`;
          const error = errors[f.key];
          return (
            <div className="entry-field" key={f.key}>
              <label htmlFor={id}>
                {f.label} {f.unit !== '' && <span className="muted">{f.unit}</span>}
              </label>
              <input
                id={id}
                value={text[f.key]}
                inputMode={f.key === 'patientRef' ? 'text' : 'decimal'}
                autoComplete="off"
                aria-invalid={error !== undefined}
                aria-describedby={`${id}-hint${error === undefined ? '' : ` ${id}-error`}`}
                onChange={(e) => {
                  const value = e.target.value;
                  setText((t) => ({ ...t, [f.key]: value }));
                }}
              />
              <span className="entry-hint muted" id={`${id}-hint`}>
                {f.hint}
              </span>
              {error !== undefined && (
                <span className="entry-error" id={`${id}-error`}>
                  <span aria-hidden="true">⚠ </span>
                  {error}
                </span>
              )}
            </div>
          );
        })}
      </div>
      <p className="dose-summary" aria-live="polite" data-testid="dose-summary">
        {dose === null
          ? 'Total dose and rate appear when weight, dose and duration are filled in.'
          : `Total ${dose.totalMg} mg · ${dose.mgPerMin} mg/min over ${input.plannedMinutes} min`}
      </p>
      <div className="entry-actions">
        <button type="submit" className="button button-primary" disabled={sending}>
          {sending ? 'Starting…' : 'Start session'}
        </button>
      </div>
      {errors.form !== undefined && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
    </form>
  );
}
