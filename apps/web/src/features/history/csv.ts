import type { AlertRecord } from '../../api/http';

/** What the export needs besides the alert: the names a reader of the file knows. */
export interface CsvContext {
  chairLabel: (chairId: string) => string;
  patientRef: (sessionId: string | null) => string;
}

export const CSV_COLUMNS = [
  'raised_at',
  'chair',
  'chair_id',
  'patient_ref',
  'session_id',
  'priority',
  'kind',
  'parameter',
  'message',
  'value',
  'limit',
  'state',
  'acknowledged_by',
  'acknowledged_at',
  'time_to_acknowledge_s',
  'escalated_at',
  'cleared_at',
] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text starting with = + - @ gets a leading apostrophe so a spreadsheet never runs it as a
 * formula (a patient ref is typed by people). Numbers are written as they are.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function iso(t: string | null | undefined): string | null {
  if (t === null || t === undefined) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** The alert history as CSV: a header row, one alert per line, ISO-8601 UTC times, CRLF. */
export function alertsToCsv(alerts: readonly AlertRecord[], context: CsvContext): string {
  const rows = alerts.map((a) =>
    [
      iso(a.raisedAt),
      context.chairLabel(a.chairId),
      a.chairId,
      context.patientRef(a.sessionId),
      a.sessionId,
      a.priority,
      a.kind,
      a.parameter,
      a.message,
      a.value,
      a.limit,
      a.state,
      a.acknowledgedBy,
      iso(a.acknowledgedAt),
      a.timeToAcknowledgeMs === null ? null : Math.round(a.timeToAcknowledgeMs / 100) / 10,
      iso(a.escalatedAt),
      iso(a.clearedAt),
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** A link target that downloads the text as a file, without a server round trip. */
export function csvHref(csv: string): string {
  return `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`;
}
