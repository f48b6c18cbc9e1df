import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SocketVitalsSchema, acceptSocketVitals } from './socket';

describe('acceptSocketVitals (the ingest payload without zod)', () => {
  // Near-valid payloads: mostly the right shape, now and then a wrong value, a missing or an
  // extra key, or something that is not a plain object at all.
  const sometimes = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
    fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: odd });
  const payload = fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .record({
          chairId: sometimes(
            fc.string({ minLength: 1, maxLength: 12 }),
            fc.constantFrom('', 7, null, ['c1'], undefined),
          ),
          samples: sometimes(
            fc.array(fc.anything(), { maxLength: 4 }),
            fc.constantFrom({ length: 1 }, 'x', null, undefined, 0),
          ),
        })
        .chain((base) =>
          fc
            .constantFrom('as is', 'as is', 'as is', 'extra key', 'no chairId', 'own __proto__')
            .map((change): unknown => {
              const x: Record<string, unknown> = { ...base };
              if (change === 'extra key') x['extra'] = 1;
              if (change === 'no chairId') delete x['chairId'];
              // What JSON.parse makes of a "__proto__" key: an own property, not a prototype.
              if (change === 'own __proto__')
                Object.defineProperty(x, '__proto__', { value: {}, enumerable: true });
              return x;
            }),
        ),
    },
    { weight: 1, arbitrary: fc.anything() },
  );

  it('accepts only what the schema accepts, and returns exactly what the schema returns', () => {
    let accepted = 0;
    fc.assert(
      fc.property(payload, (x) => {
        const fast = acceptSocketVitals(x);
        if (fast === null) return;
        accepted++;
        const parsed = SocketVitalsSchema.safeParse(x);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
        expect(Object.keys(fast)).toEqual(Object.keys(parsed.data ?? {}));
        // A copy of the array, as zod's: the caller may not change the sender's array.
        if (typeof x === 'object' && x !== null && 'samples' in x)
          expect(fast.samples).not.toBe(x.samples);
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('takes every payload a device sends (the fast path is really the common path)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.array(fc.record({ at: fc.string(), hr: fc.double() }), { maxLength: 5 }),
        (chairId, samples) => {
          const message: unknown = JSON.parse(JSON.stringify({ chairId, samples }));
          expect(acceptSocketVitals(message)).toStrictEqual(SocketVitalsSchema.parse(message));
        },
      ),
    );
  });

  it('leaves every odd payload to zod', () => {
    expect(acceptSocketVitals({ chairId: 'c1', samples: [], extra: 1 })).toBeNull();
    expect(acceptSocketVitals({ chairId: '', samples: [] })).toBeNull();
    expect(acceptSocketVitals({ chairId: 'c1' })).toBeNull();
    expect(acceptSocketVitals({ chairId: 'c1', samples: 'x' })).toBeNull();
    expect(
      acceptSocketVitals(Object.assign(Object.create(null), { chairId: 'c1', samples: [] })),
    ).toBeNull();
    expect(acceptSocketVitals([{ chairId: 'c1', samples: [] }])).toBeNull();
    expect(acceptSocketVitals(undefined)).toBeNull();
  });
});
