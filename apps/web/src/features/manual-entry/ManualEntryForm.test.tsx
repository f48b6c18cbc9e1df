import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiProvider } from '../../api/ApiContext';
import { createApiClient } from '../../api/http';
import { formatClock } from '../../time/format';
import { startLocalServer } from '../../test/localServer';
import type { LocalServer, Route } from '../../test/localServer';
import { ManualEntryForm } from './ManualEntryForm';

const NOW = Date.parse('2026-11-21T09:31:05.000Z');
let server: LocalServer;
let answer: Route;

beforeAll(async () => {
  server = await startLocalServer((req) => answer(req));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  answer = () => ({ status: 201, body: { accepted: 1, duplicates: 0 } });
  server.requests.length = 0;
});
afterEach(cleanup);

function renderForm() {
  const api = createApiClient({ baseUrl: server.url, getToken: () => 'tok' });
  render(
    <ApiProvider client={api}>
      <ManualEntryForm chairId="c1" chairLabel="Chair 1" clock={() => NOW} autoFocus />
    </ApiProvider>,
  );
  return userEvent.setup();
}

describe('ManualEntryForm', () => {
  it('sends a manual reading on Enter and confirms with the time', async () => {
    const user = renderForm();
    // Keyboard only: the BP field has focus, Tab moves on, Enter submits.
    await user.keyboard('132/84{Tab}72{Tab}97{Tab}14{Enter}');

    expect(await screen.findByText(`Saved ${formatClock(NOW)}`)).toBeTruthy();
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/chairs/c1/vitals');
    expect(req.body).toMatchObject({
      at: NOW,
      sbp: 132,
      dbp: 84,
      hr: 72,
      spo2: 97,
      rr: 14,
      source: 'manual',
    });
    expect((req.body as { id: string }).id).toMatch(/^manual-[0-9a-f]{24}$/);
    // Ready for the next reading: emptied, focus back on BP.
    expect(screen.getByLabelText<HTMLInputElement>(/^BP/).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText(/^BP/));
  });

  it('sends the sedation score on the chosen scale', async () => {
    const user = renderForm();
    await user.selectOptions(screen.getByLabelText('Sedation scale'), 'RASS');
    const level = screen.getByLabelText('RASS level');
    expect(
      screen.getByRole('option', {
        name: '-2 · Light sedation: briefly awakens to voice (< 10 s)',
      }),
    ).toBeTruthy();
    await user.selectOptions(level, '-2');
    await user.click(screen.getByRole('button', { name: 'Save reading' }));
    await screen.findByText(/^Saved /);
    expect(server.requests[0]!.body).toMatchObject({ sedation: { scale: 'RASS', score: -2 } });
  });

  it('refuses impossible values next to their field, before sending', async () => {
    const user = renderForm();
    await user.keyboard('84/132{Tab}72{Tab}104{Enter}');

    const bp = screen.getByLabelText(/^BP/);
    const spo2 = screen.getByLabelText(/^SpO2/);
    expect(bp.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(bp.getAttribute('aria-describedby')!)!.textContent).toContain(
      'DBP 132 must be below SBP 84',
    );
    expect(document.getElementById(spo2.getAttribute('aria-describedby')!)!.textContent).toContain(
      'SpO2 104 is above the plausible maximum 100 %',
    );
    expect(screen.getByLabelText(/^HR/).getAttribute('aria-invalid')).toBe('false');
    expect(server.requests).toHaveLength(0);
    expect(screen.queryByText(/^Saved/)).toBeNull();
  });

  it('asks for a systolic/diastolic pair and for at least one reading', async () => {
    const user = renderForm();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('alert').textContent).toBe(
      'Enter at least one reading: BP, HR, SpO2, RR or sedation',
    );
    await user.keyboard('132{Enter}');
    expect(screen.getByText('BP as systolic/diastolic, e.g. 132/84')).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it("shows the server's refusal by field", async () => {
    answer = () => ({
      status: 400,
      body: {
        error: {
          code: 'invalid_sample',
          message: 'invalid sample',
          issues: [{ path: 'hr', message: 'HR 250 is not believed by this clinic' }],
        },
      },
    });
    const user = renderForm();
    await user.keyboard('{Tab}250{Enter}');
    await waitFor(() => {
      expect(screen.getByText('HR 250 is not believed by this clinic')).toBeTruthy();
    });
    expect(screen.getByLabelText(/^HR/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByText(/^Saved/)).toBeNull();
  });
});
