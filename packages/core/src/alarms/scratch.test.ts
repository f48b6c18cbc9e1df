import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAlarmState, evaluateSample, evaluateTime } from './engine';
import type { AlarmContext, AlarmEngineState, AlertChange } from './engine';
import { sampleAt, session } from './harness.test-support';
import type { Vitals } from './harness.test-support';
import { DEFAULT_ALARM_RULES } from './rules';

/**
 * The server keeps two state objects per chair and has each evaluation written into the one not
 * in use (`scratch`), to allocate nothing per reading. That must be exactly the engine without
 * scratch: same states, same changes, and the state in use never touched by an evaluation.
 */

type Step = { kind: 'sample'; sec: number; vitals: Vitals } | { kind: 'tick'; sec: number };

const vitals: fc.Arbitrary<Vitals> = fc
  .record(
    {
      hr: fc.integer({ min: 30, max: 160 }),
      spo2: fc.integer({ min: 80, max: 100 }),
      sbp: fc.integer({ min: 70, max: 200 }),
      dbp: fc.integer({ min: 40, max: 110 }),
      rr: fc.integer({ min: 4, max: 30 }),
    },
    { requiredKeys: [] },
  )
  .filter((v) => Object.keys(v).length > 0);

const steps: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('sample' as const), vitals }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
    ),
    { maxLength: 120 },
  )
  // Seconds that only move forward, with gaps long enough for the silence alarms.
  .chain((kinds) =>
    fc
      .array(fc.integer({ min: 0, max: 40 }), { minLength: kinds.length, maxLength: kinds.length })
      .map((gaps) => {
        let sec = 0;
        return kinds.map((k, i): Step => {
          sec += gaps[i] ?? 1;
          return k.kind === 'sample'
            ? { kind: 'sample', sec, vitals: k.vitals }
            : { kind: 'tick', sec };
        });
      }),
  );

function context(): AlarmContext {
  let n = 0;
  return {
    rules: DEFAULT_ALARM_RULES,
    session: session('infusing'),
    newAlertId: () => `alert-${++n}`,
  };
}

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

describe('evaluation written into a scratch state', () => {
  it('gives the same states and changes as fresh copies, and leaves the state in use alone', () => {
    fc.assert(
      fc.property(steps, (run) => {
        const plainCtx = context();
        const pairCtx = context();
        let plain = createAlarmState('chair-1', 'session-1');
        let state = createAlarmState('chair-1', 'session-1');
        let spare = createAlarmState('chair-1', 'session-1');
        for (const step of run) {
          const before = JSON.parse(JSON.stringify(state)) as AlarmEngineState;
          let a: { state: AlarmEngineState; changes: AlertChange[] };
          let b: { state: AlarmEngineState; changes: AlertChange[] };
          if (step.kind === 'sample') {
            const sample = sampleAt(step.sec, step.vitals);
            a = evaluateSample(plain, sample, plainCtx);
            b = evaluateSample(state, sample, pairCtx, spare);
          } else {
            const now = T0 + step.sec * 1000;
            a = evaluateTime(plain, now, plainCtx);
            b = evaluateTime(state, now, pairCtx, spare);
          }
          expect(b.state).toBe(spare);
          expect(state).toEqual(before);
          expect(b.changes).toEqual(a.changes);
          expect(b.state).toEqual(a.state);
          plain = a.state;
          [state, spare] = [b.state, state];
        }
      }),
      { numRuns: 300 },
    );
  });

  it('raises the same SpO2 alarm either way (the property above is not vacuous)', () => {
    const ctx = context();
    let state = createAlarmState('chair-1', 'session-1');
    let spare = createAlarmState('chair-1', 'session-1');
    const changes: AlertChange[] = [];
    for (let sec = 1; sec <= 30; sec++) {
      const r = evaluateSample(state, sampleAt(sec, { spo2: 84 }), ctx, spare);
      changes.push(...r.changes);
      [state, spare] = [r.state, state];
    }
    expect(changes.map((c) => [c.type, c.alert.parameter, c.alert.priority])).toContainEqual([
      'raised',
      'spo2',
      'high',
    ]);
    expect(state.open.map((e) => e.alert.parameter)).toEqual(['spo2']);
    // The previous state (now the spare) holds the episode too, as its own object.
    expect(spare.open.map((e) => e.alert.id)).toEqual(state.open.map((e) => e.alert.id));
    expect(spare.open[0]?.alert).not.toBe(state.open[0]?.alert);
  });
});
