import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { Session, StoredSample, VitalsTrend } from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import ChairDetailScreen, { HISTORY_WINDOW_MS } from './ChairDetailScreen';
import { TABLE_PAGE_SIZE } from './ReadingsTable';

// jsdom has no layout; recharts' ResponsiveContainer only needs the observer to exist.
class NoLayoutResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver = NoLayoutResizeObserver;

const NOW = Date.parse('2026-11-21T10:00:00.000Z');
let server: LocalServer;

const history: StoredSample[] = [
  {
    id: 'h1',
    at: '2026-11-21T09:20:00.000Z',
    hr: 72,
    sbp: 121,
    dbp: 79,
    source: 'manual',
    chairId: 'c1',
    sessionId: 's1',
    receivedAt: '2026-11-21T09:20:01.000Z',
    enteredBy: 'nurse',
  },
];

const session: Session = {
  id: 's1',
  chairId: 'c1',
  patientRef: 'KET-1041',
  weightKg: 72,
  doseMgPerKg: 0.5,
  plannedMinutes: 40,
  state: 'infusing',
  events: [{ type: 'infusion-started', at: '2026-11-21T09:40:00.000Z', by: 'nurse' }],
  baseline: null,
  createdAt: '2026-11-21T09:15:00.000Z',
  createdBy: 'nurse',
};

/** The server's trend of `history`: every series short enough to come whole. */
function trendOf(url: string): VitalsTrend {
  const q = new URL(url, 'http://x').searchParams;
  const series = (pick: (s: StoredSample) => number | undefined) => {
    const points = history.flatMap((s): [number, number][] => {
      const v = pick(s);
      return v === undefined ? [] : [[Date.parse(s.at), v]];
    });
    return { count: points.length, points };
  };
  return {
    chairId: 'c1',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    points: Number(q.get('points')),
    samples: history.length,
    series: {
      hr: series((s) => s.hr),
      sbp: series((s) => s.sbp),
      dbp: series((s) => s.dbp),
      spo2: series((s) => s.spo2),
      rr: series((s) => s.rr),
      etco2: series((s) => s.etco2),
      moaas: series((s) => (s.sedation?.scale === 'MOAA/S' ? s.sedation.score : undefined)),
      rass: series((s) => (s.sedation?.scale === 'RASS' ? s.sedation.score : undefined)),
    },
  };
}

/** Chair 4: a whole 4 h session at 1 Hz with a manual reading every 5 minutes. */
const SESSION_START = NOW - 4 * 3600_000;
const session4: Session = {
  ...session,
  id: 's4',
  chairId: 'c4',
  patientRef: 'KET-2207',
  events: [
    { type: 'infusion-started', at: new Date(SESSION_START + 600_000).toISOString(), by: 'nurse' },
  ],
  createdAt: new Date(SESSION_START).toISOString(),
};
const FEED_SECONDS = 4 * 3600;
const sessionSamples: StoredSample[] = (() => {
  const out: StoredSample[] = [];
  for (let i = 0; i < FEED_SECONDS; i++) {
    const at = new Date(SESSION_START + (i + 1) * 1000).toISOString();
    out.push({
      seq: i + 1,
      id: `d${i}`,
      at,
      hr: 70 + (i % 20),
      spo2: 97,
      source: 'device',
      chairId: 'c4',
      sessionId: 's4',
      receivedAt: at,
      enteredBy: null,
    });
    // A manual BP every 5 minutes, in the very millisecond of a monitor reading (stored later,
    // so with a higher seq): pages must split such a pair without losing either. The one of
    // 09:55:01 falls across the end of page 3.
    if ((i + 1) % 300 === 1) {
      out.push({
        seq: 100_000 + i,
        id: `m${i}`,
        at,
        sbp: 120 + (i % 30),
        dbp: 80,
        source: 'manual',
        chairId: 'c4',
        sessionId: 's4',
        receivedAt: at,
        enteredBy: 'nurse',
      });
    }
  }
  return out;
})();
const bySampleOrder = (a: StoredSample, b: StoredSample) =>
  Date.parse(a.at) - Date.parse(b.at) || (a.seq ?? 0) - (b.seq ?? 0);
