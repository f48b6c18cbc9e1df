import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import type { AuditEntry, Role } from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import { formatDateTime } from '../history/summary';
import AuditScreen from './AuditScreen';

const entry = (seq: number, over: Partial<AuditEntry>): AuditEntry => ({
  seq,
  at: new Date(Date.parse('2026-11-21T09:00:00.000Z') + seq * 60_000).toISOString(),
  actor: 'amy',
  action: 'auth.login',
  details: { role: 'nurse' },
  ...over,
});

const NEWEST: AuditEntry[] = [
  entry(9, {
    actor: 'amy',
    action: 'alert.acknowledged',
    details: {
      alertId: 'a1',
      chairId: 'c3',
      sessionId: 's1',
      priority: 'high',
      message: 'SpO2 86 < 90',
    },
  }),
  entry(8, {
    actor: 'bob',
    action: 'session.discharge-refused',
    details: {
      sessionId: 's2',
      chairId: 'c1',
      patientRef: 'KET-0007',
      state: 'recovery',
      aldrete: {
        activity: 1,
        respiration: 2,
        circulation: 1,
        consciousness: 1,
        spo2: 2,
        total: 7,
      },
      reason: 'modified Aldrete 7/10 is below 9',
    },
  }),
  entry(7, {
    actor: 'carla',
    action: 'alarm-rules.clinic.updated',
    details: {
      version: 2,
      old: { conditionDelayMs: 10_000, limits: { spo2: { low: { medium: 94 } } } },
      new: { conditionDelayMs: 10_000, limits: { spo2: { low: { medium: 93 } } } },
    },
  }),
];
const OLDER: AuditEntry[] = [
  entry(6, { actor: 'amy', action: 'auth.login', details: { role: 'nurse' } }),
  entry(5, { actor: 'zed', action: 'auth.login-failed', details: { knownUser: false } }),
];

/** The server's side of GET /audit: two pages, the second behind beforeSeq=7. */
let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((req) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/v1/audit') {
      if (url.searchParams.get('action') === 'bad.one') {
        return {
          status: 400,
          body: {
            error: {
              code: 'validation_failed',
              message: 'invalid audit query at from: from must not be after to',
              issues: [{ path: 'from', message: 'from must not be after to' }],
            },
          },
        };
      }
      const older = url.searchParams.get('beforeSeq') === '7';
      return {
        status: 200,
        body: older
          ? { entries: OLDER, nextBeforeSeq: null }
          : { entries: NEWEST, nextBeforeSeq: 7 },
      };
    }
    if (url.pathname === '/api/v1/sessions/s1') {
      return {
        status: 200,
        body: {
          session: {
            id: 's1',
            chairId: 'c3',
            patientRef: 'KET-0042',
            weightKg: 70,
            doseMgPerKg: 0.5,
            plannedMinutes: 40,
            state: 'infusing',
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
beforeEach(() => {
  server.requests.length = 0;
});
afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  useAuth.getState().logout();
});

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.search}</output>;
}

function renderAudit(entryUrl: string, role: Role = 'charge') {
  useAuth.getState().signIn('tok', { username: 'carla', role });
  useClinic.getState().setChairs([
    { id: 'c1', label: 'Chair 1', session: null },
    { id: 'c3', label: 'Chair 3', session: null },
  ]);
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <MemoryRouter initialEntries={[entryUrl]}>
        <Routes>
          <Route
            path="/audit"
            element={
              <>
                <AuditScreen />
                <Where />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </ApiProvider>,
  );
  return userEvent.setup();
}

const auditRequests = () =>
  server.requests.filter((r) => r.url.startsWith('/api/v1/audit')).map((r) => r.url);
const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);
const cellTexts = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent);

