import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AUDIT_ACTIONS, can } from '@chairside/core';
import type { AuditEntry } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { useNow } from '../../time/useNow';
import { startOfDayLocal } from '../history/filters';
import { formatDateTime } from '../history/summary';
import { ACTION_LABELS, describeEntry } from './describe';
import { auditFiltersFromSearch, auditFiltersToQuery, auditFiltersToSearch } from './filters';
import type { AuditFilters } from './filters';

type Loaded =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | {
      status: 'ready';
      entries: AuditEntry[];
      /** Cursor of the next, older page; null when there is none. */
      next: number | null;
      older: 'idle' | 'loading' | { failed: string };
    };

/** How long the "Who" field waits after the last keystroke before asking the server. */
const TYPING_PAUSE_MS = 400;

const failure = (e: unknown, what: string): string =>
  e instanceof ApiError ? e.message : `The ${what} could not be loaded.`;

/** Patient refs of the sessions on screen: recorded with an entry, the chairs' own, then asked. */
function usePatientRefs(entries: readonly AuditEntry[]): Readonly<Record<string, string>> {
  const api = useApi();
  const chairs = useClinic((s) => s.chairs);
  const [fetched, setFetched] = useState<Record<string, string>>({});
  const known = useMemo(() => {
    const refs: Record<string, string> = { ...fetched };
    for (const live of Object.values(chairs)) {
      const session = live.chair.session;
      if (session !== null) refs[session.id] = session.patientRef;
    }
    for (const e of entries) {
      const { sessionId, patientRef } = e.details;
      if (typeof sessionId === 'string' && typeof patientRef === 'string')
        refs[sessionId] = patientRef;
    }
    return refs;
  }, [chairs, entries, fetched]);
  const missing = useMemo(
    () =>
      [...new Set(entries.map((e) => e.details['sessionId']))].filter(
        (id): id is string => typeof id === 'string' && known[id] === undefined,
      ),
    [entries, known],
  );
  useEffect(() => {
    if (missing.length === 0) return;
    let cancelled = false;
    const asked = missing.slice(0, 50);
    void Promise.allSettled(
      asked.map(async (id) => [id, (await api.getSession(id)).patientRef] as const),
    ).then((results) => {
      if (cancelled) return;
      const found: Record<string, string> = {};
      for (const r of results) if (r.status === 'fulfilled') found[r.value[0]] = r.value[1];
      // A session that cannot be read is not asked again; the entry shows no patient.
      for (const id of asked) found[id] ??= '';
      setFetched((prev) => ({ ...prev, ...found }));
    });
    return () => {
      cancelled = true;
    };
  }, [api, missing]);
  return known;
}

