import { PLAUSIBLE_RANGES } from '@chairside/core';
import type { Sample, SedationScale } from '@chairside/core';
import type { Physiology, Vitals } from './physiology';
import { createRng, deriveSeed } from './random';
import type { Rng } from './random';

/**
 * The bedside monitor: turns the true physiology into what a nurse's screen receives, as
 * core `Sample`s with source `simulator` (the feed enters through the same ingest as a device).
 * Continuous values (HR, SpO2, RR, EtCO2) every second; a cuff blood pressure every 5 minutes
 * and on demand (ASA: at least every 5 minutes); a sedation score at the interval the clinic
 * scores it; and the artifacts a real monitor produces.
 */

/**
 * Reading-to-reading error of an oscillometric cuff (SD, mmHg). Repeated cuff readings in a
 * resting adult differ by several mmHg; this is part of the spread in the published rises.
 */
export const CUFF_ERROR_SD = { sbp: 6, dbp: 5 } as const;

/**
 * - `probe-off`: the sensor reports nothing, so its value is missing from the samples
 *   (`spo2` pulse oximeter, `etco2` capnography line, `ecg` leads: HR).
 * - `motion`: a moving hand makes the oximeter read low and erratic (and the pulse rate jump).
 * - `feed-loss`: the monitor or its link dies: no samples at all.
 */
export type ArtifactKind = 'probe-off' | 'motion' | 'feed-loss';
export type Sensor = 'spo2' | 'etco2' | 'ecg';

export interface MonitorOptions {
  readonly physiology: Physiology;
  /** Seed for measurement error and artifacts (defaults to the patient's). */
  readonly seed?: number;
  /** Sample ids are `${idPrefix}-${epoch ms}`, so a resent batch is stored once. */
  readonly idPrefix?: string;
  readonly continuousIntervalSeconds?: number;
  readonly cuffIntervalMinutes?: number;
  /**
   * Time speed-up for training: the patient lives `speed` model seconds per second of sample
   * time, while the monitor still sends one sample per (sample-time) interval, so the feed looks
   * like a normal 1 Hz device whose patient happens to change faster. Intervals and artifact
   * durations are in model time. Default 1.
   */
  readonly speed?: number;
  /** null: the clinic does not score sedation. Default MOAA/S every 5 minutes. */
  readonly sedation?: { readonly scale: SedationScale; readonly intervalMinutes: number } | null;
}

interface ActiveArtifact {
  readonly kind: ArtifactKind;
  readonly sensor: Sensor;
  readonly untilMs: number;
}

function clampTo(parameter: keyof typeof PLAUSIBLE_RANGES, v: number): number {
  const r = PLAUSIBLE_RANGES[parameter];
  return Math.min(r.max, Math.max(r.min, Math.round(v)));
}

export class VitalsMonitor {
  readonly physiology: Physiology;
  private readonly rng: Rng;
  private readonly idPrefix: string;
  private readonly intervalMs: number;
  private readonly cuffIntervalMs: number;
  private readonly sedation: { readonly scale: SedationScale; readonly intervalMs: number } | null;
  private readonly originMs: number;
  private readonly speed: number;
  private lastTickMs: number;
  private nextCuffMs: number;
  private nextSedationMs: number;
  private cuffRequested = false;
  private artifacts: ActiveArtifact[] = [];

