import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseStoredSamples,
  readStoredSample,
  STORED_SAMPLE_FIELDS,
  WireSampleSchema,
} from './http';

const valid = {
  seq: 42,
  id: 's1',
  at: '2026-11-21T09:30:05.000Z',
  hr: 78,
  sbp: 132,
  dbp: 84,
  spo2: 97,
  rr: 14,
  etco2: 36,
  sedation: { scale: 'MOAA/S', score: 4 },
  source: 'device',
  chairId: 'c1',
  sessionId: 's9',
  receivedAt: '2026-11-21T09:30:05.120Z',
  enteredBy: null,
};

/** Anything JSON can carry in a field, biased towards the values that are nearly right. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('device', 'manual', 'simulator', 'MOAA/S', 'RASS', 'sensor'),
  fc.integer({ min: -8, max: 8 }),
  fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 40),
  fc.double({ min: -10, max: 10 }),
  fc.boolean(),
  fc.constant([]),
  fc.record(
    {
      scale: fc.constantFrom('MOAA/S', 'RASS', 'GCS'),
      score: fc.oneof(fc.integer({ min: -7, max: 7 }), fc.double({ min: -5, max: 5 })),
      extra: fc.integer(),
    },
    { requiredKeys: [] },
  ),
);
const FIELDS = Object.keys(WireSampleSchema.shape);

describe('readStoredSample', () => {
  it('knows every field of the schema (a new field must be added to the reader too)', () => {
    expect([...STORED_SAMPLE_FIELDS].sort()).toEqual(FIELDS.sort());
    expect(Object.keys(valid).sort()).toEqual(FIELDS.sort());
  });

  it('reads a full sample, a feed sample without enteredBy and a manual one', () => {
    expect(readStoredSample(valid)).toEqual(valid);
    const { enteredBy: _omitted, seq: _none, ...feed } = valid;
    expect(readStoredSample(feed)).toEqual({ ...feed, enteredBy: null });
    const manual = { ...valid, source: 'manual', enteredBy: 'nurse', extra: 'dropped' };
    expect(readStoredSample(manual)).toEqual({ ...valid, source: 'manual', enteredBy: 'nurse' });
  });

  it('accepts and refuses exactly what the zod schema does, with the same result', () => {
    // Start from a valid sample and replace or remove a few fields with near-misses.
    const mutated = fc
      .tuple(
        fc.uniqueArray(fc.constantFrom(...FIELDS), { maxLength: 3 }),
        fc.array(anyValue, { minLength: 3, maxLength: 3 }),
        fc.boolean(),
      )
      .map(([fields, values, drop]) => {
        const sample: Record<string, unknown> = { ...valid };
        fields.forEach((f, i) => {
          if (drop && i === 0) Reflect.deleteProperty(sample, f);
          else sample[f] = values[i];
        });
        return sample;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, anyValue), (input) => {
        const zod = WireSampleSchema.safeParse(input);
        expect(readStoredSample(input)).toEqual(zod.success ? zod.data : null);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a sedation score only on its scale, in its range, whole', () => {
    const sedation = fc.record({
      scale: fc.constantFrom('MOAA/S', 'RASS', 'GCS'),
      score: fc.oneof(fc.integer({ min: -7, max: 7 }), fc.constantFrom(0.5, -0.5, 4.5)),
    });
    fc.assert(
      fc.property(sedation, (sedation) => {
        const input = { ...valid, sedation };
        const zod = WireSampleSchema.safeParse(input);
        expect(readStoredSample(input)).toEqual(zod.success ? zod.data : null);
      }),
      { numRuns: 500 },
    );
  });

  it('drops a whole payload with one bad sample, as before', () => {
    expect(parseStoredSamples([valid, valid])).toHaveLength(2);
    expect(parseStoredSamples([valid, { ...valid, spo2: 'high' }])).toEqual([]);
    expect(parseStoredSamples({ samples: [valid] })).toEqual([]);
  });
});
