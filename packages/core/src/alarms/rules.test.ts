import { describe, expect, it } from 'vitest';
import {
  AlarmRuleOverrideSchema,
  DEFAULT_ALARM_RULES,
  mergeRules,
  validateAlarmRules,
} from './rules';
import type { AlarmRuleSet } from './rules';

const copy = (): AlarmRuleSet => JSON.parse(JSON.stringify(DEFAULT_ALARM_RULES)) as AlarmRuleSet;

describe('DEFAULT_ALARM_RULES', () => {
  it('is CLINICAL.md section 6', () => {
    const r = DEFAULT_ALARM_RULES;
    expect(r.limits.spo2.low).toEqual({ medium: 94, high: 90, inclusive: false, noDelay: 85 });
    expect(r.limits.hr).toMatchObject({
      low: { medium: 50, high: 40, inclusive: false },
      high: { medium: 120, high: 140, inclusive: false },
    });
    expect(r.limits.sbp).toMatchObject({
      low: { medium: 90, high: 80, inclusive: false },
      high: { medium: 160, high: 180, inclusive: true },
    });
    expect(r.limits.dbp).toMatchObject({
      low: null,
      high: { medium: 100, high: 110, inclusive: true },
    });
    expect(r.limits.rr).toMatchObject({
      low: { medium: 10, high: 8, inclusive: false },
      high: { medium: 30, high: null, inclusive: false },
    });
    expect(r.limits.etco2).toMatchObject({
      low: null,
      high: { medium: 50, high: 60, inclusive: false },
    });
    expect(r.limits.moaas).toMatchObject({
      low: { medium: 3, high: 2, inclusive: true },
      high: null,
    });
    expect(r.limits.rass).toMatchObject({
      low: { medium: -3, high: -4, inclusive: true },
      high: { medium: 3, high: null, inclusive: true },
    });
    expect(r.sbpRiseOverBaseline).toEqual({ mediumPercent: 25, highPercent: 40 });
    expect(r.conditionDelayMs).toBe(10_000);
    expect(r.feedSilent).toEqual({ afterMs: 15_000, priority: 'medium' });
    expect(r.vitalsDue.reminderMs).toBe(300_000);
    expect(r.vitalsDue.overdueMs).toBe(600_000);
    expect(r.escalateAfterMs).toBe(60_000);
  });

  it('passes its own validation', () => {
    expect(validateAlarmRules(DEFAULT_ALARM_RULES)).toEqual({
      ok: true,
      value: DEFAULT_ALARM_RULES,
    });
  });
});

describe('validateAlarmRules', () => {
  it('refuses a medium limit more extreme than the high one, naming the field', () => {
    const r = copy();
    r.limits.hr.high = { medium: 150, high: 140, inclusive: false, noDelay: null };
    const v = validateAlarmRules(r);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.map((i) => i.path)).toEqual(['limits.hr.high.medium']);
  });

  it('refuses a low-side medium below the high limit', () => {
    const r = copy();
    r.limits.spo2.low = { medium: 88, high: 90, inclusive: false, noDelay: 85 };
    const v = validateAlarmRules(r);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.map((i) => i.path)).toContain('limits.spo2.low.medium');
  });

  it('refuses limits outside the plausible range and a no-delay limit less extreme than high', () => {
    const r = copy();
    r.limits.spo2.low = { medium: 94, high: 90, inclusive: false, noDelay: 92 };
    r.limits.etco2.high = { medium: 50, high: 200, inclusive: false, noDelay: null };
    const v = validateAlarmRules(r);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.issues.map((i) => i.path).sort()).toEqual([
        'limits.etco2.high.high',
        'limits.spo2.low.noDelay',
      ]);
    }
  });

  it('refuses low limits above high limits, reversed SBP rise, reminder after overdue, bad types', () => {
    const r = copy();
    r.limits.hr.low = { medium: 130, high: 40, inclusive: false, noDelay: null };
    r.sbpRiseOverBaseline = { mediumPercent: 50, highPercent: 40 };
    r.vitalsDue = { ...r.vitalsDue, reminderMs: 700_000 };
    const v = validateAlarmRules(r);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.issues.map((i) => i.path).sort()).toEqual([
        'limits.hr.low',
        'sbpRiseOverBaseline.mediumPercent',
        'vitalsDue.reminderMs',
      ]);
    }
    const typed = validateAlarmRules({ ...copy(), conditionDelayMs: 'ten' });
    expect(typed.ok).toBe(false);
    if (!typed.ok) expect(typed.issues[0]?.path).toBe('conditionDelayMs');
  });

  it('accepts a side turned off and a side with only a high limit', () => {
    const r = copy();
    r.limits.hr.low = null;
    r.limits.dbp.high = { medium: null, high: 115, inclusive: true, noDelay: null };
    expect(validateAlarmRules(r).ok).toBe(true);
  });
});

describe('mergeRules', () => {
  it('lays a session override over the clinic rules', () => {
    const override = AlarmRuleOverrideSchema.parse({
      limits: { sbp: { high: { medium: 170 } }, rr: { high: null } },
      conditionDelayMs: 6000,
    });
    const v = mergeRules(DEFAULT_ALARM_RULES, override);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.limits.sbp.high).toEqual({
      medium: 170,
      high: 180,
      inclusive: true,
      noDelay: null,
    });
    expect(v.value.limits.sbp.low).toEqual(DEFAULT_ALARM_RULES.limits.sbp.low);
    expect(v.value.limits.rr.high).toBeNull();
    expect(v.value.conditionDelayMs).toBe(6000);
    expect(v.value.feedSilent).toEqual(DEFAULT_ALARM_RULES.feedSilent);
    // The clinic's rules are not changed by a session's override.
    expect(DEFAULT_ALARM_RULES.limits.sbp.high?.medium).toBe(160);
  });

  it('refuses an override that makes the rules incoherent, with the field path', () => {
    const v = mergeRules(DEFAULT_ALARM_RULES, { limits: { hr: { high: { medium: 150 } } } });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues.map((i) => i.path)).toEqual(['limits.hr.high.medium']);
  });

  it('with no override gives the clinic rules', () => {
    expect(mergeRules(DEFAULT_ALARM_RULES, null)).toEqual({ ok: true, value: DEFAULT_ALARM_RULES });
  });

  it('refuses unknown override fields', () => {
    expect(AlarmRuleOverrideSchema.safeParse({ limits: { temp: {} } }).success).toBe(false);
  });
});
