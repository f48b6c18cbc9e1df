import { describe, expect, it } from 'vitest';
import * as simulator from './index';

describe('public API', () => {
  it('exposes the model, the monitor, the scenarios and the replay through one entry point', () => {
    const patient = simulator.drawPatient(1);
    const run = new simulator.ScenarioRun({
      scenario: simulator.SCENARIOS[0]!,
      startAtMs: Date.parse('2026-11-21T09:00:00.000Z'),
      seed: 1,
      patient,
    });
    const samples = run.advanceTo(Date.parse('2026-11-21T09:00:10.000Z'));
    expect(samples).toHaveLength(11);
    expect(simulator.scenarioSummaries()).toHaveLength(8);
    expect(typeof simulator.replayPhysioNetRecord).toBe('function');
    expect(simulator.DOMINO_1984.v1LitresPerKg).toBe(0.063);
  });
});
