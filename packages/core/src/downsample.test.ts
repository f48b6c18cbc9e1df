import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lttb } from './downsample';

interface P {
  t: number;
  v: number;
}
const xOf = (p: P) => p.t;
const yOf = (p: P) => p.v;

/** 4 h at 1 Hz of a gently wandering SpO2 with one 20 s desaturation and one artefact high. */
function fourHours(): P[] {
  const points: P[] = [];
  for (let i = 0; i < 14_400; i++) {
    points.push({ t: i * 1000, v: 97 + Math.sin(i / 300) + ((i * 7919) % 13) / 26 });
  }
  for (let i = 6000; i < 6020; i++) (points[i] as P).v = 80 + (i - 6000) * 0.1;
  (points[9000] as P).v = 100;
  return points;
}

describe('lttb', () => {
  it('returns exactly the asked number of points, in order, from the input', () => {
    const input = fourHours();
    const out = lttb(input, 600, xOf, yOf);
    expect(out).toHaveLength(600);
    for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThan(out[i - 1]!.t);
    const held = new Set(input);
    expect(out.every((p) => held.has(p))).toBe(true);
  });

  it('keeps the first and the last point', () => {
    const input = fourHours();
    const out = lttb(input, 300, xOf, yOf);
    expect(out[0]).toBe(input[0]);
    expect(out.at(-1)).toBe(input.at(-1));
  });

  it('keeps the lowest and the highest reading: a short dip is not averaged away', () => {
    const input = fourHours();
    const out = lttb(input, 300, xOf, yOf);
    expect(Math.min(...out.map(yOf))).toBe(80);
    expect(Math.max(...out.map(yOf))).toBe(100);
  });

  it('hands back short series unchanged', () => {
    const input = [
      { t: 0, v: 1 },
      { t: 1, v: 2 },
      { t: 2, v: 3 },
    ];
    expect(lttb(input, 10, xOf, yOf)).toEqual(input);
    expect(lttb(input, 2, xOf, yOf)).toEqual([input[0], input[2]]);
  });

  it('reads each point a bounded number of times (linear work for 4 h of 1 Hz data)', () => {
    const input = fourHours();
    let reads = 0;
    lttb(input, 600, xOf, (p) => {
      reads++;
      return p.v;
    });
    // Each point is read once as a candidate and once in its neighbour bucket's average.
    expect(reads).toBeLessThanOrEqual(input.length * 3);
  });
});

describe('lttb on 4 h of 1 Hz SpO2 with a 10 s desaturation anywhere', () => {
  // Noisy 95..99 % with a slow drift: the dip must beat the noise in its bucket wherever it falls.
  const series = (dipAt: number, dipTo: number, seed: number): P[] =>
    Array.from({ length: 14_400 }, (_, i) => ({
      t: i * 1000,
      v:
        i >= dipAt && i < dipAt + 10
          ? dipTo
          : Math.round(97 + Math.sin(i / 900 + seed) + (((i + seed) * 7919) % 5) / 2 - 1),
    }));

  it('keeps a reading of the dip, at its time, and never more than the asked points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14_380 }),
        fc.integer({ min: 80, max: 89 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 300, max: 1200 }),
        (dipAt, dipTo, seed, points) => {
          const out = lttb(series(dipAt, dipTo, seed), points, xOf, yOf);
          expect(out.length).toBeLessThanOrEqual(points);
          const dip = out.filter((p) => p.v === dipTo);
          expect(dip.length).toBeGreaterThanOrEqual(1);
          for (const p of dip) {
            expect(p.t).toBeGreaterThanOrEqual(dipAt * 1000);
            expect(p.t).toBeLessThan((dipAt + 10) * 1000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
