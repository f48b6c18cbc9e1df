import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  closedFormInfusion,
  disposition,
  DOMINO_1984,
  infusionRateMgPerMin,
  KetaminePk,
  matrixExponential,
} from './pk';

const weightKg = 70;
const rate = infusionRateMgPerMin(weightKg, 0.5, 40); // 0.875 mg/min

function run(stepMin: number, untilMin: number, onMin = 40): KetaminePk {
  const pk = new KetaminePk({ weightKg });
  const steps = Math.round(untilMin / stepMin);
  for (let i = 0; i < steps; i++) {
    const t = i * stepMin;
    pk.advance(stepMin, t < onMin - 1e-9 ? rate : 0);
  }
  return pk;
}

describe('ketamine PK (Domino 1984)', () => {
  it('computes the pump rate as weight x dose / planned minutes', () => {
    expect(rate).toBeCloseTo(0.875, 12);
    expect(infusionRateMgPerMin(80, 0.75, 60)).toBeCloseTo(1, 12);
  });

  it('matrix exponential of a diagonal matrix is the exponential of the diagonal', () => {
    const e = matrixExponential([
      [-0.5, 0],
      [0, 2],
    ]);
    expect(e[0]![0]).toBeCloseTo(Math.exp(-0.5), 12);
    expect(e[1]![1]).toBeCloseTo(Math.exp(2), 10);
    expect(e[0]![1]).toBe(0);
  });

  it('finds three positive disposition rates whose unit-bolus coefficients give C(0) = 1/V1', () => {
    const d = disposition({ weightKg });
    for (const l of d.lambdas) expect(l).toBeGreaterThan(0);
    const sum = d.coefficients.reduce((s, c) => s + c, 0);
    expect(sum).toBeCloseTo(1 / (DOMINO_1984.v1LitresPerKg * weightKg), 10);
    // Product of the roots is k10 k21 k31 (Vieta).
    const product = d.lambdas[0] * d.lambdas[1] * d.lambdas[2];
    expect(product).toBeCloseTo(DOMINO_1984.k10 * DOMINO_1984.k21 * DOMINO_1984.k31, 12);
  });

  it('matches the closed-form constant-rate solution during and after the infusion', () => {
    const stepMin = 1 / 60;
    const pk = new KetaminePk({ weightKg });
    let maxRelError = 0;
    for (let i = 1; i <= 150 * 60; i++) {
      const t = (i - 1) * stepMin;
      pk.advance(stepMin, t < 40 - 1e-9 ? rate : 0);
      if (i % 60 === 0) {
        const exact = closedFormInfusion({ weightKg }, rate, 40, i * stepMin);
        const c = pk.concentrations;
        maxRelError = Math.max(
          maxRelError,
          Math.abs(c.plasmaNgPerMl - exact.plasmaNgPerMl) / exact.plasmaNgPerMl,
          Math.abs(c.effectSiteNgPerMl - exact.effectSiteNgPerMl) / exact.effectSiteNgPerMl,
        );
      }
    }
    expect(maxRelError).toBeLessThan(1e-9);
  });

  it('reaches a plausible end-of-infusion concentration for 0.5 mg/kg over 40 min', () => {
    const end = closedFormInfusion({ weightKg }, rate, 40, 40);
    // Subanaesthetic infusions give roughly 100-300 ng/mL at the end of the infusion.
    expect(end.plasmaNgPerMl).toBeGreaterThan(100);
    expect(end.plasmaNgPerMl).toBeLessThan(350);
    // The effect site lags the plasma while the pump runs and peaks shortly after.
    expect(end.effectSiteNgPerMl).toBeLessThan(end.plasmaNgPerMl);
    const after = closedFormInfusion({ weightKg }, rate, 40, 42);
    expect(after.plasmaNgPerMl).toBeLessThan(end.plasmaNgPerMl);
  });

  it('keeps the mass balance: infused = in the body + eliminated', () => {
    for (const stepMin of [1 / 60, 0.25, 5]) {
      const pk = run(stepMin, 120);
      const s = pk.state;
      expect(s.infusedMg).toBeCloseTo(35, 9);
      expect(pk.amountInBodyMg + s.eliminatedMg).toBeCloseTo(s.infusedMg, 9);
      expect(s.eliminatedMg).toBeGreaterThan(0);
    }
  });

  it('gives the same answer whatever the step size (the integration is exact per step)', () => {
    const fine = run(1 / 60, 90).concentrations;
    const coarse = run(5, 90).concentrations;
    expect(coarse.plasmaNgPerMl).toBeCloseTo(fine.plasmaNgPerMl, 8);
    expect(coarse.effectSiteNgPerMl).toBeCloseTo(fine.effectSiteNgPerMl, 8);
  });

  it('never produces a negative concentration, even long after a stop', () => {
    const pk = new KetaminePk({ weightKg, ke0PerMin: 1 });
    for (let i = 0; i < 24 * 60; i++) {
      pk.advance(1, i < 40 ? rate : 0);
      const s = pk.state;
      for (const v of [s.centralMg, s.peripheralFastMg, s.peripheralSlowMg, s.effectSiteMgPerL]) {
        expect(v).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('holds the concentration level during a pause and lets it fall', () => {
    const pk = new KetaminePk({ weightKg });
    pk.advance(20, rate);
    const before = pk.concentrations.plasmaNgPerMl;
    pk.advance(10, 0);
    expect(pk.concentrations.plasmaNgPerMl).toBeLessThan(before * 0.6);
    pk.advance(20, rate);
    expect(pk.state.infusedMg).toBeCloseTo(rate * 40, 10);
  });

  it('gives weight-independent concentrations for a weight-based dose', () => {
    const light = closedFormInfusion({ weightKg: 50 }, infusionRateMgPerMin(50, 0.5, 40), 40, 40);
    const heavy = closedFormInfusion({ weightKg: 110 }, infusionRateMgPerMin(110, 0.5, 40), 40, 40);
    expect(light.plasmaNgPerMl).toBeCloseTo(heavy.plasmaNgPerMl, 9);
  });

  it('refuses a non-positive weight and a step back in time', () => {
    expect(() => new KetaminePk({ weightKg: 0 })).toThrow(RangeError);
    expect(() => {
      new KetaminePk({ weightKg }).advance(-1, 0);
    }).toThrow(RangeError);
  });
});

describe('ketamine PK under any pump schedule (property)', () => {
  it('conserves mass and never goes negative for random start/pause/resume schedules', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 40, max: 150, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.array(
          fc.record({
            minutes: fc.double({ min: 0.01, max: 30, noNaN: true }),
            running: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (weight, ke0, schedule) => {
          const pk = new KetaminePk({ weightKg: weight, ke0PerMin: ke0 });
          const r = infusionRateMgPerMin(weight, 0.5, 40);
          let expected = 0;
          for (const step of schedule) {
            pk.advance(step.minutes, step.running ? r : 0);
            expected += step.running ? r * step.minutes : 0;
            const s = pk.state;
            expect(
              Math.min(s.centralMg, s.peripheralFastMg, s.peripheralSlowMg, s.effectSiteMgPerL),
            ).toBeGreaterThanOrEqual(0);
            expect(Math.abs(pk.amountInBodyMg + s.eliminatedMg - expected)).toBeLessThan(
              1e-9 * Math.max(1, expected),
            );
          }
        },
      ),
      { numRuns: 200, seed: 20261121 },
    );
  });
});
