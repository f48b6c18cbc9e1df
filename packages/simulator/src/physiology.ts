import { infusionRateMgPerMin, KetaminePk, pumpRunsAfter } from './pk';
import type { InfusionEventType, PkConcentrations } from './pk';
import type { PatientProfile } from './patient';
import { createRng, deriveSeed } from './random';
import type { Rng } from './random';

/**
 * The patient's physiology during a ketamine infusion: PK -> effect site -> Emax responses,
 * plus slow physiological drift, plus whatever the trainer makes happen (excursions).
 *
 * No published concentration-effect model links ketamine to blood pressure or sedation
 * (CLINICAL.md 3), so the curves below are hyperbolic Emax curves on the effect-site
 * concentration, fitted so that a cohort reproduces CLINICAL.md 2 (calibration.test.ts checks it).
 */
export const KETAMINE_RESPONSE = {
  /**
   * Half-maximal hemodynamic effect, ng/mL. It sets how much of the rise outlasts the fast
   * fall of the concentration after the stop (about 240 -> 55 ng/mL in 20 min): at 190 a third
   * of the peak effect is left at ~45 ng/mL, and the slow terminal phase then takes the typical
   * patient back to within 5 mmHg of baseline 60-90 min after the stop, as reported.
   */
  hemodynamicEc50: 190,
  /**
   * The pressor response is sympathetic (catecholamine release and reuptake block), so it builds
   * and fades more slowly than the effect site equilibrates: a first-order lag on top of ke0.
   * It puts the peak at the end of the infusion rather than in its first minutes.
   */
  hemodynamicLagMin: 12,
  /** Emax of the SBP, DBP and HR rise for a typical patient (sensitivity 1). */
  sbpMaxRise: 29,
  dbpMaxRise: 20,
  hrMaxRise: 9,
  /** Sedation depth (0 = alert, 5 = no response) for the typical patient: sigmoid Emax. */
  sedationEc50: 600,
  sedationHill: 1.5,
  sedationMaxDepth: 5,
  /** Ketamine usually spares breathing: a slightly faster rate, a hint of CO2 rise and desaturation. */
  rrMaxRise: 1.5,
  etco2MaxRise: 1.5,
  spo2MaxFall: 1,
} as const;

/** Time constants and sizes of the slow drift (Ornstein-Uhlenbeck), per channel. */
const DRIFT = {
  tauMin: 8,
  sd: { hr: 3, sbp: 4, dbp: 2.5, spo2: 0.4, rr: 0.8, etco2: 1 },
} as const;

/** Beat-to-beat (reading-to-reading) variation seen on a 1 Hz monitor. */
const BEAT_SD = { hr: 1.2, spo2: 0.3, rr: 0.6, etco2: 0.6 } as const;

export const VITAL_CHANNELS = ['hr', 'sbp', 'dbp', 'spo2', 'rr', 'etco2', 'sedation'] as const;
export type VitalChannel = (typeof VITAL_CHANNELS)[number];

/**
 * A change the trainer (or a scenario) imposes on one channel: it ramps in over rampSeconds,
 * holds for holdSeconds, then ramps back over recoverSeconds. `toward` pulls the value to a
 * target (a desaturation to 85 %); `by` adds to it (a surge of +50 mmHg).
 */
export interface Excursion {
  readonly channel: VitalChannel;
  readonly mode: 'toward' | 'by';
  readonly value: number;
  readonly rampSeconds: number;
  /** Infinity (the default) holds until a `recover` event. */
  readonly holdSeconds?: number;
  readonly recoverSeconds?: number;
}

interface ActiveExcursion extends Excursion {
  readonly startMs: number;
  endMs: number;
  recoverMs: number;
}

/** The true physiological state, before the monitor measures it. */
export interface Vitals {
  readonly hr: number;
  readonly sbp: number;
  readonly dbp: number;
  readonly spo2: number;
  readonly rr: number;
  readonly etco2: number;
  /** Sedation depth: 0 alert and calm, 5 unresponsive; negative = agitated. */
  readonly sedationDepth: number;
  /** MOAA/S 0..5 (CLINICAL.md 4). */
  readonly moaas: number;
  /** RASS -5..+4 (CLINICAL.md 4). */
  readonly rass: number;
}

