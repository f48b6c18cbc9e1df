import { createRng, deriveSeed } from './random';
import type { Rng } from './random';

/**
 * A simulated patient: who sits in the chair before any drug, and how strongly this person
 * responds to ketamine. Everything is drawn from the seed, so "patient 17" is the same person
 * in every replay.
 */
export interface PatientProfile {
  readonly seed: number;
  readonly ageYears: number;
  readonly weightKg: number;
  /** Resting values before the infusion (the session baseline). */
  readonly baseline: {
    readonly hr: number;
    readonly sbp: number;
    readonly dbp: number;
    readonly spo2: number;
    readonly rr: number;
    readonly etco2: number;
  };
  /** Multiplies the cohort's blood-pressure and heart-rate response (1 = typical patient). */
  readonly hemodynamicSensitivity: number;
  /** Multiplies the cohort's sedation response (1 = typical; > 2 sedates deeply at 0.5 mg/kg). */
  readonly sedationSensitivity: number;
  /** Multiplies Domino's elimination rate (k10): faster or slower metabolisers. */
  readonly clearanceFactor: number;
  /** Effect-site equilibration rate, /min (CLINICAL.md 3: 0.5-1 /min). */
  readonly ke0PerMin: number;
}

export type PatientOverrides = Partial<Omit<PatientProfile, 'baseline' | 'seed'>> & {
  readonly baseline?: Partial<PatientProfile['baseline']>;
};

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

/**
 * Cohort figures. Adults treated for depression, PTSD or pain: ages about 20-75; resting blood
 * pressure rises with age (about +0.5 mmHg systolic per year in adults), which together with a
 * stronger ketamine response at older age reproduces the Yale finding that the risk of severe
 * hypertension rises with age.
 */
const COHORT = {
  ageMean: 45,
  ageSd: 13,
  weightMean: 82,
  weightSd: 17,
  sbpAt45: 121,
  sbpPerYear: 0.45,
  sbpSd: 11,
  dbpAt45: 75,
  dbpPerYear: 0.1,
  dbpSd: 6,
  hrMean: 73,
  hrSd: 9,
  /** CV of the hemodynamic response: spreads the SBP rise to the published SD of 11 mmHg. */
  hemodynamicCv: 0.4,
  /** Older patients respond more (CLINICAL.md 2: larger in age >= 50). */
  hemodynamicPerYear: 0.008,
  sedationCv: 0.4,
  clearanceCv: 0.25,
} as const;

export function drawPatient(seed: number, overrides: PatientOverrides = {}): PatientProfile {
  const rng: Rng = createRng(deriveSeed(seed, 'patient'));
  const ageYears = Math.round(clamp(rng.normal(COHORT.ageMean, COHORT.ageSd), 19, 80));
  const weightKg = Math.round(clamp(rng.normal(COHORT.weightMean, COHORT.weightSd), 45, 150));
  const age = overrides.ageYears ?? ageYears;
  // Systolic and diastolic share most of their between-person variation.
  const pressureZ = rng.normal();
  const sbp = COHORT.sbpAt45 + COHORT.sbpPerYear * (age - 45) + COHORT.sbpSd * pressureZ;
  const dbp =
    COHORT.dbpAt45 +
    COHORT.dbpPerYear * (age - 45) +
    COHORT.dbpSd * (0.6 * pressureZ + 0.8 * rng.normal());
  const baseline = {
    hr: Math.round(clamp(rng.normal(COHORT.hrMean, COHORT.hrSd), 52, 105)),
    sbp: Math.round(clamp(sbp, 95, 170)),
    dbp: Math.round(clamp(dbp, 55, 100)),
    spo2: Math.round(clamp(rng.normal(97.5, 1), 95, 100)),
    rr: Math.round(clamp(rng.normal(14, 2), 10, 20)),
    etco2: Math.round(clamp(rng.normal(37, 2.5), 32, 43)),
  };
  const ageFactor = Math.max(0.5, 1 + COHORT.hemodynamicPerYear * (age - 45));
  return {
    seed,
    ageYears: age,
    weightKg: overrides.weightKg ?? weightKg,
    hemodynamicSensitivity:
      overrides.hemodynamicSensitivity ?? rng.logNormalFactor(COHORT.hemodynamicCv) * ageFactor,
    sedationSensitivity: overrides.sedationSensitivity ?? rng.logNormalFactor(COHORT.sedationCv),
    clearanceFactor: overrides.clearanceFactor ?? rng.logNormalFactor(COHORT.clearanceCv),
    ke0PerMin: overrides.ke0PerMin ?? rng.uniform(0.5, 1),
    baseline: { ...baseline, ...overrides.baseline },
  };
}

/** n patients from one cohort seed: patient i always gets the same derived seed. */
export function drawCohort(seed: number, n: number): PatientProfile[] {
  return Array.from({ length: n }, (_, i) => drawPatient(deriveSeed(seed, `cohort-${i}`)));
}
