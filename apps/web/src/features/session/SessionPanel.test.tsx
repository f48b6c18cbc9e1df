import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { nextSessionState } from '@chairside/core';
import type {
  AldreteRecord,
  Chair,
  Session,
  SessionEventType,
  SessionState,
} from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import type { LatestReadings } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer, Route } from '../../test/localServer';
import { SessionPanel } from './SessionPanel';

const NOW = Date.parse('2026-11-21T10:00:00.000Z');
let server: LocalServer;
let answer: Route;

function session(state: SessionState, extra: Partial<Session> = {}): Session {
  return {
    id: 's1',
    chairId: 'c1',
    patientRef: 'KET-1041',
    weightKg: 72,
    doseMgPerKg: 0.5,
    plannedMinutes: 40,
    state,
    events: [],
    baseline: null,
    createdAt: '2026-11-21T09:30:00.000Z',
    createdBy: 'nurse',
    ...extra,
  };
}

/** A session server in miniature: applies the state machine to whatever event is posted. */
function sessionServer(current: Session): Route {
  return (req) => {
    if (req.method === 'POST' && req.url === '/api/v1/sessions/s1/events') {
      const { type, aldrete } = req.body as { type: SessionEventType; aldrete?: AldreteRecord };
      const next = nextSessionState(current.state, type);
      if (next === null) {
        return {
          status: 409,
          body: { error: { code: 'invalid_transition', message: `cannot ${type}` } },
        };
      }
      current = {
        ...current,
        state: next,
        events: [
          ...current.events,
          {
            type,
            at: new Date(NOW).toISOString(),
            by: 'nurse',
            ...(aldrete === undefined ? {} : { aldrete }),
          },
        ],
      };
      return { status: 200, body: { session: current } };
    }
    if (req.method === 'POST' && req.url === '/api/v1/chairs/c1/sessions') {
      return {
        status: 201,
        body: { session: session('pre-infusion', req.body as Partial<Session>) },
      };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'no such route' } } };
  };
}

beforeAll(async () => {
  server = await startLocalServer((req) => answer(req));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  useAuth.getState().signIn('tok', { username: 'nurse', role: 'nurse' });
});
afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  useAuth.getState().logout();
});

/** Renders the panel from the store, as the detail screen does, so server answers show up. */
function Connected({ latest }: { latest: LatestReadings }) {
  const chair = useClinic((s) => s.chairs.c1?.chair);
  if (chair === undefined) return null;
  return <SessionPanel chair={chair} samples={[]} latest={latest} now={NOW} />;
}

function renderPanel(s: Session | null, latest: LatestReadings = {}) {
  const chair: Chair = { id: 'c1', label: 'Chair 1', session: s };
  useClinic.getState().setChairs([chair]);
  answer = sessionServer(s ?? session('pre-infusion'));
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <Connected latest={latest} />
    </ApiProvider>,
  );
  return userEvent.setup();
}

const actionNames = () =>
  screen.queryByRole('group', { name: 'Session actions' }) === null
    ? []
    : within(screen.getByRole('group', { name: 'Session actions' }))
        .getAllByRole('button')
        .map((b) => b.textContent);

