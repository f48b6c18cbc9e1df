import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { StoredSample } from '@chairside/core';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/http';
import { sampleAtMs } from '../../store/clinic';
import { formatClock } from '../../time/format';
import { formatSedationScore } from '../overview/vitals';

/**
 * Readings per page. A 4 h session at 1 Hz is ~14,400 readings: the table fetches and draws one
 * page at a time, never the whole session.
 */
export const TABLE_PAGE_SIZE = 100;

/**
 * Where a page further back starts: before the oldest reading shown. The server's `seq` makes
 * it exact where readings share a millisecond; `to` one millisecond earlier is the fallback
 * for a reading without one (never the case for what our server stores).
 */
type Cursor = { beforeSeq: number } | { to: number };

/** A page asked for: the cursors walked back from the newest page, in the range from `from`. */
interface PageRequest {
  trail: readonly Cursor[];
  from: number;
  /** Bumped by "Try again". */
  attempt: number;
}

/** A page as received: newest first, at most a page, and whether older readings exist. */
interface LoadedPage {
  request: PageRequest;
  rows: readonly StoredSample[];
  more: boolean;
}

type Direction = 'newest' | 'newer' | 'older';

const dash = (v: number | undefined) => (v === undefined ? '--' : String(Math.round(v)));

/** The server's order, newest first: by `at`, then by `seq` (arrival) within a millisecond. */
function newestFirst(a: StoredSample, b: StoredSample): number {
  return (
    sampleAtMs(b) - sampleAtMs(a) ||
    (b.seq ?? Number.MAX_SAFE_INTEGER) - (a.seq ?? Number.MAX_SAFE_INTEGER)
  );
}

function cursorBefore(oldest: StoredSample): Cursor {
  return oldest.seq === undefined ? { to: sampleAtMs(oldest) - 1 } : { beforeSeq: oldest.seq };
}

/**
 * The readings of a chair as numbers, newest first, a page at a time (for reading exact values
 * aloud, or for the chart). The first page is live: it is the server's newest page joined with
 * the live buffer, so new readings appear at its top. "Older readings" asks the server for the
 * page before the oldest row shown (by its `seq`: no reading skipped or repeated), "Newer
 * readings" goes back up the same way, "Newest readings" returns to the live page.
 *
 * Mounted with a `key` per chair, range and session: a new range starts again on page 1.
 */
