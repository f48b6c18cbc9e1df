import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { ScreenErrorBoundary } from './ScreenErrorBoundary';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function BrokenScreen(): never {
  throw new Error('Failed to fetch dynamically imported module');
}

describe('ScreenErrorBoundary', () => {
  it('replaces a screen that fails with a message and a way back', () => {
    // React reports the caught error on the console; keep the test output readable.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ScreenErrorBoundary>
        <BrokenScreen />
      </ScreenErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('This screen could not be shown');
    expect(screen.getByRole('link', { name: 'Back to all chairs' }).getAttribute('href')).toBe('/');
  });

  it('shows the screen when nothing fails', () => {
    render(
      <ScreenErrorBoundary>
        <p>Chair 1</p>
      </ScreenErrorBoundary>,
    );
    expect(screen.getByText('Chair 1')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
