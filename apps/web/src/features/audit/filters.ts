import type { AuditQuery } from '../../api/http';

/** The audit trail's filters as they stand in the URL, so a view can be bookmarked or shared. */
export interface AuditFilters {
  /** Local date-time as a `datetime-local` input holds it ("2026-11-21T07:00"), or ''. */
  from: string;
  to: string;
  /** Username, exact. */
  actor: string;
  action: string;
  chairId: string;
}

const KEYS = ['from', 'to', 'actor', 'action', 'chairId'] as const;

/** Entries per page: a morning's work of a small clinic; "Show older entries" adds the next. */
export const AUDIT_PAGE_SIZE = 100;

export function auditFiltersFromSearch(params: URLSearchParams): AuditFilters {
  return {
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    chairId: params.get('chairId') ?? '',
  };
}

/** Only the filters that are set, so the URL stays short. */
export function auditFiltersToSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) if (filters[key] !== '') params.set(key, filters[key]);
  return params;
}

function localToMs(local: string): number | undefined {
  if (local === '') return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The server query for these filters. `to` is a whole minute as the input shows it: entries up
 * to its last millisecond are in.
 */
export function auditFiltersToQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = { limit: AUDIT_PAGE_SIZE };
  const from = localToMs(filters.from);
  const to = localToMs(filters.to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to + 59_999;
  if (filters.actor !== '') query.actor = filters.actor;
  if (filters.action !== '') query.action = filters.action;
  if (filters.chairId !== '') query.chairId = filters.chairId;
  return query;
}
