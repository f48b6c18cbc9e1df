import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AldreteRecord, Baseline } from '@chairside/core';
import type { LatestReadings } from '../../store/clinic';
import { AldreteForm } from './AldreteForm';

afterEach(cleanup);

const baseline: Baseline = { hr: 72, sbp: 124, dbp: 80, spo2: 98, rr: 14, samples: 5 };
const latest: LatestReadings = {
  sbp: { value: 130, at: '', atMs: 0 },
  spo2: { value: 97, at: '', atMs: 0 },
};

function renderForm(onDischarge: (score: AldreteRecord) => void = () => undefined) {
  render(
    <AldreteForm
      baseline={baseline}
      latest={latest}
      canDischarge
      busy={false}
      onDischarge={onDischarge}
    />,
  );
  return userEvent.setup();
}

const group = (name: RegExp) => screen.getByRole('group', { name });

describe('AldreteForm', () => {
  it('pre-fills circulation and SpO2 from the latest readings', () => {
    renderForm();
    expect(
      within(group(/^Circulation/)).getByRole('radio', { name: /BP within 20% of baseline/ }),
    ).toHaveProperty('checked', true);
    expect(screen.getByText('From SBP 130 against baseline 124 (+5%)')).toBeTruthy();
    expect(
      within(group(/^SpO2/)).getByRole('radio', { name: /above 92% on room air/ }),
    ).toHaveProperty('checked', true);
    expect(screen.getByTestId('aldrete-result').textContent).toContain(
      'Not ready: score Activity, Respiration, Consciousness first',
    );
    expect(screen.getByRole('button', { name: 'Discharge' })).toHaveProperty('disabled', true);
  });

  it('says ready at 9 and why not at 8, and discharges only when ready', async () => {
    const discharged: AldreteRecord[] = [];
    const user = renderForm((score) => {
      discharged.push(score);
    });
    await user.click(within(group(/^Activity/)).getByRole('radio', { name: /all four limbs/ }));
    await user.click(within(group(/^Respiration/)).getByRole('radio', { name: /deeply/ }));
    await user.click(
      within(group(/^Consciousness/)).getByRole('radio', { name: /Arousable on calling/ }),
    );
    expect(screen.getByTestId('aldrete-result').textContent).toBe(
      '✓ Ready for discharge: Aldrete 9/10',
    );

    await user.click(screen.getByRole('checkbox', { name: 'On supplemental oxygen' }));
    expect(screen.getByTestId('aldrete-result').textContent).toBe(
      '✕ Not ready: Aldrete 8/10, needs 9 (Consciousness 1, SpO2 1)',
    );
    await user.click(screen.getByRole('button', { name: 'Discharge' }));
    expect(discharged).toEqual([]);

    await user.click(within(group(/^Consciousness/)).getByRole('radio', { name: /Fully awake/ }));
    expect(screen.getByTestId('aldrete-result').textContent).toBe(
      '✓ Ready for discharge: Aldrete 9/10',
    );
    await user.click(screen.getByRole('button', { name: 'Discharge' }));
    // The score goes with the discharge, item by item, as it stood on screen.
    expect(discharged).toEqual([
      { activity: 2, respiration: 2, circulation: 2, consciousness: 2, spo2: 1, total: 9 },
    ]);
  });
});