/** What ketamine alone adds to the baseline (no drift, no excursions): the calibration target. */
export interface DrugEffect {
  readonly hr: number;
  readonly sbp: number;
  readonly dbp: number;
  readonly spo2: number;
  readonly rr: number;
  readonly etco2: number;
  readonly sedationDepth: number;
}

export interface InfusionPlan {
  readonly doseMgPerKg: number;
  readonly plannedMinutes: number;
}

export interface PhysiologyOptions {
  readonly patient: PatientProfile;
  readonly infusion: InfusionPlan;
  /** Simulation clock origin, epoch ms. Time is always passed in; the model never reads a clock. */
  readonly startAtMs: number;
  /** Seed for the drift and beat noise (defaults to the patient's). */
  readonly seed?: number;
  /** Integration step; 1 s for a live monitor, coarser for cohort statistics. */
  readonly stepSeconds?: number;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

function hyperbolic(c: number, ec50: number): number {
  return c / (ec50 + c);
}

export function moaasFromDepth(depth: number): number {
  return clamp(Math.round(5 - depth), 0, 5);
}

export function rassFromDepth(depth: number): number {
  const score = clamp(Math.round(-depth), -5, 4);
  // Math.round(-0.2) is -0; a score goes into JSON and comparisons, so normalise it.
  return score === 0 ? 0 : score;
}

/**
 * Ketamine's effect for a patient at an effect-site concentration (ng/mL). `pressorFraction` is
 * the lagged hemodynamic response (0..1 of Emax); by default the steady state for that concentration.
 */
export function drugEffect(
  patient: PatientProfile,
  effectSiteNgPerMl: number,
  pressorFraction = hyperbolic(effectSiteNgPerMl, KETAMINE_RESPONSE.hemodynamicEc50),
): DrugEffect {
  const r = KETAMINE_RESPONSE;
  const f = pressorFraction;
  const s = patient.hemodynamicSensitivity;
  const sedation = effectSiteNgPerMl ** r.sedationHill;
  return {
    sbp: r.sbpMaxRise * s * f,
    dbp: r.dbpMaxRise * s * f,
    // HR responds less consistently than pressure (CLINICAL.md 2: pulse +1.9 in one cohort).
    hr: r.hrMaxRise * Math.sqrt(s) * f,
    rr: r.rrMaxRise * f,
    etco2: r.etco2MaxRise * f,
    spo2: -r.spo2MaxFall * f,
    sedationDepth:
      r.sedationMaxDepth *
      Math.min(
        1,
        patient.sedationSensitivity * (sedation / (r.sedationEc50 ** r.sedationHill + sedation)),
      ),
  };
}

export class Physiology {
  readonly patient: PatientProfile;
  readonly infusion: InfusionPlan;
  readonly rateMgPerMin: number;
  readonly plannedDoseMg: number;
  private complete = false;
  private readonly pk: KetaminePk;
  private readonly noise: Rng;
  private readonly stepMs: number;
  private nowMs: number;
  private pumpRunning = false;
  private readonly drift = { hr: 0, sbp: 0, dbp: 0, spo2: 0, rr: 0, etco2: 0 };
  private excursions: ActiveExcursion[] = [];
  /** The lagged pressor response, as a fraction of the patient's Emax (see hemodynamicLagMin). */
  private pressor = 0;

  constructor(options: PhysiologyOptions) {
    this.patient = options.patient;
    this.infusion = options.infusion;
    this.plannedDoseMg = options.patient.weightKg * options.infusion.doseMgPerKg;
    this.rateMgPerMin = infusionRateMgPerMin(
      options.patient.weightKg,
      options.infusion.doseMgPerKg,
      options.infusion.plannedMinutes,
    );
    this.pk = new KetaminePk({
      weightKg: options.patient.weightKg,
      ke0PerMin: options.patient.ke0PerMin,
      clearanceFactor: options.patient.clearanceFactor,
    });
    this.noise = createRng(deriveSeed(options.seed ?? options.patient.seed, 'physiology-noise'));
    this.stepMs = (options.stepSeconds ?? 1) * 1000;
    this.nowMs = options.startAtMs;
  }

