import { describe, expect, it } from 'vitest';
import {
  SESSION_EVENT_TYPES,
  SESSION_STATES,
  allowedSessionEvents,
  computeBaseline,
  infusedMs,
  infusionDose,
  nextSessionState,
  SessionCreateSchema,
} from './session';
import type { SessionEvent } from './session';

describe('infusion session state machine', () => {
  it('runs a whole infusion: start, pause, resume, stop, discharge', () => {
    let s = nextSessionState('pre-infusion', 'infusion-started');
    expect(s).toBe('infusing');
    s = nextSessionState('infusing', 'infusion-paused');
    expect(s).toBe('paused');
    s = nextSessionState('paused', 'infusion-resumed');
    expect(s).toBe('infusing');
    s = nextSessionState('infusing', 'infusion-stopped');
    expect(s).toBe('recovery');
    expect(nextSessionState('recovery', 'discharged')).toBe('discharged');
  });

  it('refuses impossible transitions', () => {
    expect(nextSessionState('pre-infusion', 'infusion-paused')).toBeNull();
    expect(nextSessionState('infusing', 'discharged')).toBeNull();
    expect(nextSessionState('recovery', 'infusion-started')).toBeNull();
    for (const e of SESSION_EVENT_TYPES) expect(nextSessionState('discharged', e)).toBeNull();
  });

  it('lists exactly the events that lead somewhere', () => {
    for (const state of SESSION_STATES) {
      for (const e of SESSION_EVENT_TYPES) {
        expect(allowedSessionEvents(state).includes(e)).toBe(nextSessionState(state, e) !== null);
      }
    }
  });
});

describe('dose and timing', () => {
  it('computes total mg and mg/min', () => {
    expect(infusionDose({ weightKg: 80, doseMgPerKg: 0.5, plannedMinutes: 40 })).toEqual({
      totalMg: 40,
      mgPerMin: 1,
    });
    expect(infusionDose({ weightKg: 72.5, doseMgPerKg: 0.75, plannedMinutes: 45 })).toEqual({
      totalMg: 54.4,
      mgPerMin: 1.21,
    });
  });

  it('counts infusion time without pauses', () => {
    const t0 = Date.parse('2026-11-21T09:00:00Z');
    const ev = (type: SessionEvent['type'], min: number): SessionEvent => ({
      type,
      at: new Date(t0 + min * 60_000).toISOString(),
      by: 'nurse',
    });
    const events = [
      ev('infusion-started', 0),
      ev('infusion-paused', 10),
      ev('infusion-resumed', 15),
    ];
    expect(infusedMs(events, t0 + 20 * 60_000)).toBe(15 * 60_000);
    expect(infusedMs([...events, ev('infusion-stopped', 40)], t0 + 90 * 60_000)).toBe(35 * 60_000);
    expect(infusedMs([], t0)).toBe(0);
  });

  it('validates the session form with the field named', () => {
    const r = SessionCreateSchema.safeParse({
      patientRef: 'KET-1',
      weightKg: 800,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['weightKg']);
    expect(
      SessionCreateSchema.safeParse({
        patientRef: 'KET-1',
        weightKg: 80,
        doseMgPerKg: 0.5,
        plannedMinutes: 40,
      }).success,
    ).toBe(true);
  });
});

describe('baseline', () => {
  it('is the median of each parameter over the pre-infusion readings', () => {
    const b = computeBaseline([
      { sbp: 120, dbp: 80, hr: 70 },
      { sbp: 140, dbp: 90 },
      { sbp: 130, hr: 74, spo2: 98 },
      { sbp: 200 },
    ]);
    expect(b).toEqual({ hr: 72, sbp: 135, dbp: 85, spo2: 98, rr: null, samples: 4 });
    expect(computeBaseline([])).toBeNull();
  });
});