describe('AuditScreen', () => {
  it('shows who did what and when in clinic words, with the recorded details', async () => {
    renderAudit('/audit');
    const table = await screen.findByRole('table', { name: 'Audit trail, newest first' });
    expect(auditRequests()).toEqual(['/api/v1/audit?limit=100']);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Audit trail');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Time', 'Who', 'What', 'Details']);

    const rows = bodyRows(table);
    expect(rows).toHaveLength(3);
    const [ack, refused, limits] = rows.map(cellTexts);
    expect(ack?.slice(0, 3)).toEqual([
      formatDateTime(NEWEST[0]!.at),
      'amy',
      'Acknowledged a high-priority alarm on Chair 3: SpO2 86 < 90',
    ]);
    // The patient of that session is asked of the server; its report is one link away.
    await expect.poll(() => cellTexts(bodyRows(table)[0]!)[3]).toContain('Patient KET-0042');
    expect(
      within(bodyRows(table)[0]!).getByRole('link', { name: 'Session report of KET-0042' }),
    ).toBeTruthy();
    expect(within(rows[0]!).getByText('alert.acknowledged').tagName).toBe('CODE');
    expect(within(rows[0]!).getByText(formatDateTime(NEWEST[0]!.at)).getAttribute('datetime')).toBe(
      NEWEST[0]!.at,
    );

    expect(refused?.slice(1, 3)).toEqual(['bob', 'Discharge refused on Chair 1: Aldrete 7 < 9']);
    expect(
      within(rows[1]!)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'Patient KET-0007',
      'Aldrete 7/10 (Activity 1, Respiration 2, Circulation 1, Consciousness 1, SpO2 2)',
    ]);

    expect(limits?.slice(1, 3)).toEqual(['carla', 'Changed the clinic alarm limits']);
    expect(
      within(rows[2]!)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['SpO2 low, medium priority: 94 → 93', 'Version 2']);

    expect(screen.getByTestId('audit-status').textContent).toBe(
      `3 entries, newest first, back to ${formatDateTime(NEWEST[2]!.at)}. Older entries can be shown.`,
    );
  });

  it('shows older entries below on request and hands the focus to the first of them', async () => {
    const user = renderAudit('/audit?actor=amy');
    const table = await screen.findByRole('table', { name: 'Audit trail, newest first' });
    const older = screen.getByRole('button', { name: 'Show older entries' });
    older.focus();
    await user.keyboard('{Enter}');
    await expect.poll(() => bodyRows(table).length).toBe(5);
    expect(auditRequests()).toEqual([
      '/api/v1/audit?actor=amy&limit=100',
      '/api/v1/audit?actor=amy&limit=100&beforeSeq=7',
    ]);
    const rows = bodyRows(table);
    expect(rows.map((r) => cellTexts(r)[2])).toEqual([
      'Acknowledged a high-priority alarm on Chair 3: SpO2 86 < 90',
      'Discharge refused on Chair 1: Aldrete 7 < 9',
      'Changed the clinic alarm limits',
      'Signed in as nurse',
      'Sign-in refused: no account with this username',
    ]);
    await expect.poll(() => document.activeElement).toBe(rows[3]);
    // The last page: no button, and the status line says so.
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull();
    expect(screen.getByTestId('audit-status').textContent).toBe(
      `5 entries, newest first, back to ${formatDateTime(OLDER[1]!.at)}. No older entries match.`,
    );
  });

  it('asks with the filters from the URL and puts changed ones in the URL', async () => {
    const user = renderAudit('/audit?action=alert.acknowledged&chairId=c3');
    await screen.findByRole('table', { name: 'Audit trail, newest first' });
    expect(auditRequests()).toEqual([
      '/api/v1/audit?action=alert.acknowledged&chairId=c3&limit=100',
    ]);
    expect(screen.getByLabelText<HTMLSelectElement>('Action').value).toBe('alert.acknowledged');
    expect(screen.getByLabelText<HTMLSelectElement>('Chair').value).toBe('c3');
    const actionOptions = within(screen.getByLabelText('Action'))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(actionOptions).toContain('Discharge refused');
    expect(actionOptions).toContain('Clinic alarm limits changed');

    await user.selectOptions(screen.getByLabelText('Action'), 'session.discharge-refused');
    await expect
      .poll(() => screen.getByTestId('where').textContent)
      .toBe('?action=session.discharge-refused&chairId=c3');

    // "Who" is sent once typing pauses, as one exact username.
    await user.type(screen.getByLabelText('Who (username)'), 'bob');
    await expect
      .poll(() => screen.getByTestId('where').textContent)
      .toBe('?actor=bob&action=session.discharge-refused&chairId=c3');

    await user.type(screen.getByLabelText('From'), '2026-11-21T08:00');
    await user.type(screen.getByLabelText('Until'), '2026-11-21T10:30');
    await expect
      .poll(() => auditRequests().at(-1))
      .toBe(
        `/api/v1/audit?from=${encodeURIComponent(new Date('2026-11-21T08:00').toISOString())}&to=${encodeURIComponent(new Date(new Date('2026-11-21T10:30').getTime() + 59_999).toISOString())}&actor=bob&action=session.discharge-refused&chairId=c3&limit=100`,
      );
    // Typing never sent a partial username.
    expect(auditRequests().filter((u) => /actor=bo?(&|$)/.test(u))).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await expect.poll(() => screen.getByTestId('where').textContent).toBe('');
    expect(screen.getByLabelText<HTMLInputElement>('Who (username)').value).toBe('');
    await expect.poll(() => auditRequests().at(-1)).toBe('/api/v1/audit?limit=100');
    // The cleared name is not sent again once the typing pause has passed.
    const asked = auditRequests().length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(auditRequests()).toHaveLength(asked);
    expect(screen.getByTestId('where').textContent).toBe('');
  });

  it("shows the server's refusal", async () => {
    renderAudit('/audit?action=bad.one');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'invalid audit query at from: from must not be after to',
    );
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('is not for nurses or trainers: it says so and asks the server nothing', () => {
    for (const role of ['nurse', 'trainer'] as const) {
      renderAudit('/audit', role);
      expect(
        screen.getByText('The audit trail is for charge nurses and administrators.'),
      ).toBeTruthy();
      cleanup();
    }
    expect(auditRequests()).toEqual([]);
  });
});
