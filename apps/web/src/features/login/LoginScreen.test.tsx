import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { User } from '@chairside/core';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import { LoginScreen } from './LoginScreen';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer((req) => {
    const body = req.body as { username?: string; password?: string } | undefined;
    if (
      req.method === 'POST' &&
      req.url === '/api/v1/auth/login' &&
      body?.password === 'chairside-demo-1'
    ) {
      return {
        status: 200,
        body: { token: 'tok-123', user: { username: body.username, role: 'nurse' } },
      };
    }
    return {
      status: 401,
      body: {
        error: { code: 'invalid_credentials', message: 'Unknown username or wrong password' },
      },
    };
  });
});

afterAll(async () => {
  await server.close();
});

afterEach(cleanup);

function renderLogin(onSignedIn: (token: string, user: User) => void) {
  const client = createApiClient({ baseUrl: server.url, getToken: () => null });
  render(
    <ApiProvider client={client}>
      <LoginScreen onSignedIn={onSignedIn} />
    </ApiProvider>,
  );
}

describe('LoginScreen', () => {
  it('puts the focus on the username field', () => {
    renderLogin(() => undefined);
    expect(document.activeElement).toBe(screen.getByLabelText('Username'));
  });

  it("shows the server's own message when it refuses, after Enter in the password field", async () => {
    const user = userEvent.setup();
    const signedIn: string[] = [];
    renderLogin((token) => signedIn.push(token));

    await user.type(screen.getByLabelText('Username'), 'nurse');
    await user.type(screen.getByLabelText('Password'), 'wrong-password{Enter}');

    const message = await screen.findByRole('alert');
    expect(message.textContent).toContain('Unknown username or wrong password');
    expect(signedIn).toEqual([]);
    expect(server.requests.at(-1)?.body).toEqual({ username: 'nurse', password: 'wrong-password' });
  });

  it('hands over the token and user on success', async () => {
    const user = userEvent.setup();
    const signedIn: { token: string; user: User }[] = [];
    renderLogin((token, u) => signedIn.push({ token, user: u }));

    await user.type(screen.getByLabelText('Username'), 'nurse');
    await user.type(screen.getByLabelText('Password'), 'chairside-demo-1');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('button', { name: 'Signing in…' });
    await expect
      .poll(() => signedIn)
      .toEqual([{ token: 'tok-123', user: { username: 'nurse', role: 'nurse' } }]);
  });
});
