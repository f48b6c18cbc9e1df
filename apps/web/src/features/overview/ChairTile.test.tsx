import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { Alert, Chair, Session, StoredSample } from '@chairside/core';
import { mergeSamples, updateLatest } from '../../store/clinic';
import type { ChairLive } from '../../store/clinic';
import { ChairTile } from './ChairTile';

afterEach(cleanup);

const NOW = Date.parse('2026-11-21T09:30:00.000Z');

function sample(id: string, secondsAgo: number, values: Partial<StoredSample>): StoredSample {
  const at = new Date(NOW - secondsAgo * 1000).toISOString();
  return {
    id,
    at,
    source: 'device',
    chairId: 'c3',
    sessionId: 'sess-1',
    receivedAt: at,
    enteredBy: null,
    ...values,
  };
}

const session: Session = {
  id: 'sess-1',
  chairId: 'c3',
  patientRef: 'P-1042',
  weightKg: 70,
  doseMgPerKg: 0.5,
  plannedMinutes: 40,
  state: 'infusing',
  events: [{ type: 'infusion-started', at: new Date(NOW - 724_000).toISOString(), by: 'nurse' }],
  baseline: null,
  createdAt: new Date(NOW - 900_000).toISOString(),
  createdBy: 'nurse',
};

function live(samples: StoredSample[], s: Session | null = session): ChairLive {
  const chair: Chair = { id: 'c3', label: 'Chair 3', session: s };
  return { chair, samples: mergeSamples([], samples), latest: updateLatest({}, samples) };
}

function renderTile(l: ChairLive, offline = false) {
  render(
    <MemoryRouter>
      <ChairTile live={l} now={NOW} offline={offline} />
    </MemoryRouter>,
  );
  return screen.getByTestId('chair-tile');
}

