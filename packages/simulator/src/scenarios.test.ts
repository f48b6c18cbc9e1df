import { describe, expect, it } from 'vitest';
import { createSampleSchema, validateSamples } from '@chairside/core';
import type { Sample } from '@chairside/core';
import { findScenario, SCENARIOS, ScenarioRun, scenarioSummaries } from './scenarios';
import type { ScenarioRunOptions } from './scenarios';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

function runWhole(
  id: string,
  options: Partial<ScenarioRunOptions> = {},
): { run: ScenarioRun; samples: Sample[] } {
  const scenario = findScenario(id);
  if (scenario === undefined) throw new Error(`no scenario ${id}`);
  const run = new ScenarioRun({ scenario, startAtMs: T0, seed: 99, ...options });
  const samples: Sample[] = [];
  // Advance in uneven chunks, as a feed client on a timer would.
  for (let t = T0; !run.finished; t += 37_000) samples.push(...run.advanceTo(t));
  return { run, samples };
}

const values = (samples: Sample[], key: 'hr' | 'sbp' | 'dbp' | 'spo2' | 'rr' | 'etco2') =>
  samples.map((s) => s[key]).filter((v): v is number => v !== undefined);
const minuteOf = (s: Sample) => (Date.parse(s.at) - T0) / 60_000;

