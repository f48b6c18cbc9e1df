import { describe, expect, it } from 'vitest';
import { parseSimulatorEvent, SIMULATOR_EVENT_TYPES } from './injection';
import { findScenario, ScenarioRun } from './scenarios';

describe('live event validation', () => {
  it('accepts a desaturation as the trainer sends it', () => {
    expect(parseSimulatorEvent({ type: 'desaturate', toSpo2: 85, overSeconds: 60 })).toEqual({
      ok: true,
      value: { type: 'desaturate', toSpo2: 85, overSeconds: 60 },
    });
    expect(parseSimulatorEvent({ type: 'cuff-now' })).toEqual({
      ok: true,
      value: { type: 'cuff-now' },
    });
    expect(parseSimulatorEvent({ type: 'probe-off', sensor: 'etco2' })).toEqual({
      ok: true,
      value: { type: 'probe-off', sensor: 'etco2' },
    });
  });

  it('names every problem: missing, out of range, not whole, unknown field, unknown sensor', () => {
    const r = parseSimulatorEvent({
      type: 'oversedate',
      toMoaas: 1.5,
      overSeconds: -1,
      colour: 'red',
    });
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: 'colour', message: 'unknown field "colour" for oversedate' },
        { path: 'toMoaas', message: 'toMoaas must be a whole number from 0 to 5' },
        { path: 'overSeconds', message: 'overSeconds must be a number from 0 to 3600 s' },
      ],
    });
    expect(parseSimulatorEvent({ type: 'desaturate', toSpo2: 8, overSeconds: 60 })).toEqual({
      ok: false,
      issues: [{ path: 'toSpo2', message: 'toSpo2 must be a number from 50 to 100 %' }],
    });
    expect(parseSimulatorEvent({ type: 'motion' })).toEqual({
      ok: false,
      issues: [{ path: 'seconds', message: 'seconds is required for motion' }],
    });
    expect(parseSimulatorEvent({ type: 'probe-on', sensor: 'finger' }).ok).toBe(false);
  });

  it('refuses what is not an event', () => {
    expect(parseSimulatorEvent(null).ok).toBe(false);
    expect(parseSimulatorEvent([]).ok).toBe(false);
    const r = parseSimulatorEvent({ type: 'explode' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.path).toBe('type');
    expect(parseSimulatorEvent({ type: 'toString' }).ok).toBe(false);
    expect(parseSimulatorEvent({ type: 'desaturate', toSpo2: '85', overSeconds: 60 }).ok).toBe(
      false,
    );
  });

  it('covers every event type, and what it accepts runs in a scenario', () => {
    expect(SIMULATOR_EVENT_TYPES).toHaveLength(17);
    const run = new ScenarioRun({
      scenario: findScenario('typical-response')!,
      startAtMs: 0,
      seed: 3,
    });
    run.advanceTo(60_000);
    const parsed = parseSimulatorEvent({
      type: 'hypertensive-surge',
      sbpRise: 40,
      dbpRise: 20,
      overSeconds: 0,
    });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) run.inject(parsed.value);
    run.advanceTo(61_000);
    expect(run.physiology.vitals.sbp).toBeGreaterThan(run.patient.baseline.sbp + 25);
  });
});