  constructor(options: MonitorOptions) {
    this.physiology = options.physiology;
    this.rng = createRng(deriveSeed(options.seed ?? options.physiology.patient.seed, 'monitor'));
    this.idPrefix = options.idPrefix ?? `sim-${options.physiology.patient.seed}`;
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`speed must be positive, got ${this.speed}`);
    this.intervalMs = (options.continuousIntervalSeconds ?? 1) * 1000 * this.speed;
    this.cuffIntervalMs = (options.cuffIntervalMinutes ?? 5) * 60_000;
    const sedation =
      options.sedation === undefined
        ? { scale: 'MOAA/S' as const, intervalMinutes: 5 }
        : options.sedation;
    this.sedation =
      sedation === null
        ? null
        : { scale: sedation.scale, intervalMs: sedation.intervalMinutes * 60_000 };
    this.originMs = options.physiology.atMs;
    // The first tick is at the origin itself, so a fresh monitor shows a full set at once.
    this.lastTickMs = this.originMs - this.intervalMs;
    this.nextCuffMs = this.originMs;
    this.nextSedationMs = this.originMs;
  }

  /** Sample time (`at`, epoch ms) of a model time. */
  sampleTime(modelMs: number): number {
    return Math.round(this.originMs + (modelMs - this.originMs) / this.speed);
  }

  /** Model time of a sample time. */
  modelTime(sampleMs: number): number {
    return this.originMs + (sampleMs - this.originMs) * this.speed;
  }

  /** Model time of the last sample tick (emitted or swallowed by an artifact). */
  get atMs(): number {
    return Math.max(this.lastTickMs, this.originMs);
  }

  /** The nurse presses "BP now": the next tick carries a cuff reading. */
  requestCuff(): void {
    this.cuffRequested = true;
  }

  /** Starts an artifact now, for durationSeconds or until ended (Infinity). */
  startArtifact(
    kind: ArtifactKind,
    options: { durationSeconds?: number; sensor?: Sensor } = {},
  ): void {
    const duration = options.durationSeconds ?? Infinity;
    this.artifacts.push({
      kind,
      sensor: options.sensor ?? 'spo2',
      untilMs: this.atMs + duration * 1000,
    });
  }

  /** The probe is back on / the feed is back: ends artifacts of that kind. */
  endArtifact(kind: ArtifactKind): void {
    this.artifacts = this.artifacts.filter((a) => a.kind !== kind);
  }

  private active(kind: ArtifactKind, atMs: number): ActiveArtifact[] {
    return this.artifacts.filter((a) => a.kind === kind && atMs <= a.untilMs);
  }

  /**
   * Advances the patient to model time toMs and returns the samples the monitor sends for every
   * tick after the previous call up to and including toMs, ascending by time.
   */
  readUntil(toMs: number): Sample[] {
    const out: Sample[] = [];
    for (let tick = this.lastTickMs + this.intervalMs; tick <= toMs; tick += this.intervalMs) {
      this.physiology.advanceTo(tick);
      this.lastTickMs = tick;
      const sample = this.measure(tick, this.physiology.beat());
      if (sample !== null) out.push(sample);
    }
    this.artifacts = this.artifacts.filter((a) => a.untilMs > this.lastTickMs);
    return out;
  }

  private measure(atMs: number, v: Vitals): Sample | null {
    const stamp = this.sampleTime(atMs);
    const sample: Sample = {
      id: `${this.idPrefix}-${stamp}`,
      at: new Date(stamp).toISOString(),
      source: 'simulator',
    };
    const off = new Set(this.active('probe-off', atMs).map((a) => a.sensor));
    const moving = this.active('motion', atMs).length > 0;

    if (!off.has('ecg')) {
      // Motion shakes the pulse rate the monitor counts as well as the saturation.
      sample.hr = clampTo('hr', v.hr + (moving ? this.rng.normal(0, 12) : 0));
    }
    if (!off.has('spo2')) {
      // A moving finger reads falsely LOW: venous pulsation is taken for arterial.
      const motionError = moving ? Math.abs(this.rng.normal(0, 6)) + 2 : 0;
      sample.spo2 = clampTo('spo2', v.spo2 - motionError);
    }
    sample.rr = clampTo('rr', v.rr);
    if (!off.has('etco2')) sample.etco2 = clampTo('etco2', v.etco2);

    if (this.cuffRequested || atMs >= this.nextCuffMs) {
      const sbp = clampTo('sbp', v.sbp + this.rng.normal(0, CUFF_ERROR_SD.sbp));
      const dbp = Math.min(sbp - 10, clampTo('dbp', v.dbp + this.rng.normal(0, CUFF_ERROR_SD.dbp)));
      sample.sbp = sbp;
      sample.dbp = dbp;
      this.cuffRequested = false;
      // An on-demand reading restarts the 5-minute cycle, as cuff monitors do.
      this.nextCuffMs = atMs + this.cuffIntervalMs;
    }
    if (this.sedation !== null && atMs >= this.nextSedationMs) {
      sample.sedation =
        this.sedation.scale === 'MOAA/S'
          ? { scale: 'MOAA/S', score: v.moaas }
          : { scale: 'RASS', score: v.rass };
      this.nextSedationMs += this.sedation.intervalMs;
    }
    // A dead feed sends nothing; the ticks still pass, so the cuff schedule stays on time.
    if (this.active('feed-loss', atMs).length > 0) return null;
    return sample;
  }
}
