import { describe, expect, it } from 'vitest';
import { createSampleSchema, validateSamples } from '@chairside/core';
import { demoBaseline, demoSample, seededRandom } from './feed';

describe('demo feed readings', () => {
  const t = Date.parse('2026-11-21T09:00:00.000Z'); // on a whole 5 minutes

  it('are valid samples for the real schema, with BP each minute and MOAA/S each 5 minutes', () => {
    const base = demoBaseline('Chair 3');
    const noise = seededRandom(42);
    const schema = createSampleSchema(() => t + 3600_000);
    const samples = Array.from({ length: 600 }, (_, i) =>
      demoSample(base, t + i * 1000, noise, 'c3'),
    );
    const checked = validateSamples(samples, schema);
    expect(checked.ok).toBe(true);
    expect(samples.filter((s) => s.sbp !== undefined)).toHaveLength(10);
    expect(samples.filter((s) => s.sedation !== undefined)).toHaveLength(2);
    expect(
      samples.every(
        (s) =>
          s.hr !== undefined && s.spo2 !== undefined && s.rr !== undefined && s.etco2 !== undefined,
      ),
    ).toBe(true);
    expect(samples.every((s) => s.source === 'simulator')).toBe(true);
    expect(new Set(samples.map((s) => s.id)).size).toBe(600);
  });

  it('stay near a plausible per-chair baseline', () => {
    for (const label of ['Chair 1', 'Chair 2', 'Chair 6']) {
      const base = demoBaseline(label);
      expect(base.hr).toBeGreaterThanOrEqual(60);
      expect(base.hr).toBeLessThanOrEqual(90);
      expect(base.spo2).toBeGreaterThanOrEqual(95);
      const noise = seededRandom(1);
      for (let i = 0; i < 200; i += 1) {
        const s = demoSample(base, t + i * 1000, noise, 'x');
        expect(Math.abs((s.hr ?? 0) - base.hr)).toBeLessThanOrEqual(3);
        expect(s.spo2).toBeLessThanOrEqual(100);
      }
    }
    expect(demoBaseline('Chair 1')).toEqual(demoBaseline('Chair 1'));
    expect(demoBaseline('Chair 1')).not.toEqual(demoBaseline('Chair 2'));
  });
});
