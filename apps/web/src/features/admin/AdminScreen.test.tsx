import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { useAuth } from '../../store/auth';
import { useClinic } from '../../store/clinic';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer } from '../../test/localServer';
import AdminScreen, { PASSWORD_RULES } from './AdminScreen';

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer((req) => {
    if (req.method === 'GET' && req.url === '/api/v1/users') {
      return { status: 200, body: { users: [{ username: 'nurse', role: 'nurse' }] } };
    }
    if (req.method === 'POST' && req.url === '/api/v1/users') {
      const body = req.body as { username: string; role: string };
      return body.username === 'nurse'
        ? {
            status: 409,
            body: { error: { code: 'username_taken', message: 'username "nurse" is taken' } },
          }
        : { status: 201, body: { user: { username: body.username, role: body.role } } };
    }
    if (req.method === 'POST' && req.url === '/api/v1/chairs') {
      return {
        status: 201,
        body: { chair: { id: 'c9', label: (req.body as { label: string }).label } },
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
  useAuth.getState().signIn('tok', { username: 'admin', role: 'admin' });
});
afterEach(() => {
  cleanup();
  useClinic.getState().clear();
  useAuth.getState().logout();
});

function renderAdmin() {
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <AdminScreen />
    </ApiProvider>,
  );
  return userEvent.setup();
}

describe('AdminScreen', () => {
  it('lists accounts and adds one with the chosen role', async () => {
    const user = renderAdmin();
    expect(await screen.findByRole('rowheader', { name: 'nurse' })).toBeTruthy();
    expect(screen.getByText(PASSWORD_RULES)).toBeTruthy();
    await user.type(screen.getByLabelText('Username'), 'maria.k');
    await user.type(screen.getByLabelText('Password'), 'infusion-2026');
    await user.selectOptions(screen.getByLabelText('Role'), 'charge');
    await user.click(screen.getByRole('button', { name: 'Add account' }));
    expect(await screen.findByText('Added maria.k (Charge nurse)')).toBeTruthy();
    expect(server.requests.at(-1)!.body).toEqual({
      username: 'maria.k',
      password: 'infusion-2026',
      role: 'charge',
    });
    expect(screen.getByRole('rowheader', { name: 'maria.k' })).toBeTruthy();
  });

  it('shows password rules and a taken username by field', async () => {
    const user = renderAdmin();
    await screen.findByRole('rowheader', { name: 'nurse' });
    await user.type(screen.getByLabelText('Username'), 'nurse');
    await user.type(screen.getByLabelText('Password'), 'short1{Enter}');
    expect(screen.getByText('password must have at least 10 characters')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'long-enough-9{Enter}');
    expect(await screen.findByText('username "nurse" is taken')).toBeTruthy();
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');
  });

  it('adds a chair and lists it at once', async () => {
    const user = renderAdmin();
    await user.type(screen.getByLabelText('New chair label'), 'Chair 9{Enter}');
    expect(await screen.findByText('Added Chair 9')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Chairs' })).getByText('Chair 9')).toBeTruthy();
    expect(useClinic.getState().chairIds).toEqual(['c9']);
  });

  it('tells a nurse the screen is not hers, without any form', () => {
    useAuth.getState().signIn('tok', { username: 'nurse', role: 'nurse' });
    renderAdmin();
    expect(screen.getByText('Only an administrator can manage chairs and accounts.')).toBeTruthy();
    expect(screen.queryByRole('form')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
