import { ALERT_KINDS, ALERT_PRIORITIES, ALERT_STATES } from '@chairside/core';
import type { AlertKind, AlertPriority, AlertState } from '@chairside/core';
import type { AlertQuery } from '../../api/http';

/** The history's filters as they stand in the URL, so a view can be bookmarked or shared. */
export interface HistoryFilters {
  chairId: string;
  sessionId: string;
  priority: AlertPriority | '';
  kind: AlertKind | '';
  state: AlertState | '';
  /** Local date-time as a `datetime-local` input holds it ("2026-11-21T07:00"), or ''. */
  from: string;
  to: string;
}

export const MAX_HISTORY_ROWS = 5000;

function oneOf<T extends string>(values: readonly T[], v: string | null): T | '' {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : '';
}

export function filtersFromSearch(params: URLSearchParams): HistoryFilters {
  return {
    chairId: params.get('chairId') ?? '',
    sessionId: params.get('sessionId') ?? '',
    priority: oneOf(ALERT_PRIORITIES, params.get('priority')),
    kind: oneOf(ALERT_KINDS, params.get('kind')),
    state: oneOf(ALERT_STATES, params.get('state')),
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** Only the filters that are set, so the URL stays short. */
export function filtersToSearch(filters: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(filters) as (keyof HistoryFilters)[]) {
    const value = filters[key];
    if (value !== '') params.set(key, value);
  }
  return params;
}

function localToMs(local: string): number | undefined {
  if (local === '') return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The server query for these filters (times become absolute instants). */
export function filtersToQuery(filters: HistoryFilters): AlertQuery {
  const query: AlertQuery = { limit: MAX_HISTORY_ROWS };
  if (filters.chairId !== '') query.chairId = filters.chairId;
  if (filters.sessionId !== '') query.sessionId = filters.sessionId;
  if (filters.priority !== '') query.priority = filters.priority;
  if (filters.kind !== '') query.kind = filters.kind;
  if (filters.state !== '') query.state = filters.state;
  const from = localToMs(filters.from);
  const to = localToMs(filters.to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  return query;
}

/** "2026-11-21T00:00" for the local midnight starting the day of `now`. */
export function startOfDayLocal(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T00:00`;
}
