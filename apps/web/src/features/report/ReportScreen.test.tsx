import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import ReportScreen from './ReportScreen';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const SESSION = {
  id: 's1',
  chairId: 'c1',
  patientRef: 'KET-0042',
  weightKg: 80,
  doseMgPerKg: 0.5,
  plannedMinutes: 40,
  state: 'discharged',
  events: [
    { type: 'infusion-started', at: at(300), by: 'amy' },
    { type: 'infusion-stopped', at: at(2700), by: 'bob' },
    {
      type: 'discharged',
      at: at(3600),
      by: 'amy',
      aldrete: { activity: 2, respiration: 2, circulation: 1, consciousness: 2, spo2: 2, total: 9 },
    },
  ],
  baseline: null,
  createdAt: at(0),
  createdBy: 'amy',
};

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((req) => {
    if (req.url === '/api/v1/sessions/s1') return { status: 200, body: { session: SESSION } };
    if (req.url.startsWith('/api/v1/alerts?')) {
      return {
        status: 200,
        body: {
          alerts: [
            {
              id: 'a1',
              chairId: 'c1',
              sessionId: 's1',
              kind: 'physiological',
              parameter: 'spo2',
              priority: 'high',
              message: 'SpO2 86 < 90',
              value: 86,
              limit: 90,
              state: 'cleared',
              raisedAt: at(900),
              clearedAt: at(960),
              acknowledgedAt: at(912),
              acknowledgedBy: 'amy',
              escalatedAt: null,
              timeToAcknowledgeMs: 12_000,
            },
          ],
        },
      };
    }
    if (req.url.startsWith('/api/v1/chairs/c1/vitals?')) {
      return {
        status: 200,
        body: {
          samples: [0, 600, 1200].map((s) => ({
            id: `v${s}`,
            at: at(s),
            hr: 80,
            spo2: 97,
            source: 'manual',
            chairId: 'c1',
            sessionId: 's1',
            receivedAt: at(s),
            enteredBy: 'amy',
          })),
        },
      };
    }
    if (req.url === '/api/v1/sessions/missing') {
      return { status: 404, body: { error: { code: 'not_found', message: 'no such session' } } };
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

function renderReport(sessionId: string) {
  useClinic.getState().setChairs([{ id: 'c1', label: 'Chair 1', session: null }]);
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <MemoryRouter initialEntries={[`/sessions/${sessionId}/report`]}>
        <Routes>
          <Route
            path="/sessions/:sessionId/report"
            element={<ReportScreen clock={() => T0 + 9_000_000} />}
          />
        </Routes>
      </MemoryRouter>
    </ApiProvider>,
  );
}

describe('ReportScreen', () => {
  it('shows the session, its events with who and when, the vitals and its alarms', async () => {
    renderReport('s1');
    expect((await screen.findByTestId('report-patient')).textContent).toBe('KET-0042');
    expect(screen.getByTestId('report-dose').textContent).toBe(
      '0.5 mg/kg = 40 mg over 40 min (1 mg/min)',
    );
    const events = within(screen.getByTestId('report-events')).getAllByRole('row').slice(1);
    expect(events.map((r) => r.textContent.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, ''))).toEqual(
      [
        'Infusion startedamy',
        'Infusion stoppedbob',
        'Discharged · Aldrete 9/10 (Activity 2, Respiration 2, Circulation 1, Consciousness 2, SpO2 2)amy',
      ],
    );
    // The chart's own line for the score the patient went home on.
    expect(screen.getByTestId('report-aldrete').textContent).toBe(
      'Aldrete 9/10 (Activity 2, Respiration 2, Circulation 1, Consciousness 2, SpO2 2)',
    );
    const alarm = within(screen.getByTestId('report-alarm-table')).getAllByRole('row')[1];
    expect(alarm?.textContent).toContain('SpO2 86 < 90');
    expect(alarm?.textContent).toContain('amy');
    expect(alarm?.textContent).toContain('12 s');
    expect(screen.getByRole('button', { name: 'Print report' })).toBeTruthy();
    expect(await screen.findByTestId('report-chart')).toBeTruthy();
    // The vitals are asked for the session's own span: creation to discharge.
    const vitals = server.requests.find((r) => r.url.startsWith('/api/v1/chairs/c1/vitals'));
    expect(vitals?.url).toBe(
      `/api/v1/chairs/c1/vitals?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(3600))}&limit=20000`,
    );
  });

  it('says so when the session does not exist', async () => {
    renderReport('missing');
    expect((await screen.findByRole('alert')).textContent).toBe('There is no such session.');
  });
});