/** Every reading of the session as the table must list it: newest first. */
const sessionNewestFirst = [...sessionSamples].sort(bySampleOrder).reverse();

/**
 * `GET /chairs/{id}/vitals` as the README and OpenAPI describe it: the most recent `limit`
 * samples in [from, to] and before the `beforeSeq` sample (by `at`, then `seq`), oldest first.
 * The real route is held to this in apps/server/src/http/vitals-paging.int.test.ts.
 */
function answerVitals(all: readonly StoredSample[], url: string) {
  const q = new URL(url, 'http://x').searchParams;
  const time = (v: string | null) =>
    v === null ? undefined : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  const from = time(q.get('from'));
  const to = time(q.get('to'));
  const limit = Number(q.get('limit') ?? 1000);
  const beforeSeq = q.get('beforeSeq');
  const cursor = beforeSeq === null ? undefined : all.find((s) => s.seq === Number(beforeSeq));
  if (beforeSeq !== null && cursor === undefined) {
    return {
      status: 400,
      body: { error: { code: 'validation_failed', message: `no sample has seq ${beforeSeq}` } },
    };
  }
  const samples = [...all]
    .sort(bySampleOrder)
    .filter((s) => {
      const at = Date.parse(s.at);
      return (
        (from === undefined || at >= from) &&
        (to === undefined || at <= to) &&
        (cursor === undefined || bySampleOrder(s, cursor) < 0)
      );
    })
    .slice(-limit);
  return { status: 200, body: { samples } };
}

beforeAll(async () => {
  server = await startLocalServer((req) =>
    req.url.startsWith('/api/v1/chairs/c1/vitals/trend')
      ? { status: 200, body: { trend: trendOf(req.url) } }
      : req.url.startsWith('/api/v1/chairs/c1/vitals')
        ? answerVitals(history, req.url)
        : req.url.startsWith('/api/v1/chairs/c4/vitals?')
          ? answerVitals(sessionSamples, req.url)
          : {
              status: 404,
              body: { error: { code: 'chair_not_found', message: 'no chair with id "zz"' } },
            },
  );
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  cleanup();
  useClinic.getState().clear();
});

/** The detail also asks for the alarm rules; these tests are about the vitals requests. */
function lastVitalsRequest() {
  return server.requests.filter((r) => r.url.includes('/vitals')).at(-1)!;
}

/** The rows of the table as "time source", newest first. */
function shownRows(): string[] {
  return within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map(
      (row) =>
        `${row.querySelector('time')?.getAttribute('datetime') ?? '?'} ${row.lastElementChild?.textContent ?? '?'}`,
    );
}
const rowOf = (s: StoredSample) =>
  `${s.at} ${s.source === 'manual' ? `manual (${s.enteredBy ?? '?'})` : s.source}`;
const vitalsQueries = (since: number) =>
  server.requests.slice(since).flatMap((r) => {
    const u = new URL(r.url, 'http://x');
    return u.pathname.includes('/vitals') ? [`${u.pathname}?${u.searchParams.toString()}`] : [];
  });

function renderDetail(chairId: string) {
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <MemoryRouter initialEntries={[`/chairs/${chairId}`]}>
        <Routes>
          <Route path="/chairs/:chairId" element={<ChairDetailScreen clock={() => NOW} />} />
        </Routes>
      </MemoryRouter>
    </ApiProvider>,
  );
}

