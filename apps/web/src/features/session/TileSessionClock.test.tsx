import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { Session } from '@chairside/core';
import { spokenSessionClock, TileSessionClock } from './TileSessionClock';

afterEach(cleanup);

const NOW = Date.parse('2026-11-21T10:00:00.000Z');
const infusing: Session = {
  id: 's1',
  chairId: 'c1',
  patientRef: 'KET-1041',
  weightKg: 72,
  doseMgPerKg: 0.5,
  plannedMinutes: 40,
  state: 'infusing',
  events: [{ type: 'infusion-started', at: '2026-11-21T09:52:55.000Z', by: 'nurse' }],
  baseline: null,
  createdAt: '2026-11-21T09:40:00.000Z',
  createdBy: 'nurse',
};

describe('TileSessionClock', () => {
  it('counts the infusion and says when the 5-minute check is late, in words', () => {
    // Started 7:05 ago with no reading since: the check was due 2:05 ago.
    render(<TileSessionClock session={infusing} latest={{}} now={NOW} />);
    expect(screen.getByTestId('tile-timer').textContent).toBe('07:05 infused · 32:55 left');
    expect(screen.getByTestId('vitals-due').textContent).toBe('⚑ Vitals due now (02:05 late)');
    expect(spokenSessionClock(infusing, {}, NOW)).toBe(
      '07:05 infused · 32:55 left, Vitals due now (02:05 late)',
    );
  });

  it('restarts the check at the newest of HR, BP and SpO2 and the oldest decides', () => {
    const latest = {
      hr: { value: 80, at: '', atMs: NOW - 30_000 },
      sbp: { value: 120, at: '', atMs: NOW - 60_000 },
      spo2: { value: 97, at: '', atMs: NOW - 10_000 },
    };
    render(<TileSessionClock session={infusing} latest={latest} now={NOW} />);
    expect(screen.getByTestId('vitals-due').textContent).toBe('◷ Vitals due in 04:00');
  });

  it('counts the time in recovery after the stop', () => {
    const recovery: Session = {
      ...infusing,
      state: 'recovery',
      events: [
        ...infusing.events,
        { type: 'infusion-stopped', at: '2026-11-21T09:48:00.000Z', by: 'nurse' },
      ],
    };
    render(<TileSessionClock session={recovery} latest={{}} now={NOW} />);
    expect(screen.getByTestId('tile-recovery').textContent).toBe('In recovery 12:00');
    expect(spokenSessionClock(recovery, {}, NOW)).toBe('In recovery 12:00');
  });

  it('shows nothing outside an infusion', () => {
    const { container } = render(
      <TileSessionClock
        session={{ ...infusing, state: 'pre-infusion', events: [] }}
        latest={{}}
        now={NOW}
      />,
    );
    expect(container.textContent).toBe('');
    expect(spokenSessionClock(null, {}, NOW)).toBeUndefined();
  });
});
