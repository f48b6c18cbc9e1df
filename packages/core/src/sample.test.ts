import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { acceptCommonSample, createSampleSchema, validateSamples, hasMeasurement } from './sample';
import { PLAUSIBLE_RANGES, NUMERIC_PARAMETERS, MAX_BATCH } from './ranges';
import type { NumericParameter } from './ranges';

const NOW = Date.parse('2026-11-21T10:00:00.000Z');
const schema = createSampleSchema(() => NOW);

const validSample = fc
  .record(
    {
      at: fc.integer({ min: NOW - 86_400_000, max: NOW + 60_000 }),
      hr: fc.integer({ min: 0, max: 300 }),
      spo2: fc.integer({ min: 0, max: 100 }),
      rr: fc.integer({ min: 0, max: 80 }),
      etco2: fc.integer({ min: 0, max: 150 }),
      bp: fc.integer({ min: 20, max: 300 }).chain((sbp) =>
        fc.record({
          sbp: fc.constant(sbp),
          dbp: fc.integer({ min: 10, max: Math.min(250, sbp - 1) }),
        }),
      ),
      sedation: fc.oneof(
        fc.record({ scale: fc.constant('MOAA/S' as const), score: fc.integer({ min: 0, max: 5 }) }),
        fc.record({ scale: fc.constant('RASS' as const), score: fc.integer({ min: -5, max: 4 }) }),
      ),
      source: fc.constantFrom('device' as const, 'manual' as const, 'simulator' as const),
    },
    { requiredKeys: ['at', 'source'] },
  )
  .filter(
    (s) =>
      s.hr !== undefined ||
      s.spo2 !== undefined ||
      s.rr !== undefined ||
      s.etco2 !== undefined ||
      s.bp !== undefined ||
      s.sedation !== undefined,
  )
  .map(({ bp, ...rest }) => ({ ...rest, ...(bp ?? {}) }));