describe('scenario catalogue', () => {
  it('lists the eight training scenarios with unique ids, titles and descriptions', () => {
    const list = scenarioSummaries();
    expect(list.map((s) => s.id)).toEqual([
      'typical-response',
      'hypertensive-surge',
      'desaturation-hypoventilation',
      'oversedation',
      'vasovagal',
      'emergence-agitation',
      'probe-off',
      'feed-loss',
    ]);
    for (const s of list) {
      expect(s.title.length).toBeGreaterThan(5);
      expect(s.description.length).toBeGreaterThan(40);
    }
    expect(findScenario('nope')).toBeUndefined();
  });

  it('produces only samples core accepts, with unique ids, in every scenario', () => {
    for (const scenario of SCENARIOS) {
      const { samples } = runWhole(scenario.id);
      expect(samples.length).toBeGreaterThan(60 * 60);
      const schema = createSampleSchema(() => T0 + 24 * 3_600_000);
      for (let i = 0; i < samples.length; i += 1000) {
        const result = validateSamples(samples.slice(i, i + 1000), schema);
        if (!result.ok)
          throw new Error(`${scenario.id}: ${JSON.stringify(result.issues.slice(0, 3))}`);
      }
      expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
      const times = samples.map((s) => Date.parse(s.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('is deterministic for a seed', () => {
    const a = runWhole('typical-response').samples.slice(0, 3000);
    const b = runWhole('typical-response').samples.slice(0, 3000);
    expect(a).toEqual(b);
  });
});

describe('scenarios produce the intended excursions', () => {
  it('typical response: pressure rises during the infusion and settles after it', () => {
    const { samples } = runWhole('typical-response');
    const cuff = samples.filter((s) => s.sbp !== undefined);
    const baseline = cuff.filter((s) => minuteOf(s) < 5).map((s) => s.sbp!);
    const duringEnd = cuff.filter((s) => minuteOf(s) >= 35 && minuteOf(s) <= 45).map((s) => s.sbp!);
    const rise = Math.max(...duringEnd) - Math.max(...baseline);
    expect(rise).toBeGreaterThan(5);
    expect(rise).toBeLessThan(40);
    const moaas = samples.filter((s) => s.sedation !== undefined).map((s) => s.sedation!.score);
    expect(Math.min(...moaas)).toBeGreaterThanOrEqual(3);
    expect(Math.min(...values(samples, 'spo2'))).toBeGreaterThanOrEqual(92);
  });

  it('hypertensive surge: a cuff reading reaches 180 systolic or 110 diastolic', () => {
    const { samples } = runWhole('hypertensive-surge');
    const cuff = samples.filter(
      (s) => s.sbp !== undefined && minuteOf(s) >= 30 && minuteOf(s) <= 45,
    );
    expect(cuff.some((s) => s.sbp! >= 180 || s.dbp! >= 110)).toBe(true);
  });

  it('desaturation with hypoventilation: SpO2 <= 86 %, RR <= 7, EtCO2 > 50, then recovery', () => {
    const { samples } = runWhole('desaturation-hypoventilation');
    expect(Math.min(...values(samples, 'spo2'))).toBeLessThanOrEqual(86);
    expect(Math.min(...values(samples, 'rr'))).toBeLessThanOrEqual(7);
    expect(Math.max(...values(samples, 'etco2'))).toBeGreaterThan(50);
    const late = samples.filter((s) => minuteOf(s) > 40);
    expect(Math.min(...values(late, 'spo2'))).toBeGreaterThanOrEqual(92);
  });

  it('oversedation: MOAA/S reaches 1 and breathing slows', () => {
    const { samples } = runWhole('oversedation');
    const moaas = samples.filter((s) => s.sedation !== undefined).map((s) => s.sedation!.score);
    expect(Math.min(...moaas)).toBeLessThanOrEqual(1);
    expect(Math.min(...values(samples, 'rr'))).toBeLessThan(10);
  });

  it('vasovagal: bradycardia below 45 and a systolic below 90', () => {
    const { samples } = runWhole('vasovagal');
    expect(Math.min(...values(samples, 'hr'))).toBeLessThan(45);
    expect(Math.min(...values(samples, 'sbp'))).toBeLessThan(90);
  });

  it('emergence agitation: RASS +3 (very agitated, pulling at the line) with a faster heart after the stop', () => {
    const { samples } = runWhole('emergence-agitation', {
      monitor: { sedation: { scale: 'RASS', intervalMinutes: 1 } },
    });
    const rass = samples.filter((s) => s.sedation !== undefined && minuteOf(s) > 45);
    expect(Math.max(...rass.map((s) => s.sedation!.score))).toBe(3);
    const before = values(
      samples.filter((s) => minuteOf(s) > 40 && minuteOf(s) < 45),
      'hr',
    );
    // After the 2 minutes of motion artifact, so the count is the patient's, not the artifact's.
    const during = values(
      samples.filter((s) => minuteOf(s) > 51 && minuteOf(s) < 54),
      'hr',
    );
    expect(during.reduce((a, v) => a + v, 0) / during.length).toBeGreaterThan(
      before.reduce((a, v) => a + v, 0) / before.length + 15,
    );
  });

  it('probe off: SpO2 is missing for 90 s while the other values keep coming', () => {
    const { samples } = runWhole('probe-off');
    const missing = samples.filter((s) => s.spo2 === undefined);
    expect(missing).toHaveLength(90);
    expect(missing.every((s) => s.hr !== undefined && s.rr !== undefined)).toBe(true);
    expect(minuteOf(missing[0]!)).toBeCloseTo(20, 1);
  });

  it('feed loss: nothing at all arrives for 3 minutes', () => {
    const { samples } = runWhole('feed-loss');
    let longestGap = 0;
    for (let i = 1; i < samples.length; i++) {
      longestGap = Math.max(
        longestGap,
        Date.parse(samples[i]!.at) - Date.parse(samples[i - 1]!.at),
      );
    }
    expect(longestGap).toBe(181_000);
  });
});

describe('scenario runs', () => {
  it('takes a live desaturation injected by the trainer', () => {
    const scenario = findScenario('typical-response')!;
    const run = new ScenarioRun({ scenario, startAtMs: T0, seed: 5 });
    run.advanceTo(T0 + 10 * 60_000);
    run.inject({ type: 'desaturate', toSpo2: 85, overSeconds: 60 });
    const after = run.advanceTo(T0 + 13 * 60_000);
    expect(Math.min(...values(after, 'spo2'))).toBeLessThanOrEqual(86);
    run.inject({ type: 'recover', overSeconds: 60 });
    const recovered = run.advanceTo(T0 + 16 * 60_000).slice(-30);
    expect(Math.min(...values(recovered, 'spo2'))).toBeGreaterThanOrEqual(92);
  });

  it('runs ten times faster at speed 10, with 1 Hz sample time', () => {
    const scenario = findScenario('typical-response')!;
    const run = new ScenarioRun({ scenario, startAtMs: T0, seed: 5, speed: 10 });
    expect(run.endsAtMs).toBe(T0 + (75 * 60_000) / 10);
    const samples = run.advanceTo(run.endsAtMs + 60_000);
    expect(run.finished).toBe(true);
    expect(samples).toHaveLength(75 * 6 + 1);
    expect(run.physiology.infusedMg).toBeCloseTo(run.patient.weightKg * 0.5, 6);
  });

  it('pauses and resumes the pump on live events and stops at the planned dose', () => {
    const scenario = findScenario('typical-response')!;
    const run = new ScenarioRun({ scenario, startAtMs: T0, seed: 5 });
    run.advanceTo(T0 + 15 * 60_000);
    run.inject({ type: 'infusion-paused' });
    const paused = run.physiology.infusedMg;
    run.advanceTo(T0 + 20 * 60_000);
    expect(run.physiology.infusedMg).toBe(paused);
    run.inject({ type: 'infusion-resumed' });
    run.advanceTo(T0 + 21 * 60_000);
    expect(run.physiology.infusedMg).toBeGreaterThan(paused);
  });
});