  get atMs(): number {
    return this.nowMs;
  }

  get infusing(): boolean {
    return this.pumpRunning;
  }

  get concentrations(): PkConcentrations {
    return this.pk.concentrations;
  }

  get infusedMg(): number {
    return this.pk.state.infusedMg;
  }

  /** Runs the model forward to atMs in fixed steps (the last one may be shorter). */
  advanceTo(atMs: number): void {
    if (atMs < this.nowMs) throw new RangeError(`cannot go back in time: ${atMs} < ${this.nowMs}`);
    while (this.nowMs < atMs) {
      let dtMs = Math.min(this.stepMs, atMs - this.nowMs);
      // Like a real pump with a volume to be infused, it stops by itself when the planned dose is
      // in, however long it was paused: the step is cut at that moment so the dose is exact.
      let completes = false;
      if (this.pumpRunning) {
        const msToEmpty =
          ((this.plannedDoseMg - this.pk.state.infusedMg) / this.rateMgPerMin) * 60_000;
        if (msToEmpty <= dtMs) {
          dtMs = Math.max(0, msToEmpty);
          completes = true;
        }
      }
      this.pk.advance(dtMs / 60_000, this.pumpRunning ? this.rateMgPerMin : 0);
      if (completes) {
        this.pumpRunning = false;
        this.complete = true;
      }
      this.stepDrift(dtMs);
      const target = hyperbolic(
        this.pk.concentrations.effectSiteNgPerMl,
        KETAMINE_RESPONSE.hemodynamicEc50,
      );
      this.pressor +=
        (target - this.pressor) *
        (1 - Math.exp(-dtMs / 60_000 / KETAMINE_RESPONSE.hemodynamicLagMin));
      this.nowMs += dtMs;
    }
    // Finished excursions would otherwise pile up over a long run.
    this.excursions = this.excursions.filter((e) => this.nowMs < e.endMs + e.recoverMs);
  }

  /** A pump event (start, pause, resume, stop) at the current time. An emptied pump stays off. */
  applyInfusionEvent(event: InfusionEventType): void {
    this.pumpRunning = pumpRunsAfter(event) && !this.complete;
  }

  /** The whole planned dose has been given. */
  get doseComplete(): boolean {
    return this.complete;
  }

  /** Starts an excursion at the current time. */
  startExcursion(excursion: Excursion): void {
    this.excursions.push({
      ...excursion,
      startMs: this.nowMs,
      endMs: this.nowMs + excursion.rampSeconds * 1000 + (excursion.holdSeconds ?? Infinity) * 1000,
      recoverMs: (excursion.recoverSeconds ?? 60) * 1000,
    });
  }

  /** Ends every held excursion (the nurse intervened): each ramps back over overSeconds. */
  recover(overSeconds: number, channels?: readonly VitalChannel[]): void {
    for (const e of this.excursions) {
      if (channels !== undefined && !channels.includes(e.channel)) continue;
      if (e.endMs > this.nowMs) {
        // Recover from wherever the ramp has got to: shift the end so the weight is continuous.
        const w = this.weight(e);
        e.recoverMs = overSeconds * 1000;
        e.endMs = this.nowMs - (1 - w) * e.recoverMs;
      }
    }
  }

  private stepDrift(dtMs: number): void {
    const decay = Math.exp(-dtMs / 60_000 / DRIFT.tauMin);
    const spread = Math.sqrt(1 - decay * decay);
    const d = this.drift;
    const z = this.noise;
    d.hr = d.hr * decay + DRIFT.sd.hr * spread * z.normal();
    d.sbp = d.sbp * decay + DRIFT.sd.sbp * spread * z.normal();
    d.dbp = d.dbp * decay + DRIFT.sd.dbp * spread * z.normal();
    d.spo2 = d.spo2 * decay + DRIFT.sd.spo2 * spread * z.normal();
    d.rr = d.rr * decay + DRIFT.sd.rr * spread * z.normal();
    d.etco2 = d.etco2 * decay + DRIFT.sd.etco2 * spread * z.normal();
  }

