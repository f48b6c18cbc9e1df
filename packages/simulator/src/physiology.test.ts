import { describe, expect, it } from 'vitest';
import { drawPatient } from './patient';
import { drugEffect, moaasFromDepth, Physiology, rassFromDepth } from './physiology';

const MIN = 60_000;
const typical = drawPatient(11, {
  hemodynamicSensitivity: 1,
  sedationSensitivity: 1,
  ageYears: 45,
});

function session(seed = 1): Physiology {
  return new Physiology({
    patient: typical,
    infusion: { doseMgPerKg: 0.5, plannedMinutes: 40 },
    startAtMs: 0,
    seed,
  });
}

describe('ketamine physiology', () => {
  it('shows no drug effect before the pump starts', () => {
    const ph = session();
    ph.advanceTo(5 * MIN);
    expect(ph.drugEffect.sbp).toBe(0);
    expect(ph.concentrations.plasmaNgPerMl).toBe(0);
    expect(ph.vitals.moaas).toBe(5);
  });

  it('raises blood pressure during the infusion, peaks near its end and returns within 90 min', () => {
    const ph = session();
    ph.applyInfusionEvent('infusion-started');
    const rise: number[] = [];
    for (let m = 1; m <= 40 + 120; m++) {
      if (m === 41) ph.applyInfusionEvent('infusion-stopped');
      ph.advanceTo(m * MIN);
      rise.push(ph.drugEffect.sbp);
    }
    const peakMinute = rise.indexOf(Math.max(...rise)) + 1;
    expect(peakMinute).toBeGreaterThanOrEqual(38);
    expect(peakMinute).toBeLessThanOrEqual(46);
    expect(rise[39]!).toBeGreaterThan(12);
    expect(rise[39]!).toBeLessThan(22);
    expect(rise[9]!).toBeLessThan(rise[29]!);
    expect(rise[40 + 90 - 1]!).toBeLessThan(5);
    expect(ph.drugEffect.dbp).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, and the noise differs between seeds', () => {
    const run = (seed: number) => {
      const ph = session(seed);
      ph.applyInfusionEvent('infusion-started');
      const out: number[] = [];
      for (let s = 1; s <= 600; s++) {
        ph.advanceTo(s * 1000);
        out.push(ph.beat().hr);
      }
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('maps sedation depth to MOAA/S and RASS', () => {
    expect(moaasFromDepth(0)).toBe(5);
    expect(moaasFromDepth(3.2)).toBe(2);
    expect(moaasFromDepth(9)).toBe(0);
    expect(rassFromDepth(0)).toBe(0);
    expect(rassFromDepth(4)).toBe(-4);
    expect(rassFromDepth(-2)).toBe(2);
    expect(rassFromDepth(-9)).toBe(4);
  });

  it('sedates a typical patient lightly and a sensitive one more at the end of the infusion', () => {
    const light = drugEffect(typical, 240);
    const deep = drugEffect({ ...typical, sedationSensitivity: 3 }, 240);
    expect(moaasFromDepth(light.sedationDepth)).toBe(4);
    expect(moaasFromDepth(deep.sedationDepth)).toBeLessThanOrEqual(2);
  });

  it('pulls SpO2 toward a target over the ramp and back after recovery', () => {
    const ph = session();
    ph.advanceTo(MIN);
    ph.startExcursion({ channel: 'spo2', mode: 'toward', value: 85, rampSeconds: 60 });
    ph.advanceTo(MIN + 30_000);
    const halfway = ph.vitals.spo2;
    expect(halfway).toBeGreaterThan(88);
    expect(halfway).toBeLessThan(95);
    ph.advanceTo(3 * MIN);
    expect(ph.vitals.spo2).toBeCloseTo(85, 5);
    ph.recover(60);
    ph.advanceTo(5 * MIN);
    expect(ph.vitals.spo2).toBeGreaterThan(95);
  });

  it('couples hypoventilation to CO2 retention, and apnea to a zero capnogram', () => {
    const ph = session();
    ph.advanceTo(MIN);
    const before = ph.vitals;
    ph.startExcursion({ channel: 'rr', mode: 'toward', value: 6, rampSeconds: 0 });
    ph.advanceTo(2 * MIN);
    expect(ph.vitals.rr).toBeCloseTo(6, 5);
    expect(ph.vitals.etco2).toBeGreaterThan(before.etco2 + 20);
    ph.startExcursion({ channel: 'rr', mode: 'toward', value: 0, rampSeconds: 0 });
    ph.advanceTo(3 * MIN);
    expect(ph.vitals.etco2).toBe(0);
  });

  it('keeps the diastolic below the systolic even in a deep vasovagal drop', () => {
    const ph = session();
    ph.startExcursion({ channel: 'sbp', mode: 'toward', value: 60, rampSeconds: 0 });
    ph.advanceTo(MIN);
    expect(ph.vitals.dbp).toBeLessThan(ph.vitals.sbp);
  });

  it('refuses to run backwards', () => {
    const ph = session();
    ph.advanceTo(MIN);
    expect(() => {
      ph.advanceTo(0);
    }).toThrow(RangeError);
  });
});

describe('the infusion pump', () => {
  it('stops by itself when the planned dose is in, even after a pause, and cannot be restarted', () => {
    const ph = session();
    ph.applyInfusionEvent('infusion-started');
    ph.advanceTo(10 * MIN);
    ph.applyInfusionEvent('infusion-paused');
    ph.advanceTo(15 * MIN);
    ph.applyInfusionEvent('infusion-resumed');
    ph.advanceTo(44 * MIN);
    expect(ph.infusing).toBe(true);
    expect(ph.doseComplete).toBe(false);
    ph.advanceTo(46 * MIN);
    expect(ph.infusing).toBe(false);
    expect(ph.doseComplete).toBe(true);
    expect(ph.infusedMg).toBeCloseTo(typical.weightKg * 0.5, 9);
    ph.applyInfusionEvent('infusion-resumed');
    expect(ph.infusing).toBe(false);
    ph.advanceTo(50 * MIN);
    expect(ph.infusedMg).toBeCloseTo(typical.weightKg * 0.5, 9);
  });
});

describe('capnography coupling', () => {
  it('does not turn the natural wander of the breathing rate into CO2 retention', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const ph = session(seed);
      let highest = 0;
      for (let m = 1; m <= 60; m++) {
        ph.advanceTo(m * MIN);
        highest = Math.max(highest, ph.vitals.etco2);
      }
      expect(highest).toBeLessThan(typical.baseline.etco2 + 5);
    }
  });
});
