import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { useClinic } from '../../store/clinic';
import { useConnection } from '../../store/connection';
import { gridLayout, OverviewScreen } from './OverviewScreen';

afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  useConnection.getState().connecting(0);
});

function renderOverview() {
  render(
    <MemoryRouter>
      <OverviewScreen />
    </MemoryRouter>,
  );
}

describe('OverviewScreen', () => {
  it('shows one tile per chair, in the clinic order, updated as samples arrive', () => {
    useClinic.getState().setChairs([
      { id: 'c2', label: 'Chair 2', session: null },
      { id: 'c1', label: 'Chair 1', session: null },
    ]);
    useConnection.getState().live(0);
    renderOverview();

    const tiles = screen.getAllByTestId('chair-tile');
    expect(tiles.map((t) => t.getAttribute('data-chair-id'))).toEqual(['c2', 'c1']);
    expect(screen.getByRole('link', { name: /^Chair 1,/ })).toBe(tiles[1]);
    expect(tiles[1]!.querySelector('[data-testid="value-hr"]')!.textContent).toBe('--');

    act(() => {
      const at = new Date().toISOString();
      useClinic.getState().addSamples('c1', [
        {
          id: 'x',
          at,
          hr: 64,
          source: 'device',
          chairId: 'c1',
          sessionId: null,
          receivedAt: at,
          enteredBy: null,
        },
      ]);
    });
    expect(tiles[1]!.querySelector('[data-testid="value-hr"]')!.textContent).toBe('64');
    expect(tiles[0]!.querySelector('[data-testid="value-hr"]')!.textContent).toBe('--');
  });

  it('greys every tile out while the connection is lost', () => {
    useClinic.getState().setChairs([
      { id: 'c1', label: 'Chair 1', session: null },
      { id: 'c2', label: 'Chair 2', session: null },
    ]);
    useConnection.getState().live(0);
    renderOverview();
    expect(
      screen.getAllByTestId('chair-tile').every((t) => t.getAttribute('data-offline') === 'false'),
    ).toBe(true);

    act(() => {
      useConnection.getState().lost(1000);
    });
    const tiles = screen.getAllByTestId('chair-tile');
    expect(tiles.every((t) => t.getAttribute('data-offline') === 'true')).toBe(true);
    expect(screen.getAllByText('NOT LIVE')).toHaveLength(2);
  });

  it('chooses the tile size by the number of chairs: 8 share one 1080p screen, more scroll', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 48].map(gridLayout)).toEqual([
      'two',
      'two',
      'three',
      'four',
      'six',
      'six',
      'eight',
      'eight',
      'many',
      'many',
    ]);
  });
});
