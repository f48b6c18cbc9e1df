import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { Role } from '@chairside/core';
import { NavLinks } from './NavLinks';

afterEach(() => {
  cleanup();
});

function linksOf(role: Role): string[] {
  render(
    <MemoryRouter>
      <NavLinks role={role} />
    </MemoryRouter>,
  );
  const nav = screen.getByRole('navigation', { name: 'Screens' });
  const names = within(nav)
    .getAllByRole('link')
    .map((a) => a.textContent);
  cleanup();
  return names;
}

describe('NavLinks', () => {
  it('shows each role the screens it may use: the audit trail to charge nurses and admins only', () => {
    expect(linksOf('nurse')).toEqual(['Chairs', 'Alarm history']);
    expect(linksOf('trainer')).toEqual(['Chairs', 'Alarm history', 'Trainer']);
    expect(linksOf('charge')).toEqual(['Chairs', 'Alarm history', 'Audit trail']);
    expect(linksOf('admin')).toEqual([
      'Chairs',
      'Alarm history',
      'Audit trail',
      'Trainer',
      'Admin',
    ]);
  });

  it('links the audit trail to /audit', () => {
    render(
      <MemoryRouter>
        <NavLinks role="charge" />
      </MemoryRouter>,
    );
    expect(screen.getByRole('link', { name: 'Audit trail' }).getAttribute('href')).toBe('/audit');
  });
});