export function ReadingsTable({
  chairId,
  rangeFrom,
  phrase,
  live,
}: {
  chairId: string;
  /** Start of the chosen range at this moment; read when the newest page is (re)loaded. */
  rangeFrom: () => number;
  phrase: string;
  /** The chair's live buffer, ascending by `at`: what arrived since the first page was fetched. */
  live: readonly StoredSample[] | undefined;
}) {
  const api = useApi();
  const [wanted, setWanted] = useState<PageRequest>(() => ({
    trail: [],
    from: rangeFrom(),
    attempt: 0,
  }));
  const [loaded, setLoaded] = useState<LoadedPage | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const cursor = wanted.trail.at(-1);
    api
      .getVitals(chairId, {
        from: wanted.from,
        // One more than a page says whether there is an older page, without a count query.
        limit: TABLE_PAGE_SIZE + 1,
        ...cursor,
      })
      .then((samples) => {
        if (!current) return;
        const rows = samples.slice(-TABLE_PAGE_SIZE).reverse();
        setLoaded({ request: wanted, rows, more: samples.length > TABLE_PAGE_SIZE });
        setError(null);
      })
      .catch((e: unknown) => {
        if (!current) return;
        setError(e instanceof ApiError ? e.message : 'The readings could not be loaded.');
        // Without the server's newest page the live rows are still worth showing.
        if (wanted.trail.length === 0) {
          setLoaded((shown) => shown ?? { request: wanted, rows: [], more: false });
        }
      });
    return () => {
      current = false;
    };
  }, [api, chairId, wanted]);

  const onNewestPage = loaded !== null && loaded.request.trail.length === 0;
  // The newest page takes in what the live link brought since (older pages stay as fetched).
  const liveRows = onNewestPage ? live : undefined;
  const page = useMemo(() => {
    if (loaded === null) return null;
    if (liveRows === undefined || liveRows.length === 0) return loaded;
    const byId = new Map<string, StoredSample>();
    for (const s of loaded.rows) byId.set(s.id, s);
    for (const s of liveRows) if (sampleAtMs(s) >= loaded.request.from) byId.set(s.id, s);
    const merged = [...byId.values()].sort(newestFirst);
    return {
      rows: merged.slice(0, TABLE_PAGE_SIZE),
      more: loaded.more || merged.length > TABLE_PAGE_SIZE,
    };
  }, [loaded, liveRows]);

  // Focus and scroll after a move (see the effect below).
  const lastMove = useRef<Direction | null>(null);
  const olderRef = useRef<HTMLButtonElement>(null);
  const newerRef = useRef<HTMLButtonElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const busy = loaded?.request !== wanted && error === null;
  const pageNumber = (loaded?.request.trail.length ?? 0) + 1;
  const hasNewer = loaded !== null && !onNewestPage;
  const hasOlder = page !== null && page.more && page.rows.length > 0;

  function go(direction: Direction) {
    if (loaded === null || page === null) return;
    lastMove.current = direction;
    const trail = loaded.request.trail;
    if (direction === 'older') {
      const oldest = page.rows.at(-1);
      if (oldest === undefined) return;
      setWanted({ trail: [...trail, cursorBefore(oldest)], from: loaded.request.from, attempt: 0 });
    } else if (direction === 'newer' && trail.length > 1) {
      setWanted({ trail: trail.slice(0, -1), from: loaded.request.from, attempt: 0 });
    } else {
      // The newest page again: live, over the range as it stands now.
      setWanted({ trail: [], from: rangeFrom(), attempt: 0 });
    }
  }

  // A new page is read from its top. A button that just became disabled (the last page going
  // older, the first going newer) would drop the keyboard focus: hand it to the way back.
  useEffect(() => {
    const move = lastMove.current;
    if (move === null) return;
    lastMove.current = null;
    if (scrollRef.current !== null) scrollRef.current.scrollTop = 0;
    const focused = document.activeElement;
    const focusLost =
      focused === null ||
      focused === document.body ||
      (focused instanceof HTMLButtonElement && focused.disabled);
    if (!focusLost) return;
    if (move === 'older') newerRef.current?.focus();
    else olderRef.current?.focus();
  }, [loaded]);

  const captionId = useId();
  const newestShown = page?.rows[0];
  const oldestShown = page?.rows.at(-1);
  const statusText =
    page === null
      ? ''
      : onNewestPage
        ? `Page 1: the newest readings ${phrase}, newest first; new readings appear at the top.`
        : newestShown === undefined || oldestShown === undefined
          ? `Page ${pageNumber}: no older readings ${phrase}.`
          : `Page ${pageNumber}: ${page.rows.length} readings from ${formatClock(
              sampleAtMs(newestShown),
            )} back to ${formatClock(sampleAtMs(oldestShown))}, not live.`;

  return (
    <div className="readings" aria-busy={busy}>
      {error !== null && (
        <div className="form-error readings-error" role="alert">
          <span>The readings could not be loaded: {error}</span>
          <button
            type="button"
            className="button"
            onClick={() => {
              setWanted((w) => ({ ...w, attempt: w.attempt + 1 }));
            }}
          >
            Try again
          </button>
        </div>
      )}
      {page === null ? (
        error === null && <p className="loading-note">Loading the readings {phrase}…</p>
      ) : (
        <>
          {/* The pager first: its buttons keep their place from page to page. */}
          <div className="readings-bar">
            <nav className="readings-pager" aria-label="Pages of readings">
              <button
                type="button"
                className="button"
                disabled={!hasNewer}
                onClick={() => {
                  go('newest');
                }}
              >
                <span aria-hidden="true">⇤ </span>Newest readings
              </button>
              <button
                ref={newerRef}
                type="button"
                className="button"
                disabled={!hasNewer}
                onClick={() => {
                  go('newer');
                }}
              >
                <span aria-hidden="true">← </span>Newer readings
              </button>
              <button
                ref={olderRef}
                type="button"
                className="button"
                disabled={!hasOlder}
                onClick={() => {
                  go('older');
                }}
              >
                Older readings<span aria-hidden="true"> →</span>
              </button>
            </nav>
            <p className="muted readings-status" role="status">
              {statusText}
            </p>
          </div>
          {page.rows.length === 0 && onNewestPage ? (
            <p className="trend-empty">No readings {phrase}.</p>
          ) : (
            <div
              className="readings-table-wrap"
              ref={scrollRef}
              // Scrolls on its own: reachable by keyboard, named by the table's caption.
              tabIndex={0}
              role="region"
              aria-labelledby={captionId}
            >
              <table className="readings-table">
                <caption id={captionId} className="visually-hidden">
                  Readings {phrase}, newest first, page {pageNumber}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">HR</th>
                    <th scope="col">BP</th>
                    <th scope="col">SpO2</th>
                    <th scope="col">RR</th>
                    <th scope="col">EtCO2</th>
                    <th scope="col">Sedation</th>
                    <th scope="col">Source</th>
                  </tr>
                </thead>
                <tbody>
                  {page.rows.map((s) => (
                    <tr key={s.id} className={s.source === 'manual' ? 'is-manual' : ''}>
                      <th scope="row">
                        <time dateTime={s.at}>{formatClock(sampleAtMs(s))}</time>
                      </th>
                      <td>{dash(s.hr)}</td>
                      <td>{s.sbp === undefined ? '--' : `${dash(s.sbp)}/${dash(s.dbp)}`}</td>
                      <td>{dash(s.spo2)}</td>
                      <td>{dash(s.rr)}</td>
                      <td>{dash(s.etco2)}</td>
                      <td>
                        {s.sedation === undefined
                          ? '--'
                          : `${s.sedation.scale} ${formatSedationScore(s.sedation)}`}
                      </td>
                      <td>{s.source === 'manual' ? `manual (${s.enteredBy ?? '?'})` : s.source}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
