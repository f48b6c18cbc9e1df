import { afterEach, describe, expect, it } from 'vitest';
import type { Chair, StoredSample } from '@chairside/core';
import {
  BUFFER_MAX_SAMPLES,
  BUFFER_WINDOW_MS,
  mergeSamples,
  sampleAtMs,
  updateLatest,
  useClinic,
} from './clinic';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

function sample(
  id: string,
  secondsAfterT0: number,
  values: Partial<StoredSample> = {},
): StoredSample {
  return {
    id,
    at: new Date(T0 + secondsAfterT0 * 1000).toISOString(),
    source: 'device',
    chairId: 'c1',
    sessionId: null,
    receivedAt: new Date(T0 + secondsAfterT0 * 1000).toISOString(),
    enteredBy: null,
    ...values,
  };
}

const chair = (id: string, label: string): Chair => ({ id, label, session: null });

afterEach(() => {
  useClinic.getState().clear();
});

describe('mergeSamples', () => {
  it('keeps samples ordered by at when they arrive out of order', () => {
    const merged = mergeSamples(
      [sample('a', 0), sample('c', 20)],
      [sample('b', 10), sample('d', 5)],
    );
    expect(merged.map((s) => s.id)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('stores a sample sent twice once, and returns the same buffer when nothing is new', () => {
    const once = mergeSamples([], [sample('a', 0), sample('a', 0)]);
    expect(once.map((s) => s.id)).toEqual(['a']);
    const again = mergeSamples(once, [sample('a', 0)]);
    expect(again).toBe(once);
  });

  it('caps the buffer at the maximum count, dropping the oldest', () => {
    const many = Array.from({ length: BUFFER_MAX_SAMPLES + 50 }, (_, i) =>
      sample(`s${i}`, i * 0.5),
    );
    const merged = mergeSamples([], many);
    expect(merged).toHaveLength(BUFFER_MAX_SAMPLES);
    expect(merged[0]!.id).toBe('s50');
    expect(merged.at(-1)!.id).toBe(`s${BUFFER_MAX_SAMPLES + 49}`);
  });

  it('drops samples older than the window behind the newest one', () => {
    const windowS = BUFFER_WINDOW_MS / 1000;
    const merged = mergeSamples(
      [sample('old', 0), sample('edge', 60)],
      [sample('new', windowS + 30)],
    );
    expect(merged.map((s) => s.id)).toEqual(['edge', 'new']);
  });
});

describe('mergeSamples, live (in-order) batches', () => {
  const buffer = (count: number): StoredSample[] =>
    Array.from({ length: count }, (_, i) => sample(`s${i}`, i));

  it('appends a newer sample to a copy, leaving the held buffer untouched', () => {
    const held = buffer(3);
    const merged = mergeSamples(held, [sample('s3', 3)]);
    expect(merged.map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3']);
    expect(merged).not.toBe(held);
    expect(held.map((s) => s.id)).toEqual(['s0', 's1', 's2']);
  });

  it('ignores a re-delivered newest sample and returns the same buffer', () => {
    const held = buffer(3);
    expect(mergeSamples(held, [sample('s2', 2)])).toBe(held);
  });

  it('appends a sample at the same time as the newest one, and drops its repeat in the batch', () => {
    const held = buffer(3);
    const merged = mergeSamples(held, [sample('s2', 2), sample('m', 2), sample('m', 2)]);
    expect(merged.map((s) => s.id)).toEqual(['s0', 's1', 's2', 'm']);
  });

  it('cuts the oldest samples out when the appended sample moves the window', () => {
    const windowS = BUFFER_WINDOW_MS / 1000;
    const held = [sample('a', 0), sample('b', 10), sample('c', 20)];
    const merged = mergeSamples(held, [sample('d', windowS + 15)]);
    expect(merged.map((s) => s.id)).toEqual(['c', 'd']);
  });

  it('keeps the size cap when appending to a full buffer', () => {
    // One sample per 0.5 s: 1000 samples span 500 s, all inside the window, so the cap cuts.
    const held = Array.from({ length: BUFFER_MAX_SAMPLES }, (_, i) => sample(`s${i}`, i * 0.5));
    const merged = mergeSamples(held, [sample('next', BUFFER_MAX_SAMPLES * 0.5)]);
    expect(merged).toHaveLength(BUFFER_MAX_SAMPLES);
    expect(merged[0]!.id).toBe('s1');
    expect(merged.at(-1)!.id).toBe('next');
  });

  it('places a late batch by time and still ignores ids already held', () => {
    const held = [sample('a', 0), sample('b', 10), sample('c', 20)];
    // Out of order against the buffer (5 s < 20 s) and within itself (15 s before 5 s).
    const merged = mergeSamples(held, [sample('e', 15), sample('b', 10), sample('d', 5)]);
    expect(merged.map((s) => s.id)).toEqual(['a', 'd', 'b', 'e', 'c']);
    expect(held.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('falls back to the full merge for a batch that is newer but out of order within itself', () => {
    const held = [sample('a', 0)];
    const merged = mergeSamples(held, [sample('c', 20), sample('b', 10)]);
    expect(merged.map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('gives the same buffer as one sorted batch when fed one sample at a time', () => {
    const all = buffer(40);
    let live: readonly StoredSample[] = [];
    for (const s of all) live = mergeSamples(live, [s], { windowMs: 20_000, maxSamples: 15 });
    const batch = mergeSamples([], all, { windowMs: 20_000, maxSamples: 15 });
    expect(live.map((s) => s.id)).toEqual(batch.map((s) => s.id));
    expect(live.map((s) => s.id)).toEqual(all.slice(25).map((s) => s.id));
  });
});

describe('sampleAtMs', () => {
  it('gives the epoch milliseconds of the sample time', () => {
    expect(sampleAtMs(sample('a', 1.5))).toBe(T0 + 1500);
  });

  it('keeps the time it read on the sample where nothing else sees it', () => {
    const s = sample('a', 2, { hr: 70 });
    const before = { json: JSON.stringify(s), keys: Object.keys(s), copy: { ...s } };
    expect(sampleAtMs(s)).toBe(T0 + 2000);
    // Read again: the same time, and the sample is as it was for JSON, keys, copies, equality.
    expect(sampleAtMs(s)).toBe(T0 + 2000);
    expect(JSON.stringify(s)).toBe(before.json);
    expect(Object.keys(s)).toEqual(before.keys);
    expect({ ...s }).toStrictEqual(before.copy);
    expect(s).toStrictEqual(before.copy);
  });

  it('reads the time of a frozen sample too', () => {
    const s = Object.freeze(sample('a', 3));
    expect(sampleAtMs(s)).toBe(T0 + 3000);
    expect(sampleAtMs(s)).toBe(T0 + 3000);
  });
});

describe('updateLatest', () => {
  it('takes each parameter from the newest sample that has it', () => {
    const latest = updateLatest({}, [
      sample('a', 0, { hr: 70, sbp: 120, dbp: 80 }),
      sample('b', 5, { hr: 72, spo2: 98 }),
    ]);
    expect(latest.hr?.value).toBe(72);
    expect(latest.hr?.at).toBe('2026-11-21T09:00:05.000Z');
    expect(latest.sbp?.value).toBe(120);
    expect(latest.sbp?.at).toBe('2026-11-21T09:00:00.000Z');
    expect(latest.spo2?.value).toBe(98);
    expect(latest.rr).toBeUndefined();
  });

  it('does not let a late, older sample replace a newer value', () => {
    const first = updateLatest({}, [sample('b', 10, { hr: 90 })]);
    const after = updateLatest(first, [sample('a', 3, { hr: 60, rr: 12 })]);
    expect(after.hr?.value).toBe(90);
    expect(after.rr?.value).toBe(12);
  });
});

describe('useClinic store', () => {
  it('merges samples per chair idempotently and keeps the latest per parameter', () => {
    const { setChairs, addSamples } = useClinic.getState();
    setChairs([chair('c1', 'Chair 1'), chair('c2', 'Chair 2')]);
    addSamples('c1', [sample('x', 0, { spo2: 97 }), sample('y', 2, { spo2: 95 })]);
    addSamples('c1', [sample('y', 2, { spo2: 95 }), sample('w', 1, { spo2: 99 })]);

    const c1 = useClinic.getState().chairs.c1!;
    expect(c1.samples.map((s) => s.id)).toEqual(['x', 'w', 'y']);
    expect(c1.latest.spo2?.value).toBe(95);
    expect(useClinic.getState().chairs.c2!.samples).toHaveLength(0);
  });

  it('keeps buffered samples when the chair list is refreshed, and drops removed chairs', () => {
    const { setChairs, addSamples } = useClinic.getState();
    setChairs([chair('c1', 'Chair 1'), chair('c2', 'Chair 2')]);
    addSamples('c1', [sample('x', 0, { hr: 80 })]);
    setChairs([chair('c1', 'Chair One')]);

    const state = useClinic.getState();
    expect(state.chairIds).toEqual(['c1']);
    expect(state.chairs.c1!.chair.label).toBe('Chair One');
    expect(state.chairs.c1!.latest.hr?.value).toBe(80);
    expect(state.chairs.c2).toBeUndefined();
  });

  it('does not touch state when a duplicate batch arrives', () => {
    const { setChairs, addSamples } = useClinic.getState();
    setChairs([chair('c1', 'Chair 1')]);
    addSamples('c1', [sample('x', 0, { hr: 80 })]);
    const before = useClinic.getState().chairs;
    addSamples('c1', [sample('x', 0, { hr: 80 })]);
    expect(useClinic.getState().chairs).toBe(before);
  });
});
