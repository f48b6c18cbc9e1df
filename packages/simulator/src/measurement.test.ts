import { describe, expect, it } from 'vitest';
import { createSampleSchema, validateSamples } from '@chairside/core';
import type { Sample } from '@chairside/core';
import { VitalsMonitor } from './measurement';
import type { MonitorOptions } from './measurement';
import { drawPatient } from './patient';
import { Physiology } from './physiology';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const MIN = 60_000;

function monitor(options: Partial<MonitorOptions> = {}, seed = 21): VitalsMonitor {
  const physiology = new Physiology({
    patient: drawPatient(seed),
    infusion: { doseMgPerKg: 0.5, plannedMinutes: 40 },
    startAtMs: T0,
  });
  return new VitalsMonitor({ physiology, ...options });
}

const withBp = (s: readonly Sample[]) => s.filter((x) => x.sbp !== undefined);

describe('vitals monitor', () => {
  it('sends HR, SpO2, RR and EtCO2 every second, a cuff BP every 5 min and MOAA/S every 5 min', () => {
    const m = monitor();
    const samples = m.readUntil(T0 + 15 * MIN);
    expect(samples).toHaveLength(15 * 60 + 1);
    expect(samples[0]!.at).toBe('2026-11-21T09:00:00.000Z');
    expect(samples[1]!.at).toBe('2026-11-21T09:00:01.000Z');
    for (const s of samples) {
      expect(s.source).toBe('simulator');
      expect(s.hr).toBeDefined();
      expect(s.spo2).toBeDefined();
      expect(s.rr).toBeDefined();
      expect(s.etco2).toBeDefined();
    }
    expect(withBp(samples).map((s) => s.at)).toEqual([
      '2026-11-21T09:00:00.000Z',
      '2026-11-21T09:05:00.000Z',
      '2026-11-21T09:10:00.000Z',
      '2026-11-21T09:15:00.000Z',
    ]);
    const scored = samples.filter((s) => s.sedation !== undefined);
    expect(scored).toHaveLength(4);
    expect(scored[0]!.sedation).toEqual({ scale: 'MOAA/S', score: 5 });
  });

  it('produces samples that core accepts, with unique ids', () => {
    const m = monitor();
    const samples = m.readUntil(T0 + 16 * MIN);
    const schema = createSampleSchema(() => T0 + 16 * MIN);
    for (let i = 0; i < samples.length; i += 1000) {
      const result = validateSamples(samples.slice(i, i + 1000), schema);
      expect(result.ok).toBe(true);
    }
    expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
  });

  it('is deterministic for a seed', () => {
    expect(monitor().readUntil(T0 + 2 * MIN)).toEqual(monitor().readUntil(T0 + 2 * MIN));
    expect(monitor({}, 22).readUntil(T0 + 2 * MIN)).not.toEqual(monitor().readUntil(T0 + 2 * MIN));
  });

  it('takes a cuff reading on demand and restarts the 5-minute cycle from it', () => {
    const m = monitor();
    m.readUntil(T0 + 2 * MIN);
    m.requestCuff();
    const next = m.readUntil(T0 + 10 * MIN);
    expect(withBp(next).map((s) => s.at)).toEqual([
      '2026-11-21T09:02:01.000Z',
      '2026-11-21T09:07:01.000Z',
    ]);
  });

  it('scores RASS at a configured interval, or not at all', () => {
    const rass = monitor({ sedation: { scale: 'RASS', intervalMinutes: 2 } }).readUntil(
      T0 + 10 * MIN,
    );
    const scored = rass.filter((s) => s.sedation !== undefined);
    expect(scored).toHaveLength(6);
    expect(scored[0]!.sedation).toEqual({ scale: 'RASS', score: 0 });
    const none = monitor({ sedation: null }).readUntil(T0 + 10 * MIN);
    expect(none.some((s) => s.sedation !== undefined)).toBe(false);
  });

  it('leaves SpO2 out while the probe is off, and puts it back when it is on', () => {
    const m = monitor();
    m.readUntil(T0 + MIN);
    m.startArtifact('probe-off', { durationSeconds: 30 });
    const during = m.readUntil(T0 + MIN + 30_000);
    expect(during).toHaveLength(30);
    for (const s of during) {
      expect(s.spo2).toBeUndefined();
      expect(s.hr).toBeDefined();
    }
    const after = m.readUntil(T0 + 2 * MIN);
    expect(after.every((s) => s.spo2 !== undefined)).toBe(true);
  });

  it('reads SpO2 falsely low during motion', () => {
    const quiet = monitor().readUntil(T0 + MIN);
    const m = monitor();
    m.startArtifact('motion', { durationSeconds: 60 });
    const moving = m.readUntil(T0 + MIN);
    const mean = (s: Sample[]) => s.reduce((a, x) => a + (x.spo2 ?? 0), 0) / s.length;
    expect(mean(quiet) - mean(moving)).toBeGreaterThan(3);
  });

  it('sends nothing at all while the feed is lost, then resumes on schedule', () => {
    const m = monitor();
    m.readUntil(T0 + MIN);
    m.startArtifact('feed-loss');
    expect(m.readUntil(T0 + 6 * MIN)).toEqual([]);
    m.endArtifact('feed-loss');
    const back = m.readUntil(T0 + 7 * MIN);
    expect(back).toHaveLength(60);
    expect(back[0]!.at).toBe('2026-11-21T09:06:01.000Z');
  });

  it('takes a capnography line off as a missing EtCO2', () => {
    const m = monitor();
    m.startArtifact('probe-off', { sensor: 'etco2' });
    const samples = m.readUntil(T0 + 10_000);
    expect(samples.every((s) => s.etco2 === undefined && s.spo2 !== undefined)).toBe(true);
  });
});

describe('vitals monitor with time speed-up', () => {
  it('keeps 1 Hz sample time while the patient lives 10 s per sample', () => {
    const m = monitor({ speed: 10 });
    const samples = m.readUntil(m.modelTime(T0 + 60_000));
    expect(samples).toHaveLength(61);
    expect(samples[60]!.at).toBe('2026-11-21T09:01:00.000Z');
    expect(m.physiology.atMs).toBe(T0 + 10 * MIN);
    // Cuff every 5 model minutes = every 30 s of sample time.
    expect(withBp(samples).map((s) => s.at)).toEqual([
      '2026-11-21T09:00:00.000Z',
      '2026-11-21T09:00:30.000Z',
      '2026-11-21T09:01:00.000Z',
    ]);
  });

  it('refuses a non-positive speed', () => {
    expect(() => monitor({ speed: 0 })).toThrow(RangeError);
  });
});