/** A labelled filter control; the label names the control alone. */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** The "Who" field: typed freely, sent once typing pauses (or on Enter). */
function ActorField({
  value,
  suggestions,
  onCommit,
}: {
  value: string;
  suggestions: readonly string[];
  onCommit: (actor: string) => void;
}) {
  const [draft, setDraft] = useState(value);
  const listId = useId();
  const committed = useRef(value);
  // The latest callback, without restarting the typing pause when it changes.
  const commit = useRef(onCommit);
  useEffect(() => {
    commit.current = onCommit;
  }, [onCommit]);
  // A new value from outside (Clear filters, the URL) replaces what was typed.
  useEffect(() => {
    committed.current = value;
    setDraft(value);
  }, [value]);
  useEffect(() => {
    const actor = draft.trim();
    if (actor === committed.current) return;
    const timer = setTimeout(() => {
      committed.current = actor;
      commit.current(actor);
    }, TYPING_PAUSE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [draft]);
  return (
    <Field label="Who (username)">
      {(id) => (
        <>
          <input
            id={id}
            type="text"
            value={draft}
            list={listId}
            placeholder="anyone"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setDraft(e.currentTarget.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && draft.trim() !== committed.current) {
                committed.current = draft.trim();
                onCommit(draft.trim());
              }
            }}
          />
          <datalist id={listId}>
            {suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

function AuditTrail() {
  const api = useApi();
  const now = useNow();
  const me = useAuth((s) => s.user?.username ?? null);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => auditFiltersFromSearch(params), [params]);
  const chairIds = useClinic((s) => s.chairIds);
  const chairs = useClinic((s) => s.chairs);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [reload, setReload] = useState(0);
  // Bumped with every first page asked: an older page for other filters is dropped.
  const generation = useRef(0);
  const tableRef = useRef<HTMLTableElement>(null);
  const focusRow = useRef<number | null>(null);

  const queryKey = auditFiltersToSearch(filters).toString();
  useEffect(() => {
    let cancelled = false;
    generation.current++;
    setLoaded({ status: 'loading' });
    api
      .listAudit(auditFiltersToQuery(auditFiltersFromSearch(new URLSearchParams(queryKey))))
      .then((page) => {
        if (!cancelled)
          setLoaded({
            status: 'ready',
            entries: page.entries,
            next: page.nextBeforeSeq,
            older: 'idle',
          });
      })
      .catch((e: unknown) => {
        if (!cancelled) setLoaded({ status: 'failed', message: failure(e, 'audit trail') });
      });
    return () => {
      cancelled = true;
    };
  }, [api, queryKey, reload]);

  const showOlder = () => {
    if (loaded.status !== 'ready' || loaded.next === null || loaded.older === 'loading') return;
    const asked = generation.current;
    const shown = loaded.entries;
    setLoaded({ ...loaded, older: 'loading' });
    api
      .listAudit({
        ...auditFiltersToQuery(auditFiltersFromSearch(new URLSearchParams(queryKey))),
        beforeSeq: loaded.next,
      })
      .then((page) => {
        if (generation.current !== asked) return;
        // The first of the new rows takes the focus: reading goes on where the page ended.
        focusRow.current = shown.length;
        setLoaded({
          status: 'ready',
          entries: [...shown, ...page.entries],
          next: page.nextBeforeSeq,
          older: 'idle',
        });
      })
      .catch((e: unknown) => {
        if (generation.current !== asked) return;
        setLoaded((l) =>
          l.status === 'ready' ? { ...l, older: { failed: failure(e, 'older entries') } } : l,
        );
      });
  };

  useEffect(() => {
    const index = focusRow.current;
    if (index === null || loaded.status !== 'ready') return;
    focusRow.current = null;
    const row = tableRef.current?.tBodies[0]?.rows[index];
    row?.focus();
  }, [loaded]);

  const entries = useMemo(() => (loaded.status === 'ready' ? loaded.entries : []), [loaded]);
  const patientRefs = usePatientRefs(entries);
  const lookups = useMemo(
    () => ({
      chairLabel: (id: string) => chairs[id]?.chair.label,
      // '' marks a session that could not be read.
      patientRef: (id: string) => {
        const ref = patientRefs[id];
        return ref === undefined || ref === '' ? undefined : ref;
      },
    }),
    [chairs, patientRefs],
  );
  const actors = useMemo(
    () => [...new Set([...(me === null ? [] : [me]), ...entries.map((e) => e.actor)])].sort(),
    [entries, me],
  );
  const update = (change: Partial<AuditFilters>) => {
    setParams(auditFiltersToSearch({ ...filters, ...change }));
  };
  const commitActor = useCallback(
    (actor: string) => {
      setParams((current) => auditFiltersToSearch({ ...auditFiltersFromSearch(current), actor }));
    },
    [setParams],
  );
  const knownAction = (AUDIT_ACTIONS as readonly string[]).includes(filters.action);

  const oldest = entries.at(-1);
  const statusText =
    loaded.status !== 'ready'
      ? ''
      : entries.length === 0
        ? 'No entries match these filters.'
        : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, newest first, back to ${formatDateTime(oldest?.at)}.${
            loaded.next === null ? ' No older entries match.' : ' Older entries can be shown.'
          }`;

  return (
    <main className="history audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit trail</h1>
      <p className="audit-intro muted">
        Who did what, and when: sign-ins, sessions, acknowledged alarms, discharges and alarm limit
        changes. Newest first.
      </p>
      <form
        className="history-filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
        }}
      >
        <Field label="From">
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              value={filters.from}
              onChange={(e) => {
                update({ from: e.currentTarget.value });
              }}
            />
          )}
        </Field>
        <Field label="Until">
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              value={filters.to}
              onChange={(e) => {
                update({ to: e.currentTarget.value });
              }}
            />
          )}
        </Field>
        <ActorField value={filters.actor} suggestions={actors} onCommit={commitActor} />
        <Field label="Action">
          {(id) => (
            <select
              id={id}
              value={filters.action}
              onChange={(e) => {
                update({ action: e.currentTarget.value });
              }}
            >
              <option value="">All actions</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {ACTION_LABELS[a]}
                </option>
              ))}
              {!knownAction && filters.action !== '' && (
                <option value={filters.action}>{filters.action}</option>
              )}
            </select>
          )}
        </Field>
        <Field label="Chair">
          {(id) => (
            <select
              id={id}
              value={filters.chairId}
              onChange={(e) => {
                update({ chairId: e.currentTarget.value });
              }}
            >
              <option value="">All chairs</option>
              {chairIds.map((c) => (
                <option key={c} value={c}>
                  {chairs[c]?.chair.label ?? c}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="filter-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              update({ from: startOfDayLocal(now), to: '' });
            }}
          >
            Today
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setReload((n) => n + 1);
            }}
          >
            Refresh
          </button>
        </div>
      </form>

      {loaded.status === 'failed' && (
        <p className="form-error" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.status === 'loading' && <p className="loading-note">Loading the audit trail…</p>}
      <p className="audit-status" role="status" data-testid="audit-status">
        {statusText}
      </p>
      {loaded.status === 'ready' && entries.length > 0 && (
        <div className="table-scroll">
          <table className="history-table audit-table" ref={tableRef} data-testid="audit-table">
            <caption className="visually-hidden">Audit trail, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const described = describeEntry(entry, lookups);
                const patient =
                  described.sessionId === null
                    ? undefined
                    : lookups.patientRef(described.sessionId);
                return (
                  <tr key={entry.seq} tabIndex={-1} data-audit-seq={entry.seq}>
                    <td className="num">
                      <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                    </td>
                    <td className="audit-actor">{entry.actor}</td>
                    <td className="audit-what">{described.what}</td>
                    <td>
                      {described.facts.length > 0 && (
                        <ul className="audit-facts">
                          {described.facts.map((fact, i) => (
                            <li key={i}>{fact}</li>
                          ))}
                        </ul>
                      )}
                      <span className="audit-meta">
                        <code className="audit-action">{entry.action}</code>
                        {described.sessionId !== null && (
                          <Link
                            to={`/sessions/${encodeURIComponent(described.sessionId)}/report`}
                            aria-label={`Session report of ${patient ?? `session ${described.sessionId}`}`}
                          >
                            Session report
                          </Link>
                        )}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {loaded.status === 'ready' && (loaded.next !== null || loaded.older !== 'idle') && (
        <div className="audit-pager">
          {typeof loaded.older === 'object' && (
            <p className="form-error" role="alert">
              {loaded.older.failed}
            </p>
          )}
          {loaded.next !== null && (
            <button
              type="button"
              className="button"
              aria-disabled={loaded.older === 'loading'}
              onClick={showOlder}
            >
              {loaded.older === 'loading' ? 'Loading older entries…' : 'Show older entries'}
            </button>
          )}
        </div>
      )}
    </main>
  );
}

/**
 * The audit trail for the charge nurse and the administrator: who did what and when across
 * the clinic (sign-ins, sessions, acknowledgments, refused discharges, alarm limit changes),
 * in the clinic's words, filtered by what is in the URL, a page at a time.
 */
export default function AuditScreen() {
  const role = useAuth((s) => s.user?.role ?? null);
  if (role === null || !can(role, 'audit:read')) {
    return (
      <main className="detail">
        <h1 className="detail-title">Audit trail</h1>
        <p>The audit trail is for charge nurses and administrators.</p>
      </main>
    );
  }
  return <AuditTrail />;
}