describe('ChairDetailScreen', () => {
  it('fetches the trend of the last 60 minutes and shows the session with dose and rate', async () => {
    useClinic.getState().setChairs([{ id: 'c1', label: 'Chair 1', session }]);
    renderDetail('c1');

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Chair 1');
    expect(screen.getByTestId('detail-patient-ref').textContent).toBe('KET-1041');
    expect(screen.getByText('0.5 mg/kg = 36 mg')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'All chairs' }).getAttribute('href')).toBe('/');

    await screen.findByText('No Sedation readings in the last 60 minutes.');
    const url = new URL(lastVitalsRequest().url, 'http://x');
    // The charts draw the server's downsampled trend: about a point per pixel, not every sample.
    expect(url.pathname).toBe('/api/v1/chairs/c1/vitals/trend');
    expect(url.searchParams.get('from')).toBe(new Date(NOW - HISTORY_WINDOW_MS).toISOString());
    expect(url.searchParams.get('to')).toBe(new Date(NOW).toISOString());
    expect(url.searchParams.get('points')).toBe('600');
    expect(lastVitalsRequest().authorization).toBe('Bearer tok');
    // History holds HR and BP, so those charts are drawn rather than declared empty.
    expect(screen.queryByText('No Heart rate readings in the last 60 minutes.')).toBeNull();
    expect(screen.queryByText('No Blood pressure readings in the last 60 minutes.')).toBeNull();
    expect(screen.getByText('No SpO2 readings in the last 60 minutes.')).toBeTruthy();
  });

  it("says the history is missing, with the server's reason, when it cannot be fetched", async () => {
    renderDetail('zz');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'History of the last hour is missing: no chair with id "zz"',
    );
  });

  it('switches between 15 min, 1 h and the whole session, asking the server for each', async () => {
    useClinic.getState().setChairs([{ id: 'c1', label: 'Chair 1', session }]);
    renderDetail('c1');
    const user = userEvent.setup();
    await screen.findByText('No Sedation readings in the last 60 minutes.');
    const ranges = screen.getByRole('group', { name: 'Time range' });
    expect(within(ranges).getByRole('button', { name: '1 h' }).getAttribute('aria-pressed')).toBe(
      'true',
    );

    const request = () => new URL(lastVitalsRequest().url, 'http://x');
    const query = () => request().searchParams;
    // 15 minutes: every sample (the live buffer holds as much anyway).
    await user.click(within(ranges).getByRole('button', { name: '15 min' }));
    await screen.findByText('No Sedation readings in the last 15 minutes.');
    expect(request().pathname).toBe('/api/v1/chairs/c1/vitals');
    expect(query().get('from')).toBe(new Date(NOW - 15 * 60_000).toISOString());

    // The whole session: the server's trend from the session's start, never the 20,000 samples.
    const before = server.requests.length;
    await user.click(within(ranges).getByRole('button', { name: 'Whole session' }));
    await screen.findByText('No Sedation readings in this session.');
    expect(request().pathname).toBe('/api/v1/chairs/c1/vitals/trend');
    expect(query().get('from')).toBe(session.createdAt);
    expect(query().get('points')).toBe('600');
    expect(server.requests.slice(before).filter((r) => r.url.includes('limit=20000'))).toHaveLength(
      0,
    );
    const charts = document.querySelector('.trend-grid');
    expect(charts?.getAttribute('data-range')).toBe('session');
    expect(charts?.getAttribute('aria-busy')).toBe('false');
    expect(
      within(ranges).getByRole('button', { name: 'Whole session' }).getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('shows the same readings as a table', async () => {
    useClinic.getState().setChairs([{ id: 'c1', label: 'Chair 1', session }]);
    renderDetail('c1');
    const user = userEvent.setup();
    await screen.findByText('No Sedation readings in the last 60 minutes.');
    await user.click(screen.getByRole('button', { name: 'Show as table' }));
    // The table lists the readings themselves, a page of them: not the trend.
    const table = await screen.findByRole('table');
    await waitFor(() => {
      expect(within(table).getAllByRole('row').length).toBeGreaterThan(1);
    });
    const url = new URL(lastVitalsRequest().url, 'http://x');
    expect(url.pathname).toBe('/api/v1/chairs/c1/vitals');
    expect(url.searchParams.get('from')).toBe(new Date(NOW - HISTORY_WINDOW_MS).toISOString());
    expect(url.searchParams.get('limit')).toBe(String(TABLE_PAGE_SIZE + 1));
    // One reading: a single page, nothing older or newer to go to.
    expect(screen.getByRole('button', { name: 'Older readings' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Newer readings' })).toHaveProperty('disabled', true);
    const cells = within(table).getAllByRole('row')[1]!.querySelectorAll('td');
    expect([...cells].map((c) => c.textContent)).toEqual([
      '72',
      '121/79',
      '--',
      '--',
      '--',
      '--',
      'manual (nurse)',
    ]);
    await user.click(screen.getByRole('button', { name: 'Show as charts' }));
    await waitFor(() => {
      expect(screen.queryByRole('table')).toBeNull();
    });
  });

  it('pages through a 4 h session a page at a time, newest first, without gaps or doubles', async () => {
    useClinic.getState().setChairs([{ id: 'c4', label: 'Chair 4', session: session4 }]);
    renderDetail('c4');
    const user = userEvent.setup();
    await screen.findByText('No Sedation readings in the last 60 minutes.');
    await user.click(screen.getByRole('button', { name: 'Whole session' }));
    await screen.findByText('No Sedation readings in this session.');
    const before = server.requests.length;
    await user.click(screen.getByRole('button', { name: 'Show as table' }));

    // Page 1: the newest 100 readings of the session, newest first.
    await screen.findByText(/^Page 1: the newest readings in this session/);
    expect(shownRows()).toEqual(sessionNewestFirst.slice(0, TABLE_PAGE_SIZE).map(rowOf));
    const pager = screen.getByRole('navigation', { name: 'Pages of readings' });
    const newest = within(pager).getByRole('button', { name: 'Newest readings' });
    const newer = within(pager).getByRole('button', { name: 'Newer readings' });
    const older = within(pager).getByRole('button', { name: 'Older readings' });
    expect([newest, newer, older].map((b) => (b as HTMLButtonElement).disabled)).toEqual([
      true,
      true,
      false,
    ]);

    // By keyboard: page back three times. Each page follows on from the one before.
    older.focus();
    const pages = [shownRows()];
    for (const n of [2, 3, 4]) {
      await user.keyboard('{Enter}');
      await screen.findByText(new RegExp(`^Page ${n}: ${TABLE_PAGE_SIZE} readings from`));
      pages.push(shownRows());
    }
    expect(pages.flat()).toEqual(sessionNewestFirst.slice(0, 4 * TABLE_PAGE_SIZE).map(rowOf));
    // Page 3 ends on the manual BP of 09:55:01 and page 4 opens with the monitor reading of the
    // same millisecond: paging by time alone would have skipped it.
    const split = new Date(NOW - 299_000).toISOString();
    expect(pages[2]?.at(-1)).toBe(`${split} manual (nurse)`);
    expect(pages[3]?.[0]).toBe(`${split} device`);
    expect(document.activeElement).toBe(older);

    // Only pages were fetched: 101 readings at a time (one to know an older page exists),
    // each before the oldest row shown, never the session's 14,448 readings.
    const cursorAfter = (page: number) => sessionNewestFirst[page * TABLE_PAGE_SIZE - 1]?.seq;
    const from = encodeURIComponent(session4.createdAt);
    expect(vitalsQueries(before)).toEqual([
      `/api/v1/chairs/c4/vitals?from=${from}&limit=101`,
      `/api/v1/chairs/c4/vitals?from=${from}&limit=101&beforeSeq=${cursorAfter(1)}`,
      `/api/v1/chairs/c4/vitals?from=${from}&limit=101&beforeSeq=${cursorAfter(2)}`,
      `/api/v1/chairs/c4/vitals?from=${from}&limit=101&beforeSeq=${cursorAfter(3)}`,
    ]);
    expect(screen.getAllByRole('row')).toHaveLength(TABLE_PAGE_SIZE + 1);

    // Newer goes back up a page; Newest returns to the live first page.
    await user.click(newer);
    await screen.findByText(/^Page 3: /);
    expect(shownRows()).toEqual(pages[2]);
    await user.click(newest);
    await screen.findByText(/^Page 1: /);
    expect(shownRows()).toEqual(pages[0]);
    // The button used is disabled now: the focus went to the way back, not to the page.
    expect(document.activeElement).toBe(older);
  });

  it('shows new live readings at the top of the first page, and pages on from the rows shown', async () => {
    useClinic.getState().setChairs([{ id: 'c4', label: 'Chair 4', session: session4 }]);
    renderDetail('c4');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Show as table' }));
    await screen.findByText(/^Page 1: the newest readings in the last 60 minutes/);
    expect(shownRows()).toEqual(sessionNewestFirst.slice(0, TABLE_PAGE_SIZE).map(rowOf));

    const arrived: StoredSample = {
      seq: 200_000,
      id: 'live-1',
      at: new Date(NOW + 1000).toISOString(),
      sbp: 131,
      dbp: 84,
      hr: 77,
      source: 'manual',
      chairId: 'c4',
      sessionId: 's4',
      receivedAt: new Date(NOW + 1000).toISOString(),
      enteredBy: 'charge',
    };
    act(() => {
      useClinic.getState().addSamples('c4', [arrived]);
    });
    // On top, entered by whom; the page keeps its size.
    await waitFor(() => {
      expect(shownRows()[0]).toBe(`${arrived.at} manual (charge)`);
    });
    const firstCells = within(screen.getByRole('table')).getAllByRole('row')[1]!;
    expect([...firstCells.querySelectorAll('td')].map((c) => c.textContent)).toEqual([
      '77',
      '131/84',
      '--',
      '--',
      '--',
      '--',
      'manual (charge)',
    ]);
    expect(firstCells.className).toBe('is-manual');
    expect(shownRows()).toEqual([
      rowOf(arrived),
      ...sessionNewestFirst.slice(0, TABLE_PAGE_SIZE - 1).map(rowOf),
    ]);

    // Older continues from the last row shown: the reading pushed off page 1 opens page 2.
    const before = server.requests.length;
    await user.click(screen.getByRole('button', { name: 'Older readings' }));
    await screen.findByText(/^Page 2: /);
    expect(shownRows()).toEqual(
      sessionNewestFirst.slice(TABLE_PAGE_SIZE - 1, 2 * TABLE_PAGE_SIZE - 1).map(rowOf),
    );
    expect(new URL(lastVitalsRequest().url, 'http://x').searchParams.get('beforeSeq')).toBe(
      String(sessionNewestFirst[TABLE_PAGE_SIZE - 2]?.seq),
    );
    expect(vitalsQueries(before)).toHaveLength(1);
    // An older page is not live: what arrives now waits for the first page.
    act(() => {
      useClinic
        .getState()
        .addSamples('c4', [
          { ...arrived, seq: 200_001, id: 'live-2', at: new Date(NOW + 2000).toISOString() },
        ]);
    });
    expect(shownRows()[0]).toBe(rowOf(sessionNewestFirst[TABLE_PAGE_SIZE - 1]!));
  });

  it('says when a page cannot be loaded and offers to try again', async () => {
    renderDetail('zz');
    const user = userEvent.setup();
    await screen.findByRole('alert');
    await user.click(screen.getByRole('button', { name: 'Show as table' }));
    const alert = await screen.findByText(/^The readings could not be loaded: /);
    expect(alert.textContent).toBe('The readings could not be loaded: no chair with id "zz"');
    const count = server.requests.length;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => {
      expect(server.requests.length).toBe(count + 1);
    });
    expect(screen.getByText('No readings in the last 60 minutes.')).toBeTruthy();
  });
});