describe('ChairTile', () => {
  it('shows each latest value with its age, and links to the chair by its label', () => {
    const tile = renderTile(
      live([
        sample('a', 10, {
          hr: 80,
          sbp: 128,
          dbp: 80,
          spo2: 98,
          rr: 13,
          sedation: { scale: 'MOAA/S', score: 5 },
        }),
        sample('b', 4, { hr: 97, sbp: 132, dbp: 84, spo2: 97, rr: 14, etco2: 36 }),
      ]),
    );
    expect(tile.getAttribute('data-chair-id')).toBe('c3');
    expect(tile.getAttribute('href')).toBe('/chairs/c3');
    expect(screen.getByRole('link', { name: /Chair 3/ })).toBe(tile);
    expect(screen.getByTestId('value-hr').textContent).toBe('97');
    expect(screen.getByTestId('value-bp').textContent).toBe('132/84');
    expect(screen.getByTestId('value-spo2').textContent).toBe('97');
    expect(screen.getByTestId('value-rr').textContent).toBe('14');
    expect(screen.getByTestId('value-etco2').textContent).toBe('36');
    expect(screen.getByTestId('value-sedation').textContent).toBe('5');
    expect(screen.getByTestId('age-hr').textContent).toBe('4 s');
    expect(screen.getByTestId('age-sedation').textContent).toBe('10 s');
    expect(screen.getByTestId('patient-ref').textContent).toBe('P-1042');
    expect(screen.getByTestId('session-state').textContent).toContain('Infusing 12:04 of 40 min');
    expect(within(tile).queryByText('STALE')).toBeNull();
  });

  it('shows "--" for a parameter never measured and hides EtCO2 without capnography', () => {
    renderTile(live([sample('a', 2, { hr: 70 })], null));
    expect(screen.getByTestId('value-hr').textContent).toBe('70');
    expect(screen.getByTestId('value-bp').textContent).toBe('--');
    expect(screen.getByTestId('value-spo2').textContent).toBe('--');
    expect(screen.getByTestId('age-spo2').textContent).toBe('not measured');
    expect(screen.getByTestId('value-spo2').getAttribute('data-stale')).toBe('false');
    expect(screen.queryByTestId('value-etco2')).toBeNull();
    expect(screen.getByTestId('session-state').textContent).toContain('No session');
  });

  it('marks a value of 31 s as STALE in text, and keeps one of 29 s live', () => {
    renderTile(live([sample('old', 31, { sbp: 140, dbp: 90 }), sample('new', 29, { hr: 75 })]));
    const bp = screen.getByTestId('value-bp');
    expect(bp.getAttribute('data-stale')).toBe('true');
    const bpCell = bp.closest('.vital')!;
    expect(bpCell.className).toContain('is-stale');
    expect(within(bpCell as HTMLElement).getByText('STALE')).toBeTruthy();
    expect(screen.getByTestId('age-bp').textContent).toBe('31 s');

    const hr = screen.getByTestId('value-hr');
    expect(hr.getAttribute('data-stale')).toBe('false');
    expect(within(hr.closest('.vital') as HTMLElement).queryByText('STALE')).toBeNull();
    expect(screen.getAllByText('STALE')).toHaveLength(1);
  });

  it('moves its ages, STALE marks and timer on with the clock while the readings stay', () => {
    const l = live([sample('a', 10, { hr: 80, sbp: 128, dbp: 80 }), sample('b', 4, { hr: 97 })]);
    const at = (now: number) => (
      <MemoryRouter>
        <ChairTile live={l} now={now} offline={false} />
      </MemoryRouter>
    );
    const { rerender } = render(at(NOW));
    expect(screen.getByTestId('age-hr').textContent).toBe('4 s');
    expect(screen.getByTestId('age-bp').textContent).toBe('10 s');
    expect(screen.queryByText('STALE')).toBeNull();

    // 21 s later, the same data: BP is 31 s old now, HR 25 s.
    rerender(at(NOW + 21_000));
    expect(screen.getByTestId('value-hr').textContent).toBe('97');
    expect(screen.getByTestId('age-hr').textContent).toBe('25 s');
    expect(screen.getByTestId('age-bp').textContent).toBe('31 s');
    expect(screen.getByTestId('value-bp').getAttribute('data-stale')).toBe('true');
    expect(screen.getByTestId('value-hr').getAttribute('data-stale')).toBe('false');
    expect(screen.getAllByText('STALE')).toHaveLength(1);
    expect(screen.getByTestId('session-state').textContent).toContain('Infusing 12:25 of 40 min');
    expect(screen.getByTestId('chair-tile').getAttribute('aria-label')).toContain(
      'BP 128/80 mmHg, stale',
    );

    // A minute on, HR goes stale too; back to fresh readings, no STALE is left behind.
    rerender(at(NOW + 60_000));
    expect(screen.getByTestId('age-hr').textContent).toBe('1 min');
    expect(screen.getAllByText('STALE')).toHaveLength(2);
    rerender(at(NOW));
    expect(screen.queryByText('STALE')).toBeNull();
  });

  it('does not pair a diastolic with a systolic from another reading', () => {
    renderTile(live([sample('a', 20, { sbp: 120, dbp: 80 }), sample('b', 5, { sbp: 150 })]));
    expect(screen.getByTestId('value-bp').textContent).toBe('150/--');
  });

  it('says NOT LIVE and names it in the tile when the connection is lost', () => {
    const tile = renderTile(live([sample('a', 2, { hr: 70 })]), true);
    expect(tile.getAttribute('data-offline')).toBe('true');
    expect(within(tile).getByText('NOT LIVE')).toBeTruthy();
    expect(tile.getAttribute('aria-label')).toContain('connection lost');
  });

  it('writes RASS scores with their sign', () => {
    renderTile(live([sample('a', 2, { sedation: { scale: 'RASS', score: 2 } })]));
    expect(screen.getByTestId('value-sedation').textContent).toBe('+2');
    expect(
      screen.getByTestId('value-sedation').closest('.vital')!.querySelector('.vital-label')!
        .textContent,
    ).toContain('RASS');
  });

  it('keeps the same bands whatever the chair shows, so tiles never change size', () => {
    const bands = (tile: HTMLElement) =>
      [...tile.children].map((c) => c.className.split(' ')[0]).filter((c) => c !== '');
    const quiet = renderTile(live([], null));
    const quietBands = bands(quiet);
    // No alarm: the alarm band is there anyway, saying so.
    expect(within(quiet).getByText('No alarm')).toBeTruthy();
    cleanup();
    const busy = renderTile(
      live([sample('a', 40, { hr: 130, sbp: 150, dbp: 90, spo2: 95, rr: 14, etco2: 36 })]),
    );
    expect(bands(busy)).toEqual(quietBands);
    expect(quietBands).toEqual([
      'tile-head',
      'tile-alarm-slot',
      'tile-main',
      'tile-minor',
      'tile-clock-slot',
    ]);
    // HR, SpO2, BP and RR are the big numerals; the stale BP says so beside its age.
    expect(
      [...busy.querySelectorAll('.vital-main [data-testid^="value-"]')].map((e) =>
        e.getAttribute('data-testid'),
      ),
    ).toEqual(['value-hr', 'value-spo2', 'value-bp', 'value-rr']);
    const bpTop = busy.querySelector('.vital-bp .vital-top');
    expect(bpTop?.textContent).toBe('BP mmHg40 sSTALE');
  });

  it('calls the charge nurse to an escalated chair; others see the tile as before', () => {
    const escalated: Alert = {
      id: 'a1',
      chairId: 'c3',
      sessionId: 'sess-1',
      kind: 'physiological',
      parameter: 'spo2',
      priority: 'high',
      message: 'SpO2 86 < 90',
      value: 86,
      limit: 90,
      state: 'active',
      raisedAt: new Date(NOW - 90_000).toISOString(),
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalatedAt: new Date(NOW - 30_000).toISOString(),
    };
    const l = live([sample('a', 5, { spo2: 86 })]);
    render(
      <MemoryRouter>
        <ChairTile live={l} now={NOW} offline={false} alarms={[escalated]} escalationsToMe />
      </MemoryRouter>,
    );
    const tile = screen.getByTestId('chair-tile');
    expect(tile.getAttribute('data-escalated')).toBe('to-me');
    expect(within(tile).getByTestId('tile-escalated').textContent).toBe('▲ YOU');
    expect(tile.getAttribute('aria-label')).toMatch(
      /^Chair 3, escalated to you, High priority alarm: SpO2 86 < 90, /,
    );
    cleanup();
    render(
      <MemoryRouter>
        <ChairTile live={l} now={NOW} offline={false} alarms={[escalated]} />
      </MemoryRouter>,
    );
    const nurses = screen.getByTestId('chair-tile');
    expect(nurses.getAttribute('data-escalated')).toBeNull();
    expect(within(nurses).queryByTestId('tile-escalated')).toBeNull();
    expect(nurses.getAttribute('aria-label')).toMatch(
      /^Chair 3, High priority alarm: SpO2 86 < 90/,
    );
  });
});
