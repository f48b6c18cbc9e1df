import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type { AuditEntry } from '@chairside/core';
import { describeEntry, ruleChanges } from './describe';

const lookups = {
  chairLabel: (id: string) => ({ c3: 'Chair 3' })[id],
  patientRef: (id: string) => ({ s1: 'KET-0042' })[id],
};
const entry = (action: string, details: Record<string, unknown>): AuditEntry => ({
  seq: 1,
  at: '2026-11-21T09:30:05.000Z',
  actor: 'amy',
  action,
  details,
});
const ALDRETE_7 = {
  activity: 1,
  respiration: 2,
  circulation: 1,
  consciousness: 1,
  spo2: 2,
  total: 7,
};

describe('describeEntry: the audit trail in clinic words', () => {
  it('an acknowledgment names the priority, the chair, the alarm and the patient', () => {
    expect(
      describeEntry(
        entry('alert.acknowledged', {
          alertId: 'a1',
          chairId: 'c3',
          sessionId: 's1',
          priority: 'high',
          message: 'SpO2 86 < 90',
        }),
        lookups,
      ),
    ).toEqual({
      what: 'Acknowledged a high-priority alarm on Chair 3: SpO2 86 < 90',
      facts: ['Patient KET-0042'],
      sessionId: 's1',
    });
  });

  it('a refused discharge gives the score against the minimum and every item', () => {
    expect(
      describeEntry(
        entry('session.discharge-refused', {
          sessionId: 's9',
          chairId: 'c3',
          patientRef: 'KET-0007',
          state: 'recovery',
          aldrete: ALDRETE_7,
          reason: 'modified Aldrete 7/10 is below 9',
        }),
        lookups,
      ),
    ).toEqual({
      what: 'Discharge refused on Chair 3: Aldrete 7 < 9',
      facts: [
        'Patient KET-0007',
        'Aldrete 7/10 (Activity 1, Respiration 2, Circulation 1, Consciousness 1, SpO2 2)',
      ],
      sessionId: 's9',
    });
  });

  it('a clinic limit change lists what changed, old and new', () => {
    const lowered = structuredClone(DEFAULT_ALARM_RULES);
    if (lowered.limits.spo2.low !== null) lowered.limits.spo2.low.medium = 93;
    lowered.conditionDelayMs = 15_000;
    lowered.limits.dbp.low = { medium: 50, high: null, inclusive: false, noDelay: null };
    expect(
      describeEntry(
        entry('alarm-rules.clinic.updated', { version: 2, old: DEFAULT_ALARM_RULES, new: lowered }),
        lookups,
      ),
    ).toEqual({
      what: 'Changed the clinic alarm limits',
      facts: [
        'SpO2 low, medium priority: 94 → 93',
        'Diastolic BP low: off → medium priority 50, alarms at the limit value no',
        'Condition delay: 10 s → 15 s',
        'Version 2',
      ],
      sessionId: null,
    });
  });

  it('a session override names the values it sets against the clinic limits', () => {
    expect(
      describeEntry(
        entry('alarm-rules.session.updated', {
          sessionId: 's1',
          chairId: 'c3',
          version: 1,
          old: null,
          new: { limits: { hr: { high: { medium: 100 } } } },
        }),
        lookups,
      ).facts,
    ).toEqual(['Patient KET-0042', 'HR high, medium priority: clinic → 100']);
    expect(
      describeEntry(
        entry('alarm-rules.session.updated', {
          sessionId: 's1',
          chairId: 'c3',
          version: 2,
          old: { limits: { hr: { high: { medium: 100 } } } },
          new: {},
        }),
        lookups,
      ).facts,
    ).toEqual(['Patient KET-0042', 'Back to the clinic limits']);
  });

  it('sign-ins, accounts, chairs and session steps', () => {
    const what = (action: string, details: Record<string, unknown>) =>
      describeEntry(entry(action, details), lookups).what;
    expect(what('auth.login', { role: 'charge' })).toBe('Signed in as charge nurse');
    expect(what('auth.login-failed', { knownUser: true })).toBe('Sign-in refused: wrong password');
    expect(what('auth.login-failed', { knownUser: false })).toBe(
      'Sign-in refused: no account with this username',
    );
    expect(what('user.created', { username: 'bob', role: 'nurse' })).toBe(
      'Created the account bob (nurse)',
    );
    expect(what('chair.created', { chairId: 'c9', label: 'Chair 9' })).toBe('Added Chair 9');
    expect(what('session.infusion-started', { chairId: 'c3', sessionId: 's1' })).toBe(
      'Started the infusion on Chair 3',
    );
    // A chair that no longer is in the clinic list still names itself.
    expect(what('session.infusion-stopped', { chairId: 'gone' })).toBe(
      'Stopped the infusion on chair gone: recovery',
    );
    expect(
      describeEntry(
        entry('session.discharged', {
          chairId: 'c3',
          sessionId: 's1',
          aldrete: { ...ALDRETE_7, consciousness: 2, circulation: 2, activity: 2, total: 10 },
        }),
        lookups,
      ).facts,
    ).toEqual([
      'Patient KET-0042',
      'Aldrete 10/10 (Activity 2, Respiration 2, Circulation 2, Consciousness 2, SpO2 2)',
    ]);
  });

  it('an action it does not know shows its name and every recorded field', () => {
    expect(
      describeEntry(entry('device.revoked', { device: 'mon-7', reason: 'lost' }), lookups),
    ).toEqual({
      what: 'device.revoked',
      facts: ['device: mon-7', 'reason: lost'],
      sessionId: null,
    });
  });
});

describe('ruleChanges', () => {
  it('is empty when nothing changed', () => {
    expect(ruleChanges(DEFAULT_ALARM_RULES, structuredClone(DEFAULT_ALARM_RULES))).toEqual([]);
  });
});
