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
  SessionEventInputSchema,
  SessionEventSchema,
  aldreteDischargeRefusal,
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

describe('the modified Aldrete score recorded with a discharge', () => {
  const ready = {
    activity: 2,
    respiration: 2,
    circulation: 1,
    consciousness: 2,
    spo2: 2,
    total: 9,
  } as const;

  it('accepts a discharge with the five items and their total, and one without a score', () => {
    expect(SessionEventInputSchema.parse({ type: 'discharged', aldrete: ready })).toEqual({
      type: 'discharged',
      aldrete: ready,
    });
    expect(SessionEventInputSchema.parse({ type: 'discharged' })).toEqual({ type: 'discharged' });
  });

  it('names the field at fault: item out of 0-2, a wrong total, a missing item, an extra field', () => {
    const issuesOf = (aldrete: unknown) => {
      const r = SessionEventInputSchema.safeParse({ type: 'discharged', aldrete });
      return r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
    };
    expect(issuesOf({ ...ready, activity: 3 })).toEqual([
      ['aldrete.activity', 'each Aldrete item scores 0, 1 or 2'],
    ]);
    expect(issuesOf({ ...ready, spo2: 1.5 })).toEqual([
      ['aldrete.spo2', 'each Aldrete item scores 0, 1 or 2'],
    ]);
    expect(issuesOf({ ...ready, total: 10 })).toEqual([
      ['aldrete.total', 'total 10 is not the sum of the five items (9)'],
    ]);
    const { consciousness: _left, ...missing } = ready;
    expect(issuesOf(missing).map(([path]) => path)).toEqual(['aldrete.consciousness']);
    expect(issuesOf({ ...ready, signedBy: 'amy' })[0]?.[0]).toBe('aldrete');
  });

  it('takes a score only with the discharge', () => {
    const r = SessionEventInputSchema.safeParse({ type: 'infusion-stopped', aldrete: ready });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['aldrete']);
  });

  it('allows discharge at a total of 9 or more and refuses below, naming the low items', () => {
    expect(aldreteDischargeRefusal(ready)).toBeNull();
    expect(aldreteDischargeRefusal({ ...ready, circulation: 2, total: 10 })).toBeNull();
    expect(aldreteDischargeRefusal({ ...ready, spo2: 1, total: 8 })).toBe(
      'modified Aldrete 8/10 is below 9, the minimum for discharge (Circulation 1, SpO2 1); keep the patient in recovery and score again',
    );
    // An item at 0 can never reach 9: 2+2+2+2+0 = 8.
    expect(
      aldreteDischargeRefusal({
        activity: 2,
        respiration: 0,
        circulation: 2,
        consciousness: 2,
        spo2: 2,
        total: 8,
      }),
    ).toMatch(/^modified Aldrete 8\/10 is below 9.*\(Respiration 0\)/);
  });

  it('keeps the score on the event a session reports', () => {
    const event = SessionEventSchema.parse({
      type: 'discharged',
      at: '2026-11-21T10:40:00.000Z',
      by: 'amy',
      aldrete: ready,
    });
    expect(event.aldrete).toEqual(ready);
  });
});
