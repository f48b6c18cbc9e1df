import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { Alert } from '@chairside/core';
import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';
import { OverviewScreen, TILE_HOLD_MS } from '../overview/OverviewScreen';

const T0 = Date.parse('2026-11-21T09:30:00.000Z');

function alert(id: string, over: Partial<Alert>): Alert {
  return {
    id,
    chairId: 'c1',
    sessionId: null,
    kind: 'physiological',
    parameter: 'spo2',
    priority: 'high',
    message: 'SpO2 86 < 90',
    value: 86,
    limit: 90,
    state: 'active',
    raisedAt: new Date(T0).toISOString(),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ...over,
  };
}

afterEach(() => {
  cleanup();
  localStorage.clear();
  useClinic.getState().clear();
  useConnection.getState().connecting(0);
});

const order = () => screen.getAllByTestId('chair-tile').map((t) => t.getAttribute('data-chair-id'));

describe('overview: alarms on tiles, attention first', () => {
  it('shows the alarm on its tile in words and shape, and says it to a screen reader', () => {
    useClinic.getState().setChairs([
      { id: 'c1', label: 'Chair 1', session: null },
      { id: 'c2', label: 'Chair 2', session: null },
    ]);
    useClinic.getState().recordAlert(alert('a', { chairId: 'c2' }));
    useClinic.getState().recordAlert(
      alert('b', {
        chairId: 'c2',
        kind: 'technical',
        parameter: 'feed',
        priority: 'medium',
        message: 'Feed silent',
      }),
    );
    render(
      <MemoryRouter>
        <OverviewScreen />
      </MemoryRouter>,
    );
    const tile = screen.getByRole('link', { name: /^Chair 2,/ });
    expect(tile.className).toContain('tile-alarm-high');
    expect(tile.className).toContain('is-unacknowledged');
    // The SpO2 number itself is framed as in alarm; the technical alarm frames no number.
    expect(tile.getAttribute('data-alarm-high')).toBe('spo2');
    expect(tile.getAttribute('data-alarm-medium')).toBeNull();
    expect(tile.getAttribute('aria-label')).toContain('High priority alarm: SpO2 86 < 90, 1 more');
    const strip = tile.querySelector('[data-testid="tile-alarm"]');
    expect(strip?.textContent).toBe('!!!SpO2 86 < 90+1 more');

    // A shared audio pause shows its countdown on the tile too.
    act(() => {
      const from = new Date().toISOString();
      const until = new Date(Date.now() + 90_500).toISOString();
      useClinic.getState().setAudioPause('c2', { chairId: 'c2', by: 'amy', from, until });
    });
    expect(
      screen
        .getByRole('link', { name: /^Chair 2,/ })
        .querySelector('[data-testid="tile-alarm-paused"]')?.textContent,
    ).toMatch(/^sound paused 01:(29|30|31)$/);
    expect(
      screen.getByRole('link', { name: /^Chair 1,/ }).querySelector('[data-testid="tile-alarm"]'),
    ).toBeNull();
  });

  it('moves a chair forward only when a new alarm is raised, not when one is acknowledged or clears', async () => {
    useClinic
      .getState()
      .setChairs(
        ['c1', 'c2', 'c3', 'c4'].map((id, i) => ({ id, label: `Chair ${i + 1}`, session: null })),
      );
    render(
      <MemoryRouter>
        <OverviewScreen />
      </MemoryRouter>,
    );
    expect(order()).toEqual(['c1', 'c2', 'c3', 'c4']);

    act(() => {
      useClinic.getState().recordAlert(alert('a', { chairId: 'c3' }));
    });
    expect(order()).toEqual(['c3', 'c1', 'c2', 'c4']);

    // Acknowledged, then cleared: the tile stays where the nurse's finger expects it.
    act(() => {
      useClinic
        .getState()
        .recordAlert(alert('a', { chairId: 'c3', state: 'acknowledged', acknowledgedBy: 'amy' }));
    });
    act(() => {
      useClinic
        .getState()
        .recordAlert(alert('a', { chairId: 'c3', state: 'cleared', acknowledgedBy: 'amy' }));
    });
    expect(order()).toEqual(['c3', 'c1', 'c2', 'c4']);

    // A new alarm re-sorts: only c4 has an open alarm now.
    act(() => {
      useClinic
        .getState()
        .recordAlert(alert('b', { chairId: 'c4', priority: 'medium', message: 'HR 125 > 120' }));
    });
    expect(order()).toEqual(['c4', 'c1', 'c2', 'c3']);

    // The toggle returns to the clinic's order, and remembers the choice.
    await userEvent.click(screen.getByRole('button', { name: 'Order: alarms first' }));
    expect(order()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(
      screen.getByRole('button', { name: 'Order: chair number' }).getAttribute('aria-pressed'),
    ).toBe('false');
    expect(localStorage.getItem('chairside-attention-first')).toBe('off');
  });

  it('holds the order still while the nurse is touching the tiles, then lets the new alarm lead', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      useClinic
        .getState()
        .setChairs(
          ['c1', 'c2', 'c3'].map((id, i) => ({ id, label: `Chair ${i + 1}`, session: null })),
        );
      render(
        <MemoryRouter>
          <OverviewScreen />
        </MemoryRouter>,
      );
      expect(order()).toEqual(['c1', 'c2', 'c3']);
      // Her finger lands on Chair 1 as Chair 3 raises an alarm: Chair 1 stays under it.
      fireEvent.pointerDown(screen.getByRole('link', { name: /^Chair 1,/ }));
      act(() => {
        useClinic.getState().recordAlert(alert('a', { chairId: 'c3' }));
      });
      expect(order()).toEqual(['c1', 'c2', 'c3']);
      act(() => {
        vi.advanceTimersByTime(TILE_HOLD_MS - 1000);
      });
      expect(order()).toEqual(['c1', 'c2', 'c3']);
      // Hands off for the hold time: the alarming chair moves to the front.
      act(() => {
        vi.advanceTimersByTime(2000);
      });
      expect(order()).toEqual(['c3', 'c1', 'c2']);
    } finally {
      vi.useRealTimers();
    }
  });
});
