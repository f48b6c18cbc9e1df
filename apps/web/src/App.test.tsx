import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { App } from './App';
import { useAuth } from './store/auth';

afterEach(() => {
  cleanup();
  useAuth.getState().logout();
  window.history.replaceState(null, '', '/');
});

describe('App', () => {
  it('sends someone who is not signed in to the sign-in form', async () => {
    window.history.replaceState(null, '', '/chairs/c1');
    render(<App />);
    expect(await screen.findByLabelText('Username')).toBeTruthy();
    expect(window.location.pathname).toBe('/login');
  });
});
