import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import type { AlertRecord } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import HistoryScreen from './HistoryScreen';

const record = (id: string, over: Partial<AlertRecord>): AlertRecord => ({
  id,
  chairId: 'c1',
  sessionId: 's1',
  kind: 'physiological',
  parameter: 'spo2',
  priority: 'high',
  message: 'SpO2 86 < 90',
  value: 86,
  limit: 90,
  state: 'cleared',
  raisedAt: '2026-11-21T09:30:05.000Z',
  clearedAt: '2026-11-21T09:31:00.000Z',
  acknowledgedAt: '2026-11-21T09:30:17.000Z',
  acknowledgedBy: 'amy',
  escalatedAt: null,
  timeToAcknowledgeMs: 12_000,
  ...over,
});

const ALERTS = [
  record('a1', {}),
  record('a2', {
    priority: 'medium',
    message: 'HR 125 > 120, "irregular"',
    parameter: 'hr',
    acknowledgedAt: null,
    acknowledgedBy: null,
    timeToAcknowledgeMs: null,
  }),
];

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((req) => {
    if (req.url.startsWith('/api/v1/alerts')) return { status: 200, body: { alerts: ALERTS } };
    if (req.url === '/api/v1/sessions/s1') {
      return {
        status: 200,
        body: {
          session: {
            id: 's1',
            chairId: 'c1',
            patientRef: 'KET-0042',
            weightKg: 70,
            doseMgPerKg: 0.5,
            plannedMinutes: 40,
            state: 'discharged',
            events: [],
            baseline: null,
            createdAt: '2026-11-21T09:00:00.000Z',
            createdBy: 'amy',
          },
        },
      };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  server.requests.length = 0;
});

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.search}</output>;
}

function renderHistory(entry: string) {
  useClinic.getState().setChairs([{ id: 'c1', label: 'Chair 1', session: null }]);
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <MemoryRouter initialEntries={[entry]}>
        <Routes>
          <Route
            path="/history"
            element={
              <>
                <HistoryScreen />
                <Where />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </ApiProvider>,
  );
}

const alertRequests = () =>
  server.requests.filter((r) => r.url.startsWith('/api/v1/alerts')).map((r) => r.url);

describe('HistoryScreen', () => {
  it('asks the server with the filters from the URL and shows the alarms with their figures', async () => {
    renderHistory('/history?priority=high&chairId=c1');
    const table = await screen.findByTestId('history-table');
    expect(alertRequests()).toEqual(['/api/v1/alerts?chairId=c1&priority=high&limit=5000']);
    expect(screen.getByLabelText<HTMLSelectElement>('Priority').value).toBe('high');

    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('Chair 1');
    expect(rows[0]!.textContent).toContain('SpO2 86 < 90');
    expect(rows[0]!.textContent).toContain('amy');
    expect(rows[0]!.textContent).toContain('12 s');
    expect(rows[1]!.textContent).toContain('nobody');
    await expect.poll(() => rows[0]!.textContent).toContain('KET-0042');

    expect(screen.getByTestId('summary-total').textContent).toBe('2');
    expect(screen.getByTestId('summary-per-session').textContent).toBe('2.0');
    expect(screen.getByTestId('summary-median-ack').textContent).toBe('12 s');
    expect(screen.getByTestId('summary-unacknowledged').textContent).toBe('1');
  });

  it('puts a changed filter in the URL and asks again', async () => {
    renderHistory('/history');
    await screen.findByTestId('history-table');
    await userEvent.selectOptions(screen.getByLabelText('State'), 'cleared');
    await expect.poll(() => screen.getByTestId('where').textContent).toBe('?state=cleared');
    await expect
      .poll(alertRequests)
      .toEqual(['/api/v1/alerts?limit=5000', '/api/v1/alerts?state=cleared&limit=5000']);
  });

  it('offers the shown alarms as a CSV download with a header row and escaped text', async () => {
    renderHistory('/history');
    await screen.findByTestId('history-table');
    const link = screen.getByRole('link', { name: 'Download CSV (2 alarms)' });
    await expect.poll(() => link.getAttribute('href')).toContain('KET-0042');
    const href = link.getAttribute('href') ?? '';
    const csv = decodeURIComponent(href.slice(href.indexOf(',') + 1));
    const lines = csv.split('\r\n');
    expect(lines[0]!.startsWith('raised_at,chair,chair_id,patient_ref,')).toBe(true);
    expect(lines[1]).toContain(',Chair 1,c1,KET-0042,s1,high,physiological,spo2,SpO2 86 < 90,');
    expect(lines[2]).toContain(',"HR 125 > 120, ""irregular""",');
    expect(link.getAttribute('download')).toMatch(/^chairside-alarms-\d{4}-\d\d-\d\d\.csv$/);
  });
});