describe('SessionPanel', () => {
  it('offers exactly the actions each state allows', () => {
    renderPanel(session('pre-infusion'));
    expect(actionNames()).toEqual(['Start infusion', 'End session without infusion']);
    cleanup();
    const started = {
      type: 'infusion-started' as const,
      at: '2026-11-21T09:40:00.000Z',
      by: 'nurse',
    };
    renderPanel(session('infusing', { events: [started] }));
    expect(actionNames()).toEqual(['Pause infusion', 'Stop infusion (to recovery)']);
    cleanup();
    renderPanel(
      session('paused', {
        events: [started, { ...started, type: 'infusion-paused', at: '2026-11-21T09:50:00.000Z' }],
      }),
    );
    expect(actionNames()).toEqual(['Resume infusion', 'Stop infusion (to recovery)']);
    cleanup();
    renderPanel(session('recovery'));
    // Discharge from recovery goes through the Aldrete score, not a bare button.
    expect(actionNames()).toEqual([]);
    expect(screen.getByRole('button', { name: 'Discharge' })).toBeTruthy();
  });

  it('shows the infusion timer without pauses, and what is left of the plan', () => {
    renderPanel(
      session('infusing', {
        events: [
          { type: 'infusion-started', at: '2026-11-21T09:30:00.000Z', by: 'nurse' },
          { type: 'infusion-paused', at: '2026-11-21T09:40:00.000Z', by: 'nurse' },
          { type: 'infusion-resumed', at: '2026-11-21T09:45:00.000Z', by: 'nurse' },
        ],
      }),
      // HR and SpO2 at 09:58, BP at 09:57: BP is the oldest, due at 10:02.
      {
        hr: { value: 80, at: '', atMs: NOW - 120_000 },
        spo2: { value: 97, at: '', atMs: NOW - 120_000 },
        sbp: { value: 130, at: '', atMs: NOW - 180_000 },
      },
    );
    // 10 min before the pause + 15 min since the resume = 25 min of 40.
    expect(screen.getByTestId('infusion-timer').textContent).toBe('25:00 infused · 15:00 left');
    expect(screen.getByTestId('vitals-due').textContent).toBe('Vitals due in 02:00');
  });

  it('moves the session through start, pause, resume and stop against the server', async () => {
    const user = renderPanel(session('pre-infusion'));
    expect(screen.getByTestId('pre-infusion-step').textContent).toContain('Take baseline readings');
    await user.click(screen.getByRole('button', { name: 'Start infusion' }));
    await screen.findByRole('button', { name: 'Pause infusion' });
    expect(server.requests.at(-1)!.body).toEqual({ type: 'infusion-started' });
    await user.click(screen.getByRole('button', { name: 'Pause infusion' }));
    await user.click(await screen.findByRole('button', { name: 'Resume infusion' }));
    await user.click(await screen.findByRole('button', { name: 'Stop infusion (to recovery)' }));
    // Stopping asks once more; the safe answer has the focus.
    expect(screen.getByText(/Stop the infusion for good\?/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'No, go back' }));
    await user.keyboard('{Enter}');
    expect(server.requests).toHaveLength(3);
    // Going back puts the focus on the button that asked; Escape goes back too.
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Stop infusion (to recovery)' }),
    );
    await user.keyboard('{Enter}');
    expect(screen.getByText(/Stop the infusion for good\?/)).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByText(/Stop the infusion for good\?/)).toBeNull();
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Stop infusion (to recovery)' }),
    );
    expect(server.requests).toHaveLength(3);
    await user.click(screen.getByRole('button', { name: 'Stop infusion (to recovery)' }));
    await user.click(screen.getByRole('button', { name: 'Yes, stop infusion (to recovery)' }));
    await screen.findByRole('heading', { name: 'Discharge: modified Aldrete score' });
    expect(server.requests.map((r) => (r.body as { type: string }).type)).toEqual([
      'infusion-started',
      'infusion-paused',
      'infusion-resumed',
      'infusion-stopped',
    ]);
    expect(
      within(screen.getByRole('list', { name: 'Session events' })).getAllByRole('listitem'),
    ).toHaveLength(4);
  });

  it("shows the server's refusal of an impossible transition", async () => {
    const user = renderPanel(session('pre-infusion'));
    answer = () => ({
      status: 409,
      body: { error: { code: 'invalid_transition', message: 'the session is already infusing' } },
    });
    await user.click(screen.getByRole('button', { name: 'Start infusion' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'the session is already infusing',
    );
  });

  it('counts the time in recovery from the stop', () => {
    renderPanel(
      session('recovery', {
        events: [
          { type: 'infusion-started', at: '2026-11-21T09:15:00.000Z', by: 'nurse' },
          { type: 'infusion-stopped', at: '2026-11-21T09:55:00.000Z', by: 'nurse' },
        ],
      }),
    );
    expect(screen.getByTestId('recovery-time').textContent).toMatch(/^05:00 since \d\d:55:00$/);
    expect(screen.getByTestId('infusion-timer').textContent).toBe('40:00 infused of 40 min');
  });

  it('sends the nurse from the baseline step to the reading form', async () => {
    const chair: Chair = { id: 'c1', label: 'Chair 1', session: session('pre-infusion') };
    useClinic.getState().setChairs([chair]);
    render(
      <>
        <SessionPanel chair={chair} samples={[]} latest={{}} now={NOW} entryFieldId="entry-bp" />
        <input id="entry-bp" aria-label="BP" />
      </>,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Enter a baseline reading' }));
    expect(document.activeElement).toBe(screen.getByLabelText('BP'));
  });

  it('keeps a later state the live link already brought over an older answer', async () => {
    const started = {
      type: 'infusion-started' as const,
      at: '2026-11-21T09:40:00.000Z',
      by: 'nurse',
    };
    const paused = { ...started, type: 'infusion-paused' as const };
    const user = renderPanel(session('infusing', { events: [started] }));
    answer = () => {
      // While the answer to "pause" travels, the live link brings pause and stop by a colleague.
      useClinic.getState().upsertChair({
        id: 'c1',
        label: 'Chair 1',
        session: session('recovery', {
          events: [started, paused, { ...started, type: 'infusion-stopped' }],
        }),
      });
      return { status: 200, body: { session: session('paused', { events: [started, paused] }) } };
    };
    await user.click(screen.getByRole('button', { name: 'Pause infusion' }));
    await screen.findByRole('heading', { name: 'Discharge: modified Aldrete score' });
    // Give the HTTP answer time to land: it must not take the screen back to "paused".
    await new Promise((r) => setTimeout(r, 100));
    expect(useClinic.getState().chairs.c1?.chair.session?.state).toBe('recovery');
    expect(screen.queryByRole('button', { name: 'Resume infusion' })).toBeNull();
  });

  it('gives a trainer no session actions', () => {
    useAuth.getState().signIn('tok', { username: 'trainer', role: 'trainer' });
    renderPanel(session('pre-infusion'));
    expect(actionNames()).toEqual([]);
  });
});

describe('SessionStartForm (in the panel of a chair without a session)', () => {
  it('shows total mg and mg/min while typing and sends the session', async () => {
    const user = renderPanel(null);
    await user.type(screen.getByLabelText(/Patient reference/), 'KET-2001');
    await user.type(screen.getByLabelText(/^Weight/), '72');
    await user.clear(screen.getByLabelText(/^Dose/));
    await user.type(screen.getByLabelText(/^Dose/), '0.5');
    expect(screen.getByTestId('dose-summary').textContent).toBe(
      'Total 36 mg · 0.9 mg/min over 40 min',
    );
    await user.clear(screen.getByLabelText(/^Planned duration/));
    await user.type(screen.getByLabelText(/^Planned duration/), '60{Enter}');
    await screen.findByRole('button', { name: 'Start infusion' });
    expect(server.requests.at(-1)!.body).toEqual({
      patientRef: 'KET-2001',
      weightKg: 72,
      doseMgPerKg: 0.5,
      plannedMinutes: 60,
    });
  });

  it('refuses what the schema refuses, by field, before sending', async () => {
    const user = renderPanel(null);
    await user.type(screen.getByLabelText(/^Weight/), '160{Enter}');
    expect(screen.getByText('Patient reference is required')).toBeTruthy();
    expect(server.requests).toHaveLength(0);
    await user.clear(screen.getByLabelText(/^Weight/));
    await user.type(screen.getByLabelText(/^Weight/), '300{Enter}');
    expect(screen.getByText('weightKg above 250 kg: check the unit (kg)')).toBeTruthy();
    expect(screen.getByLabelText(/^Weight/).getAttribute('aria-invalid')).toBe('true');
  });

  it("shows the server's 409 when the chair already has a session", async () => {
    const user = renderPanel(null);
    answer = () => ({
      status: 409,
      body: { error: { code: 'session_open', message: 'Chair 1 already has an open session' } },
    });
    await user.type(screen.getByLabelText(/Patient reference/), 'KET-2001');
    await user.type(screen.getByLabelText(/^Weight/), '72{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Chair 1 already has an open session',
    );
  });

  it('sends the Aldrete score with the discharge and shows the recorded score afterwards', async () => {
    const stopped = {
      type: 'infusion-stopped' as const,
      at: '2026-11-21T09:30:00.000Z',
      by: 'amy',
    };
    const user = renderPanel(
      session('recovery', {
        events: [{ ...stopped, type: 'infusion-started', at: '2026-11-21T08:50:00.000Z' }, stopped],
        baseline: { hr: 72, sbp: 124, dbp: 80, spo2: 98, rr: 14, samples: 4 },
      }),
      {
        sbp: { value: 150, at: '', atMs: NOW - 60_000 },
        spo2: { value: 97, at: '', atMs: NOW - 60_000 },
      },
    );
    const group = (name: RegExp) => screen.getByRole('group', { name });
    await user.click(within(group(/^Activity/)).getByRole('radio', { name: /all four limbs/ }));
    await user.click(within(group(/^Respiration/)).getByRole('radio', { name: /deeply/ }));
    await user.click(within(group(/^Consciousness/)).getByRole('radio', { name: /Fully awake/ }));
    // SBP 150 against 124 is +21%: circulation 1, total 9.
    expect(screen.getByTestId('aldrete-result').textContent).toBe(
      '✓ Ready for discharge: Aldrete 9/10',
    );
    await user.click(screen.getByRole('button', { name: 'Discharge' }));

    const score = {
      activity: 2,
      respiration: 2,
      circulation: 1,
      consciousness: 2,
      spo2: 2,
      total: 9,
    };
    await expect
      .poll(() => server.requests.map((r) => r.body))
      .toEqual([{ type: 'discharged', aldrete: score }]);
    const note = await screen.findByTestId('last-discharge');
    expect(note.textContent).toMatch(
      /^Last session KET-1041 was discharged at \d\d:\d\d:00 by nurse on Aldrete 9\/10 \(Activity 2, Respiration 2, Circulation 1, Consciousness 2, SpO2 2\)\.$/,
    );
    // The live link then says the chair is free: the recorded score stays in view.
    useClinic.getState().upsertChair({ id: 'c1', label: 'Chair 1', session: null });
    await expect
      .poll(() => screen.getByTestId('last-discharge').textContent)
      .toContain('Aldrete 9/10 (Activity 2, Respiration 2, Circulation 1');
  });
});
