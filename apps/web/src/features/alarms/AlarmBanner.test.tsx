import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Alert, Role } from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import { AlarmBanner } from './AlarmBanner';

const T0 = Date.parse('2026-11-21T09:30:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function alert(id: string, over: Partial<Alert>): Alert {
  return {
    id,
    chairId: 'c1',
    sessionId: 's1',
    kind: 'physiological',
    parameter: 'spo2',
    priority: 'high',
    message: 'SpO2 86 < 90',
    value: 86,
    limit: 90,
    state: 'active',
    raisedAt: at(0),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalatedAt: null,
    ...over,
  };
}

let server: LocalServer;
let refuseAcknowledge = false;

beforeAll(async () => {
  server = await startLocalServer((req) => {
    const ack = /^\/api\/v1\/alerts\/([^/]+)\/acknowledge$/.exec(req.url);
    if (req.method === 'POST' && ack !== null) {
      if (refuseAcknowledge) {
        return {
          status: 403,
          body: { error: { code: 'forbidden', message: 'Your role may not acknowledge alarms.' } },
        };
      }
      const held = useClinic.getState().alerts[ack[1] ?? ''];
      return {
        status: 200,
        body: {
          alert: {
            ...held,
            state: 'acknowledged',
            acknowledgedBy: 'amy',
            acknowledgedAt: at(20),
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
  refuseAcknowledge = false;
});

function renderBanner(role: Role, now = T0 + 32_000) {
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  useClinic.getState().setChairs([
    { id: 'c1', label: 'Chair 1', session: null },
    { id: 'c2', label: 'Chair 2', session: null },
    { id: 'c3', label: 'Chair 3', session: null },
  ]);
  return render(
    <ApiProvider client={api}>
      <AlarmBanner now={now} role={role} />
    </ApiProvider>,
  );
}

describe('AlarmBanner', () => {
  it('lists open alarms by priority, then the longest waiting, with chair, message and age', () => {
    const clinic = useClinic.getState();
    clinic.recordAlert(
      alert('m', { chairId: 'c2', priority: 'medium', message: 'HR 125 > 120', raisedAt: at(2) }),
    );
    clinic.recordAlert(
      alert('h-new', { chairId: 'c3', message: 'SBP 185 >= 180', raisedAt: at(30) }),
    );
    clinic.recordAlert(alert('h-old', { chairId: 'c1', raisedAt: at(10) }));
    clinic.recordAlert(alert('gone', { chairId: 'c1', state: 'cleared', message: 'RR 7 < 8' }));
    renderBanner('nurse');

    const rows = screen.getAllByTestId('alarm-row');
    expect(rows.map((r) => r.getAttribute('data-alert-id'))).toEqual(['h-old', 'h-new', 'm']);
    expect(rows[0]!.textContent).toContain('!!!');
    expect(rows[0]!.textContent).toContain('Chair 1');
    expect(rows[0]!.textContent).toContain('SpO2 86 < 90');
    expect(rows[0]!.textContent).toContain('for 22 s');
    expect(rows[0]!.textContent).toContain('High priority alarm');
    expect(rows[2]!.textContent).toContain('!!');
    expect(rows[2]!.textContent).toContain('HR 125 > 120');
    expect(screen.queryByText('RR 7 < 8')).toBeNull();
    expect(screen.getByRole('heading').textContent).toBe('Alarms: 3 open, 3 not acknowledged');
    // Screen readers hear the newest alarm at once.
    expect(screen.getByTestId('alarm-announcement').textContent).toBe(
      'High priority alarm: Chair 3, SBP 185 >= 180',
    );
  });

  it('acknowledges through the server and shows who acknowledged, for everyone', async () => {
    useClinic.getState().recordAlert(alert('a1', {}));
    renderBanner('nurse');
    const row = screen.getByTestId('alarm-row');
    expect(within(row).getByTestId('alarm-ack').textContent).toBe('not acknowledged');

    await userEvent.click(
      within(row).getByRole('button', { name: 'Acknowledge Chair 1: SpO2 86 < 90' }),
    );

    await expect
      .poll(() => screen.getByTestId('alarm-ack').textContent)
      .toBe('acknowledged by amy 12 s ago');
    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.authorization ?? ''}`)).toEqual([
      'POST /api/v1/alerts/a1/acknowledge Bearer tok',
    ]);
    // Acknowledged: no second Acknowledge button, and it stops flashing.
    expect(screen.queryByRole('button', { name: /^Acknowledge/ })).toBeNull();
    expect(screen.getByTestId('alarm-row').className).toContain('is-acknowledged');
  });

  it('shows the server refusal in words when acknowledging fails', async () => {
    refuseAcknowledge = true;
    useClinic.getState().recordAlert(alert('a1', {}));
    renderBanner('charge');
    await userEvent.click(screen.getByRole('button', { name: /^Acknowledge/ }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Your role may not acknowledge alarms.',
    );
    expect(useClinic.getState().alerts.a1?.state).toBe('active');
  });

  it('gives a trainer no Acknowledge or pause button', () => {
    useClinic.getState().recordAlert(alert('a1', {}));
    renderBanner('trainer');
    expect(screen.getByTestId('alarm-row').textContent).toContain('SpO2 86 < 90');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('highlights an escalated alarm and shows a shared audio pause with who and how long', () => {
    useClinic.getState().recordAlert(alert('a1', { escalatedAt: at(60) }));
    useClinic
      .getState()
      .setAudioPause('c1', { chairId: 'c1', by: 'bob', from: at(0), until: at(120) });
    renderBanner('charge', T0 + 75_000);
    const row = screen.getByTestId('alarm-row');
    expect(row.className).toContain('is-escalated');
    expect(within(row).getByTestId('alarm-escalated').textContent).toBe('▲ ESCALATED TO YOU');
    expect(within(row).getByTestId('alarm-paused').textContent).toBe(
      'Sound paused by bob, 00:45 left',
    );
    expect(within(row).queryByRole('button', { name: /^Pause alarm sound/ })).toBeNull();
    expect(screen.getByRole('heading').textContent).toBe(
      'Alarms: 1 open, 1 not acknowledged, 1 escalated to you: respond now',
    );
  });

  describe('an escalated alarm, by role', () => {
    function escalatedAndFresh() {
      const clinic = useClinic.getState();
      // Escalated after 60 s unacknowledged; a newer alarm was raised on another chair since.
      clinic.recordAlert(alert('esc', { chairId: 'c1', raisedAt: at(0), escalatedAt: at(60) }));
      clinic.recordAlert(
        alert('new', {
          chairId: 'c2',
          priority: 'medium',
          raisedAt: at(30),
          message: 'HR 125 > 120',
        }),
      );
    }

    it.each(['charge', 'admin'] as const)(
      'calls the %s to act: marker first in the row, outline, heading and announcement',
      (role) => {
        escalatedAndFresh();
        renderBanner(role, T0 + 75_000);
        const row = screen
          .getAllByTestId('alarm-row')
          .find((r) => r.getAttribute('data-alert-id') === 'esc')!;
        expect(row.getAttribute('data-escalation')).toBe('to-me');
        expect(row.className).toContain('is-escalated');
        const mark = within(row).getByTestId('alarm-escalated');
        expect(mark.textContent).toBe('▲ ESCALATED TO YOU');
        // Read before the chair and the message.
        expect(row.textContent.indexOf('ESCALATED TO YOU')).toBeLessThan(
          row.textContent.indexOf('Chair 1'),
        );
        expect(screen.getByTestId('escalated-to-me').textContent).toBe(
          '1 escalated to you: respond now',
        );
        expect(screen.getByTestId('alarm-announcement').textContent).toBe(
          'Escalated to you, High priority alarm: Chair 1, SpO2 86 < 90',
        );
        // The other alarm is not marked.
        const other = screen
          .getAllByTestId('alarm-row')
          .find((r) => r.getAttribute('data-alert-id') === 'new')!;
        expect(other.getAttribute('data-escalation')).toBeNull();
      },
    );

    it.each(['nurse', 'trainer'] as const)(
      'shows the %s only a quiet note that it went to the charge nurse',
      (role) => {
        escalatedAndFresh();
        renderBanner(role, T0 + 75_000);
        const row = screen
          .getAllByTestId('alarm-row')
          .find((r) => r.getAttribute('data-alert-id') === 'esc')!;
        expect(row.getAttribute('data-escalation')).toBe('note');
        expect(row.className.split(/\s+/)).not.toContain('is-escalated');
        expect(within(row).getByTestId('alarm-escalated').textContent).toBe(
          'escalated to charge nurse',
        );
        expect(row.textContent).not.toContain('TO YOU');
        expect(screen.queryByTestId('escalated-to-me')).toBeNull();
        expect(screen.getByRole('heading').textContent).toBe(
          'Alarms: 2 open, 2 not acknowledged, 1 escalated to the charge nurse',
        );
        // Her news is the newest raised alarm, not the escalation.
        expect(screen.getByTestId('alarm-announcement').textContent).toBe(
          'Medium priority alarm: Chair 2, HR 125 > 120',
        );
      },
    );

    it('drops the call to act once the alarm is acknowledged', () => {
      useClinic.getState().recordAlert(
        alert('esc', {
          escalatedAt: at(60),
          state: 'acknowledged',
          acknowledgedBy: 'amy',
          acknowledgedAt: at(70),
        }),
      );
      renderBanner('charge', T0 + 75_000);
      expect(screen.getByTestId('alarm-row').getAttribute('data-escalation')).toBeNull();
      expect(screen.queryByTestId('alarm-escalated')).toBeNull();
    });
  });

  it('says so when no alarm is open', () => {
    renderBanner('nurse');
    expect(screen.getByTestId('alarm-banner').textContent).toBe('No active alarms');
    expect(screen.getByTestId('alarm-announcement').getAttribute('aria-live')).toBe('assertive');
  });
});
