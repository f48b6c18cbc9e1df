import { createSampleSchema, toErrorIssues } from '@chairside/core';
import type { SampleInput, Sedation, SedationScale } from '@chairside/core';

/** What the nurse typed, as typed. */
export interface EntryFields {
  bp: string;
  hr: string;
  spo2: string;
  rr: string;
  scale: SedationScale | '';
  score: string;
}

export type EntryField = 'bp' | 'hr' | 'spo2' | 'rr' | 'sedation' | 'form';

export const EMPTY_ENTRY: EntryFields = { bp: '', hr: '', spo2: '', rr: '', scale: '', score: '' };

export type ParsedEntry =
  { ok: true; sample: SampleInput } | { ok: false; errors: Partial<Record<EntryField, string>> };

const BP_PATTERN = /^\s*(\d{1,3})\s*\/\s*(\d{1,3})\s*$/;

function parseNumber(text: string, label: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(t))
    return `${label} must be a number, e.g. ${label === 'SpO2' ? '97' : '72'}`;
  return Number(t);
}

/** Maps an issue path of the sample schema onto the form field that shows it. */
function fieldOf(path: string): EntryField {
  if (path === 'sbp' || path === 'dbp') return 'bp';
  if (path === 'hr' || path === 'spo2' || path === 'rr') return path;
  if (path.startsWith('sedation')) return 'sedation';
  return 'form';
}

/**
 * Turns the typed fields into a manual sample, validated with the same schema the server uses,
 * so the nurse sees a refusal next to the field before anything is sent.
 */
export function parseEntry(fields: EntryFields, now: () => number, id: string): ParsedEntry {
  const errors: Partial<Record<EntryField, string>> = {};
  const sample: SampleInput = { id, at: now(), source: 'manual' };

  if (fields.bp.trim() !== '') {
    const m = BP_PATTERN.exec(fields.bp);
    if (m === null) errors.bp = 'BP as systolic/diastolic, e.g. 132/84';
    else {
      sample.sbp = Number(m[1]);
      sample.dbp = Number(m[2]);
    }
  }
  for (const [key, label] of [
    ['hr', 'HR'],
    ['spo2', 'SpO2'],
    ['rr', 'RR'],
  ] as const) {
    const v = parseNumber(fields[key], label);
    if (typeof v === 'string') errors[key] = v;
    else if (v !== undefined) sample[key] = v;
  }
  if (fields.scale !== '') {
    if (fields.score === '') errors.sedation = `Choose a ${fields.scale} level`;
    else {
      const sedation: Sedation =
        fields.scale === 'MOAA/S'
          ? { scale: 'MOAA/S', score: Number(fields.score) }
          : { scale: 'RASS', score: Number(fields.score) };
      sample.sedation = sedation;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const parsed = createSampleSchema(now).safeParse(sample);
  if (!parsed.success) {
    for (const issue of toErrorIssues(parsed.error)) {
      const field = fieldOf(issue.path);
      errors[field] ??=
        field === 'form' && issue.path === ''
          ? 'Enter at least one reading: BP, HR, SpO2, RR or sedation'
          : issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, sample };
}

/** Server issues (paths like `sbp` or `0.spo2`) onto the form's fields. */
export function errorsFromIssues(
  issues: readonly { path: string; message: string }[],
): Partial<Record<EntryField, string>> {
  const errors: Partial<Record<EntryField, string>> = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path.replace(/^\d+\./, ''));
    errors[field] ??= issue.message;
  }
  return errors;
}
