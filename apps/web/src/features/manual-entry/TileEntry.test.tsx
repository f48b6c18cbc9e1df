import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useAuth } from '../../store/auth';
import { TileEntry } from './TileEntry';

beforeEach(() => {
  useAuth.getState().signIn('tok', { username: 'nurse', role: 'nurse' });
});
afterEach(() => {
  cleanup();
  useAuth.getState().logout();
});

describe('TileEntry', () => {
  it('opens the quick form with BP focused, closes on Escape and gives focus back', async () => {
    render(<TileEntry chairId="c1" chairLabel="Chair 1" />);
    const user = userEvent.setup();
    const opener = screen.getByRole('button', { name: 'Enter vitals for Chair 1' });
    opener.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog', { name: 'Manual reading · Chair 1' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText(/^BP/));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('keeps one form open at a time', async () => {
    render(
      <>
        <TileEntry chairId="c1" chairLabel="Chair 1" />
        <TileEntry chairId="c2" chairLabel="Chair 2" />
      </>,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Enter vitals for Chair 1' }));
    await user.click(screen.getByRole('button', { name: 'Enter vitals for Chair 2' }));
    expect(
      screen.getAllByRole('dialog').map((d) => d.getAttribute('aria-labelledby')),
    ).toHaveLength(1);
    expect(screen.getByRole('dialog', { name: 'Manual reading · Chair 2' })).toBeTruthy();
  });

  it('is not offered to a trainer', () => {
    useAuth.getState().signIn('tok', { username: 'trainer', role: 'trainer' });
    render(<TileEntry chairId="c1" chairLabel="Chair 1" />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});
