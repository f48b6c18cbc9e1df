import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { Session, StoredSample, VitalsTrend } from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import ChairDetailScreen, { HISTORY_WINDOW_MS } from './ChairDetailScreen';

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

beforeAll(async () => {
  server = await startLocalServer((req) =>
    req.url.startsWith('/api/v1/chairs/c1/vitals/trend')
      ? { status: 200, body: { trend: trendOf(req.url) } }
      : req.url.startsWith('/api/v1/chairs/c1/vitals')
        ? { status: 200, body: { samples: history } }
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
    // The table lists every sample: it asks for them, not for the trend.
    const table = await screen.findByRole('table');
    await waitFor(() => {
      expect(within(table).getAllByRole('row').length).toBeGreaterThan(1);
    });
    expect(new URL(lastVitalsRequest().url, 'http://x').pathname).toBe('/api/v1/chairs/c1/vitals');
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
});
