import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertSchema } from '../alert';
import type { SampleSource } from '../sample';
import { deriveAlertState } from './engine';
import type { AlertChange } from './engine';
import { Chair, session } from './harness.test-support';
import type { Vitals } from './harness.test-support';

/** One step of a chair's life: a sample (possibly late), a clock tick or an acknowledgement. */
type Step =
  | { kind: 'sample'; advanceMs: number; lateByMs: number; source: SampleSource; vitals: Vitals }
  | { kind: 'tick'; advanceMs: number }
  | { kind: 'ack'; advanceMs: number; pick: number };

const source = fc.constantFrom<SampleSource>('device', 'device', 'simulator', 'manual');

function vitalsArb(ranges: {
  hr: [number, number];
  spo2: [number, number];
  sbp: [number, number];
  rr: [number, number];
  etco2: [number, number];
  moaas: [number, number];
}): fc.Arbitrary<Vitals> {
  return fc
    .record(
      {
        hr: fc.integer({ min: ranges.hr[0], max: ranges.hr[1] }),
        spo2: fc.integer({ min: ranges.spo2[0], max: ranges.spo2[1] }),
        sbp: fc.integer({ min: ranges.sbp[0], max: ranges.sbp[1] }),
        rr: fc.integer({ min: ranges.rr[0], max: ranges.rr[1] }),
        etco2: fc.integer({ min: ranges.etco2[0], max: ranges.etco2[1] }),
        moaas: fc.integer({ min: ranges.moaas[0], max: ranges.moaas[1] }),
      },
      { requiredKeys: [] },
    )
    .map(({ moaas, ...rest }) => {
      const v: Vitals = { ...rest };
      if (moaas !== undefined) v.sedation = { scale: 'MOAA/S', score: moaas };
      return v;
    })
    .filter((v) => Object.keys(v).length > 0);
}

function stepsArb(vitals: fc.Arbitrary<Vitals>): fc.Arbitrary<Step[]> {
  const advance = fc.integer({ min: 0, max: 4000 });
  const late = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 30_000 }));
  return fc.array(
    fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({
          kind: fc.constant('sample' as const),
          advanceMs: advance,
          lateByMs: late,
          source,
          vitals,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('tick' as const), advanceMs: advance }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('ack' as const),
          advanceMs: advance,
          pick: fc.nat(),
        }),
      },
    ),
    { maxLength: 150 },
  );
}

/** Drives a chair through the steps on a server clock that only moves forward. */
function run(
  steps: readonly Step[],
  withSession: boolean,
): { chair: Chair; changes: AlertChange[] } {
  const chair = new Chair({ session: withSession ? session('infusing') : null });
  let clockMs = 40_000;
  for (const step of steps) {
    clockMs += step.advanceMs;
    const sec = clockMs / 1000;
    switch (step.kind) {
      case 'sample':
        chair.feed((clockMs - step.lateByMs) / 1000, step.vitals, step.source, sec);
        break;
      case 'tick':
        chair.tick(sec);
        break;
      case 'ack': {
        const open = chair.openAlerts();
        const target = open[step.pick % Math.max(open.length, 1)];
        if (target !== undefined) chair.ack(target.id, 'nurse.ana', sec);
        break;
      }
    }
  }
  return { chair, changes: chair.log };
}

const wide = vitalsArb({
  hr: [20, 170],
  spo2: [75, 100],
  sbp: [60, 210],
  rr: [0, 40],
  etco2: [20, 70],
  moaas: [0, 5],
});
const normal = vitalsArb({
  hr: [50, 120],
  spo2: [94, 100],
  sbp: [90, 159],
  rr: [10, 30],
  etco2: [0, 50],
  moaas: [4, 5],
});

describe('alarm engine properties', () => {
  it('a series that never crosses a limit never alarms', () => {
    fc.assert(
      fc.property(stepsArb(normal), (steps) => {
        expect(run(steps, false).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('every alert is raised before anything else happens to it, and is never raised twice or cleared twice', () => {
    fc.assert(
      fc.property(stepsArb(wide), fc.boolean(), (steps, withSession) => {
        const { chair, changes } = run(steps, withSession);
        const seen = new Map<string, AlertChange['type'][]>();
        for (const c of changes) {
          const history = seen.get(c.alert.id) ?? [];
          if (history.length === 0) expect(c.type).toBe('raised');
          else expect(c.type).not.toBe('raised');
          expect(history).not.toContain('cleared');
          history.push(c.type);
          seen.set(c.alert.id, history);
          expect(AlertSchema.parse(c.alert)).toEqual(c.alert);
          expect(c.alert.state).toBe(deriveAlertState(c.alert));
          if (c.alert.clearedAt !== null)
            expect(Date.parse(c.alert.clearedAt)).toBeGreaterThanOrEqual(
              Date.parse(c.alert.raisedAt),
            );
        }
        // An alert is open in the state exactly when its last snapshot is not cleared.
        const lastSnapshot = new Map(changes.map((c) => [c.alert.id, c.alert]));
        const openIds = chair
          .openAlerts()
          .map((a) => a.id)
          .sort();
        const notCleared = [...lastSnapshot.values()]
          .filter((a) => a.state !== 'cleared')
          .map((a) => a.id)
          .sort();
        expect(openIds).toEqual(notCleared);
        // One open alert per episode key.
        const keys = chair.state.open.map((e) => e.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });

  it('the same input always yields the same alerts', () => {
    fc.assert(
      fc.property(stepsArb(wide), fc.boolean(), (steps, withSession) => {
        const a = run(steps, withSession);
        const b = run(steps, withSession);
        expect(b.changes).toEqual(a.changes);
        expect(b.chair.state).toEqual(a.chair.state);
      }),
      { numRuns: 100 },
    );
  });

  it('a device reading beyond a high limit for 10 s always leaves a high alert open, whatever came before', () => {
    fc.assert(
      fc.property(
        stepsArb(wide),
        fc.array(fc.integer({ min: 141, max: 250 }), { minLength: 11, maxLength: 11 }),
        (steps, hrs) => {
          const { chair } = run(steps, false);
          hrs.forEach((hr, i) => chair.feed(10_000 + i, { hr }, 'device'));
          const open = chair.state.open.find((e) => e.key === 'hr-high');
          expect(open?.alert.priority).toBe('high');
          expect(open?.alert.clearedAt).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an in-order manual reading beyond a high limit always leaves a high alert open', () => {
    fc.assert(
      fc.property(stepsArb(wide), fc.integer({ min: 0, max: 89 }), (steps, spo2) => {
        const { chair } = run(steps, false);
        // Later than any step (at most 150 steps of 4 s after 40 s).
        chair.feed(10_000, { spo2 }, 'manual', 10_000);
        const open = chair.state.open.find((e) => e.key === 'spo2-low');
        expect(open?.alert.priority).toBe('high');
        expect(open?.alert.clearedAt).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
