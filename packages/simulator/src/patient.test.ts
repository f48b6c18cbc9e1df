import { describe, expect, it } from 'vitest';
import { drawCohort, drawPatient } from './patient';

describe('patient profiles', () => {
  it('draws the same patient for the same seed and another for another seed', () => {
    expect(drawPatient(17)).toEqual(drawPatient(17));
    expect(drawPatient(17)).not.toEqual(drawPatient(18));
  });

  it('keeps every profile within adult resting ranges', () => {
    for (const p of drawCohort(1, 500)) {
      expect(p.ageYears).toBeGreaterThanOrEqual(19);
      expect(p.ageYears).toBeLessThanOrEqual(80);
      expect(p.weightKg).toBeGreaterThanOrEqual(45);
      expect(p.baseline.sbp).toBeGreaterThan(p.baseline.dbp + 15);
      expect(p.baseline.spo2).toBeGreaterThanOrEqual(95);
      expect(p.baseline.spo2).toBeLessThanOrEqual(100);
      expect(p.ke0PerMin).toBeGreaterThanOrEqual(0.5);
      expect(p.ke0PerMin).toBeLessThanOrEqual(1);
      expect(p.hemodynamicSensitivity).toBeGreaterThan(0);
    }
  });

  it('gives older patients a higher resting systolic pressure on average', () => {
    const cohort = drawCohort(3, 2000);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const old = cohort.filter((p) => p.ageYears >= 55).map((p) => p.baseline.sbp);
    const young = cohort.filter((p) => p.ageYears < 35).map((p) => p.baseline.sbp);
    expect(mean(old) - mean(young)).toBeGreaterThan(5);
  });

  it('applies overrides without disturbing the other draws', () => {
    const p = drawPatient(5, { ageYears: 70, baseline: { sbp: 150 }, sedationSensitivity: 3 });
    expect(p.ageYears).toBe(70);
    expect(p.baseline.sbp).toBe(150);
    expect(p.sedationSensitivity).toBe(3);
    expect(p.weightKg).toBe(drawPatient(5).weightKg);
  });
});
