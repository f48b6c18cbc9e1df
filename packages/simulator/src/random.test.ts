import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from './random';

describe('seeded random source', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    const seqB = Array.from({ length: 5 }, () => b.next());
    const seqC = Array.from({ length: 5 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
    for (const v of seqA) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('draws normals with the requested mean and spread', () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1));
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
  });

  it('draws log-normal factors with median 1 and the requested coefficient of variation', () => {
    const rng = createRng(9);
    const xs = Array.from({ length: 20_000 }, () => rng.logNormalFactor(0.4)).sort((x, y) => x - y);
    expect(xs[10_000]).toBeGreaterThan(0.97);
    expect(xs[10_000]).toBeLessThan(1.03);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1));
    expect(sd / mean).toBeGreaterThan(0.37);
    expect(sd / mean).toBeLessThan(0.43);
    expect(xs[0]).toBeGreaterThan(0);
  });

  it('derives different, stable seeds per purpose', () => {
    expect(deriveSeed(1, 'patient')).toBe(deriveSeed(1, 'patient'));
    expect(deriveSeed(1, 'patient')).not.toBe(deriveSeed(1, 'noise'));
    expect(deriveSeed(1, 'patient')).not.toBe(deriveSeed(2, 'patient'));
  });
});
