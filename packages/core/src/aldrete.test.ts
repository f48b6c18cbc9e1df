import { describe, expect, it } from 'vitest';
import { aldreteCirculation, aldreteResult, aldreteSpo2, describeAldrete } from './aldrete';

describe('aldreteCirculation (BP against the pre-infusion baseline)', () => {
  it('scores 2 within 20%, 1 from 20 to 49%, 0 at 50% or more, in either direction', () => {
    expect(aldreteCirculation(120, 120)).toBe(2);
    expect(aldreteCirculation(143, 120)).toBe(2); // +19.2 %
    expect(aldreteCirculation(97, 120)).toBe(2); // -19.2 %
    expect(aldreteCirculation(144, 120)).toBe(1); // +20 % exactly: the stricter level
    expect(aldreteCirculation(96, 120)).toBe(1); // -20 %
    expect(aldreteCirculation(179, 120)).toBe(1); // +49.2 %
    expect(aldreteCirculation(180, 120)).toBe(0); // +50 %
    expect(aldreteCirculation(60, 120)).toBe(0); // -50 %
  });

  it('cannot score without a reading or a baseline', () => {
    expect(aldreteCirculation(undefined, 120)).toBeNull();
    expect(aldreteCirculation(120, null)).toBeNull();
  });
});

describe('aldreteSpo2', () => {
  it('scores 2 only above 92% on room air', () => {
    expect(aldreteSpo2(97, false)).toBe(2);
    expect(aldreteSpo2(93, false)).toBe(2);
    expect(aldreteSpo2(92, false)).toBe(1);
    expect(aldreteSpo2(97, true)).toBe(1);
    expect(aldreteSpo2(91, true)).toBe(1);
    expect(aldreteSpo2(90, true)).toBe(0);
    expect(aldreteSpo2(84, false)).toBe(0);
    expect(aldreteSpo2(undefined, false)).toBeNull();
  });
});

describe('aldreteResult', () => {
  const full = { activity: 2, respiration: 2, circulation: 2, consciousness: 2, spo2: 2 } as const;

  it('is ready at 9 or 10 and says so', () => {
    const r = aldreteResult(full);
    expect(r).toEqual({ total: 10, missing: [], low: [], ready: true });
    expect(describeAldrete(r)).toBe('Ready for discharge: Aldrete 10/10');
    expect(aldreteResult({ ...full, consciousness: 1 }).ready).toBe(true);
  });

  it('is not ready at 8 and names the items that fall short', () => {
    const r = aldreteResult({ ...full, consciousness: 1, activity: 1 });
    expect(r.total).toBe(8);
    expect(r.ready).toBe(false);
    expect(describeAldrete(r)).toBe(
      'Not ready: Aldrete 8/10, needs 9 (Activity 1, Consciousness 1)',
    );
  });

  it('is never ready while an item is unscored, even with 8 points already', () => {
    const r = aldreteResult({ ...full, spo2: null });
    expect(r.missing).toEqual(['spo2']);
    expect(r.ready).toBe(false);
    expect(describeAldrete(r)).toBe('Not ready: score SpO2 first');
  });
});
