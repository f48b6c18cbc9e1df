import { useId, useRef, useState } from 'react';
import type { SyntheticEvent } from 'react';
import { MOAAS_LEVELS, RASS_LEVELS, SEDATION_SCALES } from '@chairside/core';
import type { SedationScale } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { formatClock } from '../../time/format';
import { appClock } from '../../time/useNow';
import { EMPTY_ENTRY, errorsFromIssues, parseEntry } from './parseEntry';
import type { EntryField, EntryFields } from './parseEntry';

/**
 * A sample id chosen here, so a retry after a lost answer is stored once. Built from
 * getRandomValues because randomUUID is missing outside secure contexts (a clinic LAN over http).
 */
export function newSampleId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `manual-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function levelsOf(scale: SedationScale) {
  return scale === 'MOAA/S' ? MOAAS_LEVELS : RASS_LEVELS;
}

function signed(scale: SedationScale, score: number): string {
  return scale === 'RASS' && score > 0 ? `+${score}` : String(score);
}

/**
 * The nurse's quick manual reading: type, Tab, Enter. The reading reaches the tile through the
 * live feed (the server broadcasts what it stored), so nothing is added to the store here.
 */
export function ManualEntryForm({
  chairId,
  chairLabel,
  clock = appClock,
  autoFocus = false,
  onSaved,
  bpInputId,
}: {
  chairId: string;
  chairLabel: string;
  clock?: () => number;
  autoFocus?: boolean;
  onSaved?: (atMs: number) => void;
  /** A fixed id for the BP field, so another part of the screen can send the nurse there. */
  bpInputId?: string;
}) {
  const api = useApi();
  const idBase = useId();
  const [fields, setFields] = useState<EntryFields>(EMPTY_ENTRY);
  const [errors, setErrors] = useState<Partial<Record<EntryField, string>>>({});
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);

  const set = (key: keyof EntryFields, value: string) => {
    setFields((f) => ({ ...f, [key]: value }));
  };

  async function submit(e: SyntheticEvent) {
    e.preventDefault();
    if (sending) return;
    setSavedAt(null);
    const parsed = parseEntry(fields, clock, newSampleId());
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await api.postVitals(chairId, parsed.sample);
      const at =
        typeof parsed.sample.at === 'number' ? parsed.sample.at : Date.parse(parsed.sample.at);
      setSavedAt(at);
      setFields(EMPTY_ENTRY);
      firstField.current?.focus();
      onSaved?.(at);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setErrors(errorsFromIssues(err.issues));
      else
        setErrors({
          form: err instanceof ApiError ? err.message : 'The reading was not saved. Try again.',
        });
    } finally {
      setSending(false);
    }
  }

  const fieldId = (f: EntryField) =>
    f === 'bp' && bpInputId !== undefined ? bpInputId : `${idBase}-${f}`;
  const errorId = (f: EntryField) => `${idBase}-${f}-error`;
  const describedBy = (f: EntryField) => (errors[f] === undefined ? undefined : errorId(f));
  const errorText = (f: EntryField) =>
    errors[f] === undefined ? null : (
      <span className="entry-error" id={errorId(f)}>
        <span aria-hidden="true">⚠ </span>
        {errors[f]}
      </span>
    );

  const numberField = (
    key: 'hr' | 'spo2' | 'rr',
    label: string,
    unit: string,
    placeholder: string,
  ) => (
    <div className="entry-field">
      <label htmlFor={fieldId(key)}>
        {label} <span className="muted">{unit}</span>
      </label>
      <input
        id={fieldId(key)}
        inputMode="numeric"
        autoComplete="off"
        placeholder={placeholder}
        value={fields[key]}
        aria-invalid={errors[key] !== undefined}
        aria-describedby={describedBy(key)}
        onChange={(e) => {
          set(key, e.target.value);
        }}
      />
      {errorText(key)}
    </div>
  );

  return (
    <form
      className="manual-entry"
      aria-label={`Manual reading for ${chairLabel}`}
      noValidate
      onSubmit={(e) => {
        void submit(e);
      }}
    >
      <div className="entry-fields">
        <div className="entry-field entry-field-bp">
          <label htmlFor={fieldId('bp')}>
            BP <span className="muted">mmHg, e.g. 132/84</span>
          </label>
          <input
            id={fieldId('bp')}
            ref={firstField}
            // autoFocus only when the form was opened on purpose (a dialog from the tile).
            autoFocus={autoFocus}
            inputMode="numeric"
            autoComplete="off"
            placeholder="132/84"
            value={fields.bp}
            aria-invalid={errors.bp !== undefined}
            aria-describedby={describedBy('bp')}
            onChange={(e) => {
              set('bp', e.target.value);
            }}
          />
          {errorText('bp')}
        </div>
        {numberField('hr', 'HR', 'bpm', '72')}
        {numberField('spo2', 'SpO2', '%', '97')}
        {numberField('rr', 'RR', '/min', '14')}
        <div className="entry-field">
          <label htmlFor={fieldId('sedation')}>Sedation scale</label>
          <select
            id={fieldId('sedation')}
            value={fields.scale}
            aria-invalid={errors.sedation !== undefined}
            aria-describedby={describedBy('sedation')}
            onChange={(e) => {
              const scale = e.target.value;
              setFields((f) => ({
                ...f,
                scale: scale === 'MOAA/S' || scale === 'RASS' ? scale : '',
                score: '',
              }));
            }}
          >
            <option value="">Not scored</option>
            {SEDATION_SCALES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {errorText('sedation')}
        </div>
        {fields.scale !== '' && (
          <div className="entry-field entry-field-level">
            <label htmlFor={fieldId('sedation') + '-level'}>{fields.scale} level</label>
            <select
              id={fieldId('sedation') + '-level'}
              value={fields.score}
              aria-invalid={errors.sedation !== undefined}
              aria-describedby={describedBy('sedation')}
              onChange={(e) => {
                set('score', e.target.value);
              }}
            >
              <option value="">Choose a level</option>
              {levelsOf(fields.scale).map((l) => (
                <option key={l.score} value={String(l.score)}>
                  {signed(fields.scale === '' ? 'MOAA/S' : fields.scale, l.score)} · {l.description}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="entry-actions">
        <button type="submit" className="button button-primary" disabled={sending}>
          {sending ? 'Saving…' : 'Save reading'}
        </button>
        <p className="entry-status" role="status">
          {savedAt === null ? '' : `Saved ${formatClock(savedAt)}`}
        </p>
      </div>
      {errors.form !== undefined && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
    </form>
  );
}
