import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SimulatorDebrief, SimulatorRunCreate } from '@chairside/core';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import { DebriefView } from './DebriefView';
import { RunStartForm } from './RunStartForm';
import { createTrainerApi } from './trainerApi';

const scenarios = [
  {
    id: 'typical-response',
    title: 'Typical ketamine response',
    description: '0.5 mg/kg over 40 min: blood pressure and heart rate climb through the infusion.',
  },
  {
    id: 'vasovagal',
    title: 'Vasovagal bradycardia and hypotension',
    description: 'Heart rate drops to about 42.',
  },
];
const chairs = [
  { id: 'c1', label: 'Chair 1', busy: false },
  { id: 'c2', label: 'Chair 2', busy: true },
];

let server: LocalServer;
beforeAll(async () => {
  // The real client over a real socket: a chair with a run answers 409 as the server does.
  server = await startLocalServer((req) => {
    if (req.method === 'POST' && req.url === '/api/v1/simulator/runs') {
      return {
        status: 409,
        body: {
          error: {
            code: 'run_already_running',
            message: 'chair "c1" already has a simulator run: stop it first',
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
  server.requests.length = 0;
});

describe('RunStartForm', () => {
  it('shows what is missing beside the fields and sends nothing', async () => {
    const started: SimulatorRunCreate[] = [];
    render(
      <RunStartForm
        chairs={chairs}
        scenarios={scenarios}
        onStart={(input) => {
          started.push(input);
          return Promise.resolve();
        }}
      />,
    );
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Speed (×)'));
    await user.type(screen.getByLabelText('Speed (×)'), '30');
    await user.click(screen.getByRole('button', { name: 'Start run' }));
    expect(screen.getByText('Pick the chair to run the scenario on.')).toBeTruthy();
    expect(screen.getByText('Pick a scenario.')).toBeTruthy();
    expect(screen.getByText('Speed is a number from 1 to 20 (times real time).')).toBeTruthy();
    expect(started).toEqual([]);
    // A chair with a run going cannot be picked.
    expect(
      screen.getByRole<HTMLOptionElement>('option', { name: 'Chair 2 (run going)' }).disabled,
    ).toBe(true);
  });

  it('shows the scenario description and how long it takes, then starts with the chosen values', async () => {
    const started: SimulatorRunCreate[] = [];
    render(
      <RunStartForm
        chairs={chairs}
        scenarios={scenarios}
        onStart={(input) => {
          started.push(input);
          return Promise.resolve();
        }}
      />,
    );
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Chair'), 'c1');
    await user.selectOptions(screen.getByLabelText('Scenario'), 'typical-response');
    await user.clear(screen.getByLabelText('Speed (×)'));
    await user.type(screen.getByLabelText('Speed (×)'), '5');
    expect(
      screen.getByText(/blood pressure and heart rate climb.*At 5× the 75 minutes take 15 min\./),
    ).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Start run' }));
    expect(started).toEqual([{ chairId: 'c1', scenario: 'typical-response', speed: 5 }]);
  });

  it("shows the server's refusal (409) in words", async () => {
    const api = createTrainerApi({ baseUrl: server.url, getToken: () => 'tok' });
    render(
      <RunStartForm
        chairs={chairs}
        scenarios={scenarios}
        onStart={async (input) => {
          await api.startRun(input);
        }}
      />,
    );
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Chair'), 'c1');
    await user.selectOptions(screen.getByLabelText('Scenario'), 'vasovagal');
    await user.click(screen.getByRole('button', { name: 'Start run' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'chair "c1" already has a simulator run: stop it first',
    );
    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: '/api/v1/simulator/runs',
        authorization: 'Bearer tok',
        body: { chairId: 'c1', scenario: 'vasovagal', speed: 1 },
      },
    ]);
  });
});

describe('DebriefView', () => {
  const debrief: SimulatorDebrief = {
    run: {
      id: 'run-1',
      chairId: 'c1',
      scenario: 'vasovagal',
      scenarioTitle: 'Vasovagal bradycardia and hypotension',
      speed: 4,
      seed: 3,
      state: 'finished',
      startedAt: '2026-11-21T09:30:00.000Z',
      startedBy: 'tess',
      endsAt: '2026-11-21T09:48:45.000Z',
      endedAt: '2026-11-21T09:48:45.000Z',
      endedBy: null,
      samplesSent: 1100,
      samplesStored: 1100,
      samplesRefused: 0,
      events: [],
    },
    alarms: [
      {
        alertId: 'a1',
        parameter: 'hr',
        kind: 'physiological',
        priority: 'medium',
        message: 'HR 44 < 45',
        raisedAt: '2026-11-21T09:34:10.000Z',
        clearedAt: '2026-11-21T09:36:00.000Z',
        acknowledgedAt: '2026-11-21T09:34:18.000Z',
        acknowledgedBy: 'amy',
        timeToAcknowledgeMs: 8000,
      },
      {
        alertId: 'a2',
        parameter: 'sbp',
        kind: 'physiological',
        priority: 'high',
        message: 'SBP 78 < 80',
        raisedAt: '2026-11-21T09:34:40.000Z',
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        timeToAcknowledgeMs: null,
      },
    ],
    summary: { count: 2, acknowledged: 1, neverAcknowledged: 1, medianTimeToAcknowledgeMs: 8000 },
  };

  it('lists each alarm with who acknowledged it and how fast, the missed one highlighted, and a CSV', () => {
    render(<DebriefView debrief={debrief} chairLabel="Chair 1" />);
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent)
          .slice(1),
      ),
    ).toEqual([
      ['medium', 'HR 44 < 45', 'amy', expect.stringMatching(/^\d\d:34:18$/) as unknown, '8 s'],
      ['high', 'SBP 78 < 80', '', '', 'never acknowledged'],
    ]);
    expect(rows[1]?.className).toBe('debrief-unacknowledged');
    expect(rows[0]?.className).toBe('');
    expect(screen.getByTestId('debrief-count').textContent).toBe('2');
    expect(screen.getByText('Never acknowledged').nextElementSibling?.textContent).toBe('1');
    const link = screen.getByRole('link', { name: 'Download CSV' });
    expect(link.getAttribute('download')).toBe('debrief-chair-1-2026-11-21T0930.csv');
    const csv = decodeURIComponent(
      (link.getAttribute('href') ?? '').replace(/^data:text\/csv;charset=utf-8,/, ''),
    );
    expect(csv.split('\r\n')[2]).toContain('SBP 78 < 80,,,,yes,');
  });
});
