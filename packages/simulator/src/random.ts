/**
 * A small seeded pseudo-random source, so a trainer who replays seed 42 sees the same patient
 * and the same wobble on the monitor every time. Math.random() is never used in the model.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normal with the given mean and standard deviation (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** Log-normal multiplier with median 1 and the given coefficient of variation. */
  logNormalFactor(cv: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
}

/** mulberry32: 32-bit state, passes the usual statistical batteries well enough for a simulator. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const uniform01 = mulberry32(seed);
  let spare: number | null = null;
  const standardNormal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // 1 - u keeps the logarithm away from log(0).
    const u1 = 1 - uniform01();
    const u2 = uniform01();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return {
    next: uniform01,
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    logNormalFactor: (cv) => {
      const sigma = Math.sqrt(Math.log(1 + cv * cv));
      return Math.exp(sigma * standardNormal());
    },
    uniform: (min, max) => min + (max - min) * uniform01(),
  };
}

/**
 * An independent seed for one purpose (e.g. "noise" vs "patient"), so adding a new noise channel
 * does not change which patient a seed draws. FNV-1a over the label, mixed with the seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
