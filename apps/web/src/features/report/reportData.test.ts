import { describe, expect, it } from 'vitest';
import type { Session, StoredSample } from '@chairside/core';
import { reportRows, reportTicks, sessionSpan } from './reportData';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

function sample(s: number, values: Partial<StoredSample>): StoredSample {
  const at = new Date(T0 + s * 1000).toISOString();
  return {
    id: `x${s}`,
    at,
    source: 'device',
    chairId: 'c1',
    sessionId: 's1',
    receivedAt: at,
    enteredBy: null,
    ...values,
  };
}

describe('reportRows', () => {
  it('thins a dense series but keeps a short dip and every sparse manual reading', () => {
    const samples: StoredSample[] = [];
    for (let s = 0; s < 3600; s++) samples.push(sample(s, { spo2: s === 1800 ? 84 : 97 }));
    samples.push(sample(600, { sbp: 150, dbp: 90, source: 'manual' }));
    samples.push(sample(1200, { sbp: 140, dbp: 85, source: 'manual' }));
    samples.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

    const rows = reportRows(samples, 200);
    const spo2 = rows.filter((r) => r.spo2 !== undefined);
    expect(spo2.length).toBe(200);
    expect(Math.min(...spo2.map((r) => r.spo2 as number))).toBe(84);
    expect(rows.filter((r) => r.sbp !== undefined).map((r) => [r.t - T0, r.sbp, r.dbp])).toEqual([
      [600_000, 150, 90],
      [1_200_000, 140, 85],
    ]);
    // Ascending by time, one row per instant.
    expect(rows.every((r, i) => i === 0 || r.t > (rows[i - 1] as { t: number }).t)).toBe(true);
  });
});

describe('sessionSpan', () => {
  const session: Session = {
    id: 's1',
    chairId: 'c1',
    patientRef: 'P-1',
    weightKg: 70,
    doseMgPerKg: 0.5,
    plannedMinutes: 40,
    state: 'discharged',
    events: [
      { type: 'infusion-started', at: new Date(T0 + 300_000).toISOString(), by: 'amy' },
      { type: 'discharged', at: new Date(T0 + 4_000_000).toISOString(), by: 'amy' },
    ],
    baseline: null,
    createdAt: new Date(T0).toISOString(),
    createdBy: 'amy',
  };
  it('runs from creation to discharge, or to now while the session is open', () => {
    expect(sessionSpan(session, T0 + 9_999_999)).toEqual([T0, T0 + 4_000_000]);
    expect(sessionSpan({ ...session, events: [] }, T0 + 120_000)).toEqual([T0, T0 + 120_000]);
  });
});

describe('reportTicks', () => {
  it('puts ticks on whole minutes, spaced to keep about a dozen', () => {
    const start = T0 + 32_000;
    expect(reportTicks([start, start + 5 * 60_000]).map((t) => (t - T0) / 60_000)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    const hour = reportTicks([T0, T0 + 90 * 60_000]);
    expect(hour.map((t) => (t - T0) / 60_000)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });
});