describe('sample validation', () => {
  it('accepts every sample inside the plausible ranges and normalises at to ISO', () => {
    fc.assert(
      fc.property(validSample, (s) => {
        const r = validateSamples(s, schema);
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value).toHaveLength(1);
          expect(r.value[0]!.at).toBe(new Date(s.at).toISOString());
          expect(r.value[0]!.hr).toBe(s.hr);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a value outside its plausible range with the field as path', () => {
    const param = fc.constantFrom(...NUMERIC_PARAMETERS);
    fc.assert(
      fc.property(
        param,
        fc.boolean(),
        fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        (p: NumericParameter, below, delta) => {
          const r = PLAUSIBLE_RANGES[p];
          const value = below ? r.min - delta : r.max + delta;
          // A lone diastolic needs no systolic to compare with; give every parameter alone.
          const res = validateSamples({ at: NOW, source: 'device', [p]: value }, schema);
          expect(res.ok).toBe(false);
          if (!res.ok) expect(res.issues.map((i) => i.path)).toEqual([p]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the index and field of the bad sample in a batch', () => {
    fc.assert(
      fc.property(fc.array(validSample, { minLength: 1, maxLength: 20 }), fc.nat(), (batch, k) => {
        const idx = k % batch.length;
        const copy = batch.map((s) => ({ ...s }));
        copy[idx] = { ...copy[idx]!, spo2: 101 };
        const res = validateSamples(copy, schema);
        expect(res.ok).toBe(false);
        if (!res.ok)
          expect(res.issues).toContainEqual({
            path: `${idx}.spo2`,
            message: 'SpO2 101 is above the plausible maximum 100 %',
          });
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['SpO2 101', { spo2: 101 }, 'spo2'],
    ['negative HR', { hr: -1 }, 'hr'],
    ['HR as a string', { hr: '80' }, 'hr'],
    ['DBP above SBP', { sbp: 100, dbp: 120 }, 'dbp'],
    ['DBP equal to SBP', { sbp: 100, dbp: 100 }, 'dbp'],
    ['MOAA/S 6', { sedation: { scale: 'MOAA/S', score: 6 } }, 'sedation.score'],
    ['RASS +5', { sedation: { scale: 'RASS', score: 5 } }, 'sedation.score'],
    ['unknown sedation scale', { sedation: { scale: 'GCS', score: 3 } }, 'sedation.scale'],
    ['fractional MOAA/S', { sedation: { scale: 'MOAA/S', score: 2.5 } }, 'sedation.score'],
    ['unknown field', { hr: 80, temp: 37 }, 'temp'],
  ])('rejects %s naming %s', (_name, fields, path) => {
    const res = validateSamples({ at: NOW, source: 'device', ...fields }, schema);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues.map((i) => i.path)).toContain(path);
  });

  it('requires at, source and at least one measurement', () => {
    const noAt = validateSamples({ hr: 80, source: 'device' }, schema);
    expect(noAt.ok || noAt.issues.map((i) => i.path)).toEqual(['at']);
    const noSource = validateSamples({ hr: 80, at: NOW }, schema);
    expect(noSource.ok || noSource.issues.map((i) => i.path)).toEqual(['source']);
    const nothing = validateSamples({ at: NOW, source: 'device' }, schema);
    expect(nothing.ok).toBe(false);
    if (!nothing.ok) expect(nothing.issues[0]!.message).toMatch(/at least one measurement/);
  });

  it('rejects a time more than 60 s ahead of the clock, accepts 60 s', () => {
    expect(validateSamples({ at: NOW + 60_000, hr: 80, source: 'device' }, schema).ok).toBe(true);
    const res = validateSamples({ at: NOW + 60_001, hr: 80, source: 'device' }, schema);
    expect(res.ok || res.issues.map((i) => i.path)).toEqual(['at']);
    const iso = validateSamples({ at: '2027-01-01T00:00:00Z', hr: 80, source: 'device' }, schema);
    expect(iso.ok).toBe(false);
  });

  it('rejects a time that is not ISO-8601 or epoch ms', () => {
    for (const at of ['yesterday', '2026-11-21 10:00', -5, 1.5, null]) {
      const res = validateSamples({ at, hr: 80, source: 'device' }, schema);
      expect(res.ok || res.issues.map((i) => i.path)).toEqual(['at']);
    }
  });

  it('refuses an empty batch and a batch over 1000', () => {
    expect(validateSamples([], schema).ok).toBe(false);
    const big = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({
      at: NOW - i,
      hr: 70,
      source: 'device',
    }));
    const res = validateSamples(big, schema);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.issues[0]!.message).toMatch(/at most 1000/);
    expect(validateSamples(big.slice(0, MAX_BATCH), schema).ok).toBe(true);
  });

  it('keeps a client id and converts offsets to UTC', () => {
    const res = validateSamples(
      { id: 'dev-1:42', at: '2026-11-21T10:30:05+01:00', spo2: 97, source: 'device' },
      schema,
    );
    expect(res).toEqual({
      ok: true,
      value: [{ id: 'dev-1:42', at: '2026-11-21T09:30:05.000Z', spo2: 97, source: 'device' }],
    });
  });

  it('hasMeasurement sees sedation alone', () => {
    expect(hasMeasurement({ sedation: { scale: 'RASS', score: 0 } })).toBe(true);
    expect(hasMeasurement({})).toBe(false);
  });
});

describe('the common-reading check (ingest without zod)', () => {
  const clock = () => NOW;
  // Values near every edge the schema has, and some of the wrong type.
  const anyValue = fc.oneof(
    fc.integer({ min: -20, max: 320 }),
    fc.double({ min: -5, max: 305, noNaN: false }),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 100, 100.5, 2 ** 53, 2 ** 53 - 1),
    fc.constantFrom(null, undefined, true, '', '72', [], {}),
  );
  const isoText = fc.oneof(
    fc
      .integer({ min: 0, max: NOW + 600_000 })
      .map((ms) => new Date(ms).toISOString())
      .chain((iso) =>
        fc.constantFrom(
          iso,
          iso.replace('Z', '+02:00'),
          iso.replace('Z', '-23:59'),
          iso.replace('Z', '+24:00'),
          iso.replace('.', ','),
          iso.replace(/\.\d+Z$/, 'Z'),
          iso.replace('Z', ''),
          iso.replace('T', ' '),
          iso.replace(/\.(\d+)Z$/, '.$1123456Z'),
        ),
      ),
    fc.constantFrom(
      '2028-02-29T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-11-21T24:00:00Z',
      '2026-11-21T10:60:00Z',
      '2026-11-21',
      'yesterday',
    ),
  );
  const atValue = fc.oneof(
    isoText,
    fc.integer({ min: -5, max: NOW + 600_000 }),
    fc.double({ min: 0, max: NOW + 600_000 }),
    fc.constantFrom(-0, 2 ** 53, 8.64e15 + 1, null, undefined),
  );
  // Mostly valid (so the accepting side is reached), now and then anything at all.
  const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) =>
    fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: other, weight: 1 });
  const measured = (p: NumericParameter) =>
    mostly(
      fc.oneof(
        fc.integer({ min: PLAUSIBLE_RANGES[p].min, max: PLAUSIBLE_RANGES[p].max }),
        fc.constantFrom(PLAUSIBLE_RANGES[p].min, PLAUSIBLE_RANGES[p].max),
      ),
      anyValue,
    );
  const input = fc
    .record(
      {
        id: mostly(
          fc.string({ minLength: 1, maxLength: 128 }),
          fc.oneof(fc.constantFrom('', 'x'.repeat(129), undefined), fc.integer()),
        ),
        at: mostly(
          fc
            .integer({ min: 0, max: NOW + 60_000 })
            .chain((ms) => fc.constantFrom(ms, new Date(ms).toISOString())),
          atValue,
        ),
        hr: measured('hr'),
        sbp: measured('sbp'),
        dbp: measured('dbp'),
        spo2: measured('spo2'),
        rr: measured('rr'),
        etco2: measured('etco2'),
        source: mostly(
          fc.constantFrom('device', 'manual', 'simulator'),
          fc.constantFrom('Device', '', 1, null),
        ),
        sedation: fc.constantFrom({ scale: 'RASS', score: 0 }, { scale: 'RASS', score: 9 }),
        extra: fc.constant(1),
      },
      { requiredKeys: [] },
    )
    .chain((x) =>
      // A sedation score or a key of its own only now and then, as in real traffic.
      fc.boolean().map((rare): Record<string, unknown> => {
        if (rare) return x;
        const rest: Record<string, unknown> = { ...x };
        delete rest['sedation'];
        delete rest['extra'];
        return rest;
      }),
    );

  it('accepts only what the schema accepts, and returns exactly what the schema returns', () => {
    let accepted = 0;
    fc.assert(
      fc.property(input, (x) => {
        const fast = acceptCommonSample(x, clock);
        if (fast === null) return;
        accepted++;
        const parsed = schema.safeParse(x);
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
        // Same keys in the same order: the row and the broadcast are built from it.
        expect(Object.keys(fast)).toEqual(Object.keys(parsed.data ?? {}));
      }),
      { numRuns: 20_000 },
    );
    // The generator must reach the accepting side often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(1000);
  });

  it('takes every valid reading without a sedation score (the fast path is really the common path)', () => {
    fc.assert(
      fc.property(validSample, (x) => {
        const sample = x as Record<string, unknown>;
        const expected = schema.safeParse(sample);
        expect(expected.success).toBe(true);
        const fast = acceptCommonSample(sample, clock);
        if ('sedation' in sample) expect(fast).toBeNull();
        else expect(fast).toStrictEqual(expected.data);
      }),
    );
  });

  it('leaves every rejection to zod: a batch with one bad sample gets the same issues as before', () => {
    const good = { at: NOW, hr: 72, source: 'device' };
    const result = validateSamples([good, good, { ...good, spo2: 101 }], schema);
    expect(result).toEqual({
      ok: false,
      issues: [{ path: '2.spo2', message: 'SpO2 101 is above the plausible maximum 100 %' }],
    });
    expect(validateSamples({ at: NOW, source: 'device' }, schema)).toMatchObject({
      ok: false,
      issues: [{ path: '', message: expect.stringMatching(/at least one measurement/) as string }],
    });
    expect(validateSamples({ ...good, at: NOW + 61_000 }, schema)).toMatchObject({
      ok: false,
      issues: [{ path: 'at' }],
    });
    expect(validateSamples({ ...good, sbp: 100, dbp: 100 }, schema)).toMatchObject({
      ok: false,
      issues: [{ path: 'dbp', message: 'DBP 100 must be below SBP 100' }],
    });
  });
});