  /** 0..1: how far an excursion has ramped in at the current time. */
  private weight(e: ActiveExcursion): number {
    const t = this.nowMs;
    if (t < e.startMs) return 0;
    const rampMs = e.rampSeconds * 1000;
    if (t < e.endMs) return rampMs <= 0 ? 1 : Math.min(1, (t - e.startMs) / rampMs);
    if (e.recoverMs <= 0) return 0;
    return Math.max(0, 1 - (t - e.endMs) / e.recoverMs);
  }

  private applyExcursions(channel: VitalChannel, value: number): number {
    let v = value;
    for (const e of this.excursions) {
      if (e.channel !== channel) continue;
      const w = this.weight(e);
      v = e.mode === 'toward' ? v + (e.value - v) * w : v + e.value * w;
    }
    return v;
  }

  /** Ketamine's effect at the current effect-site concentration. */
  get drugEffect(): DrugEffect {
    return drugEffect(this.patient, this.pk.concentrations.effectSiteNgPerMl, this.pressor);
  }

  /** The true state now: baseline + drug + drift, then the imposed excursions, then coupling. */
  get vitals(): Vitals {
    const b = this.patient.baseline;
    const drug = this.drugEffect;
    const d = this.drift;
    const depth = this.applyExcursions('sedation', drug.sedationDepth);
    // Deep sedation (beyond MOAA/S 3) slows breathing: ketamine spares it only up to a point.
    const respiratoryDepression = Math.max(0, depth - 2);
    const ownRr = b.rr + drug.rr + d.rr;
    const rr = clamp(this.applyExcursions('rr', ownRr - 2.5 * respiratoryDepression), 0, 60);
    // EtCO2 rises as alveolar ventilation falls (PaCO2 is inversely proportional to it). Only a
    // slowing imposed by sedation or an event counts: the natural wander of the rate is matched
    // by the depth of breathing. With no breaths the capnograph sees no exhaled CO2 and reads 0.
    const ventilation = rr < 1 ? 0 : clamp(rr / Math.max(1, ownRr), 0.3, 2);
    const etco2 =
      ventilation === 0
        ? 0
        : clamp(
            this.applyExcursions('etco2', (b.etco2 + drug.etco2 + d.etco2) / ventilation),
            0,
            120,
          );
    // Room air: the alveolar gas equation takes about 1.25 mmHg of O2 per mmHg of CO2 above
    // normal; on the flat top of the dissociation curve that costs roughly 0.3 % SpO2 per mmHg.
    const hypercapnia = Math.max(0, etco2 - 45);
    const spo2 = clamp(
      this.applyExcursions('spo2', b.spo2 + drug.spo2 + d.spo2 - 0.3 * hypercapnia),
      40,
      100,
    );
    const hr = clamp(this.applyExcursions('hr', b.hr + drug.hr + d.hr), 20, 220);
    const sbp = clamp(this.applyExcursions('sbp', b.sbp + drug.sbp + d.sbp), 40, 280);
    // Diastolic drift follows half the systolic drift: vascular tone moves both.
    const dbp = clamp(
      this.applyExcursions('dbp', b.dbp + drug.dbp + 0.5 * d.sbp + d.dbp),
      20,
      sbp - 15,
    );
    return {
      hr,
      sbp,
      dbp,
      spo2,
      rr,
      etco2,
      sedationDepth: depth,
      moaas: moaasFromDepth(depth),
      rass: rassFromDepth(depth),
    };
  }

  /** One monitor reading's worth of beat-to-beat variation on top of the true state. */
  beat(): Vitals {
    const v = this.vitals;
    const z = this.noise;
    return {
      ...v,
      hr: v.hr + BEAT_SD.hr * z.normal(),
      spo2: Math.min(100, v.spo2 + BEAT_SD.spo2 * z.normal()),
      rr: Math.max(0, v.rr + (v.rr < 1 ? 0 : BEAT_SD.rr * z.normal())),
      etco2: Math.max(0, v.etco2 + (v.etco2 === 0 ? 0 : BEAT_SD.etco2 * z.normal())),
    };
  }
}
