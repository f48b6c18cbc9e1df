import type { SessionEventType } from '@chairside/core';

/**
 * Ketamine pharmacokinetics for the simulator.
 *
 * Model choice: Domino et al. 1984, three compartments (CLINICAL.md section 3). A 40-minute
 * infusion is short compared with ketamine's terminal half-life, so what the nurse sees is
 * governed by distribution: Domino's small central volume with fast exchange gives the quick
 * fall after the pump stops and a slow tail, which is the shape of the reported blood-pressure
 * course. The two-compartment Clements & Nimmo model (one large central volume, 1.75 L/kg) has
 * no such fast phase, and the Kamp meta-analysis gives only a volume and a clearance, not a
 * time course. Domino's volumes are per kilogram, so they scale with the patient's weight;
 * with a weight-based dose the concentrations are then weight-independent.
 *
 * An effect-site compartment (ke0, 0.5-1 /min as commonly assumed) carries the delay between
 * plasma concentration and the blood-pressure and sedation response.
 *
 * The model is linear with a piecewise-constant pump rate, so each step is integrated exactly
 * with the matrix exponential of the augmented system (no step-size error); the closed-form
 * constant-rate solution below is there to check it.
 */

/** Per-kilogram central volume and first-order rate constants per minute. */
export interface PkParameters {
  readonly v1LitresPerKg: number;
  readonly k10: number;
  readonly k12: number;
  readonly k13: number;
  readonly k21: number;
  readonly k31: number;
}

/** Domino et al. 1984, as tabulated in CLINICAL.md section 3 (per kg, per minute). */
export const DOMINO_1984: PkParameters = {
  v1LitresPerKg: 0.063,
  k10: 0.4381,
  k12: 0.5921,
  k13: 0.59,
  k21: 0.247,
  k31: 0.0146,
};

/** Effect-site equilibration; the middle of the commonly assumed 0.5-1 /min. */
export const DEFAULT_KE0_PER_MIN = 0.7;

export interface KetaminePkOptions {
  readonly weightKg: number;
  readonly ke0PerMin?: number;
  readonly parameters?: PkParameters;
  /** Multiplies k10: patient-to-patient variation in clearance (1 = the published mean). */
  readonly clearanceFactor?: number;
}

/** Amounts in milligrams; the effect site as a concentration (it holds no mass by convention). */
export interface PkState {
  readonly centralMg: number;
  readonly peripheralFastMg: number;
  readonly peripheralSlowMg: number;
  readonly effectSiteMgPerL: number;
  readonly eliminatedMg: number;
  readonly infusedMg: number;
}

export interface PkConcentrations {
  /** Plasma (central) concentration, ng/mL. */
  readonly plasmaNgPerMl: number;
  /** Effect-site concentration, ng/mL: what drives the blood pressure and sedation. */
  readonly effectSiteNgPerMl: number;
}

/** The session events that drive the pump. */
export type InfusionEventType = Extract<
  SessionEventType,
  'infusion-started' | 'infusion-paused' | 'infusion-resumed' | 'infusion-stopped'
>;

/** Pump rate for a session: weight x dose spread evenly over the planned minutes. */
export function infusionRateMgPerMin(
  weightKg: number,
  doseMgPerKg: number,
  plannedMinutes: number,
): number {
  return (weightKg * doseMgPerKg) / plannedMinutes;
}

/** Whether the pump runs after the event. */
export function pumpRunsAfter(event: InfusionEventType): boolean {
  switch (event) {
    case 'infusion-started':
    case 'infusion-resumed':
      return true;
    case 'infusion-paused':
    case 'infusion-stopped':
      return false;
  }
}

type Matrix = number[][];

const STATE_SIZE = 5; // central, fast, slow, effect site, eliminated
const AUGMENTED_SIZE = STATE_SIZE + 1; // plus the constant pump input

function zeros(n: number): Matrix {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

function at(m: Matrix, i: number, j: number): number {
  return m[i]?.[j] ?? 0;
}

function set(m: Matrix, i: number, j: number, v: number): void {
  const row = m[i];
  if (row !== undefined) row[j] = v;
}

function multiply(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const out = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += at(a, i, k) * at(b, k, j);
      set(out, i, j, s);
    }
  }
  return out;
}

/** exp(M) by scaling and squaring with a Taylor series: exact to rounding for these small stiff-free systems. */
export function matrixExponential(m: Matrix): Matrix {
  const n = m.length;
  let norm = 0;
  for (const row of m)
    norm = Math.max(
      norm,
      row.reduce((s, v) => s + Math.abs(v), 0),
    );
  const squarings = Math.max(0, Math.ceil(Math.log2(norm / 0.25)));
  const scale = 2 ** -squarings;
  const scaled = m.map((row) => row.map((v) => v * scale));
  let result = zeros(n);
  for (let i = 0; i < n; i++) set(result, i, i, 1);
  let term = result.map((row) => [...row]);
  for (let k = 1; k <= 20; k++) {
    term = multiply(term, scaled).map((row) => row.map((v) => v / k));
    result = result.map((row, i) => row.map((v, j) => v + at(term, i, j)));
  }
  for (let s = 0; s < squarings; s++) result = multiply(result, result);
  return result;
}

interface Transition {
  /** exp(A dt) for the five states, and the response to 1 mg/min held over dt. */
  readonly phi: Matrix;
  readonly gamma: readonly number[];
}

export class KetaminePk {
  readonly weightKg: number;
  readonly ke0PerMin: number;
  readonly v1Litres: number;
  readonly k10: number;
  readonly parameters: PkParameters;
  private x: number[] = new Array<number>(STATE_SIZE).fill(0);
  private infused = 0;
  private readonly transitions = new Map<number, Transition>();

  constructor(options: KetaminePkOptions) {
    if (!(options.weightKg > 0))
      throw new RangeError(`weightKg must be positive, got ${options.weightKg}`);
    this.parameters = options.parameters ?? DOMINO_1984;
    this.weightKg = options.weightKg;
    this.ke0PerMin = options.ke0PerMin ?? DEFAULT_KE0_PER_MIN;
    this.v1Litres = this.parameters.v1LitresPerKg * options.weightKg;
    this.k10 = this.parameters.k10 * (options.clearanceFactor ?? 1);
  }

  /** The system matrix, augmented with a column for the pump input (1 mg/min). */
  private augmentedMatrix(): Matrix {
    const { k12, k13, k21, k31 } = this.parameters;
    const a = zeros(AUGMENTED_SIZE);
    set(a, 0, 0, -(this.k10 + k12 + k13));
    set(a, 0, 1, k21);
    set(a, 0, 2, k31);
    set(a, 1, 0, k12);
    set(a, 1, 1, -k21);
    set(a, 2, 0, k13);
    set(a, 2, 2, -k31);
    set(a, 3, 0, this.ke0PerMin / this.v1Litres);
    set(a, 3, 3, -this.ke0PerMin);
    set(a, 4, 0, this.k10);
    set(a, 0, STATE_SIZE, 1);
    return a;
  }

  private transition(dtMin: number): Transition {
    const cached = this.transitions.get(dtMin);
    if (cached !== undefined) return cached;
    const e = matrixExponential(this.augmentedMatrix().map((row) => row.map((v) => v * dtMin)));
    const phi = e.slice(0, STATE_SIZE).map((row) => row.slice(0, STATE_SIZE));
    const gamma = e.slice(0, STATE_SIZE).map((row) => row[STATE_SIZE] ?? 0);
    const t: Transition = { phi, gamma };
    // A simulation uses one or two step sizes; the cache stays tiny.
    if (this.transitions.size < 16) this.transitions.set(dtMin, t);
    return t;
  }

  /** Advance by dtMin minutes with the pump at a constant rate (mg/min; 0 when stopped). */
  advance(dtMin: number, rateMgPerMin: number): void {
    if (dtMin < 0) throw new RangeError(`time cannot run backwards (dt ${dtMin} min)`);
    if (dtMin === 0) return;
    const { phi, gamma } = this.transition(dtMin);
    const next = new Array<number>(STATE_SIZE).fill(0);
    for (let i = 0; i < STATE_SIZE; i++) {
      let s = (gamma[i] ?? 0) * rateMgPerMin;
      const row = phi[i];
      if (row !== undefined)
        for (let j = 0; j < STATE_SIZE; j++) s += (row[j] ?? 0) * (this.x[j] ?? 0);
      // Rounding can leave -1e-18 where the true value is 0; a concentration is never negative.
      next[i] = Math.max(0, s);
    }
    this.x = next;
    this.infused += rateMgPerMin * dtMin;
  }

  get state(): PkState {
    return {
      centralMg: this.x[0] ?? 0,
      peripheralFastMg: this.x[1] ?? 0,
      peripheralSlowMg: this.x[2] ?? 0,
      effectSiteMgPerL: this.x[3] ?? 0,
      eliminatedMg: this.x[4] ?? 0,
      infusedMg: this.infused,
    };
  }

  /** Drug still in the body (the three compartments), mg. */
  get amountInBodyMg(): number {
    return (this.x[0] ?? 0) + (this.x[1] ?? 0) + (this.x[2] ?? 0);
  }

  get concentrations(): PkConcentrations {
    // mg/L = ug/mL; x1000 gives ng/mL, the unit assays report.
    return {
      plasmaNgPerMl: ((this.x[0] ?? 0) / this.v1Litres) * 1000,
      effectSiteNgPerMl: (this.x[3] ?? 0) * 1000,
    };
  }
}

/** Disposition exponents (lambda, /min) and unit-bolus concentration coefficients (1/L). */
export interface Disposition {
  readonly lambdas: readonly [number, number, number];
  readonly coefficients: readonly [number, number, number];
}

/**
 * The three-exponential disposition of a mammillary three-compartment model: the roots of
 * lambda^3 - a2 lambda^2 + a1 lambda - a0 = 0 (trigonometric solution; all three are real and
 * positive), and C_i = (k21 - l_i)(k31 - l_i) / ((l_j - l_i)(l_k - l_i)) / V1.
 */
export function disposition(options: KetaminePkOptions): Disposition {
  const p = options.parameters ?? DOMINO_1984;
  const k10 = p.k10 * (options.clearanceFactor ?? 1);
  const { k12, k13, k21, k31 } = p;
  const v1 = p.v1LitresPerKg * options.weightKg;
  const a0 = k10 * k21 * k31;
  const a1 = k10 * k31 + k21 * k31 + k21 * k13 + k10 * k21 + k31 * k12;
  const a2 = k10 + k12 + k13 + k21 + k31;
  const pp = a1 - (a2 * a2) / 3;
  const q = (-2 * a2 ** 3) / 27 + (a1 * a2) / 3 - a0;
  const r = 2 * Math.sqrt(-pp / 3);
  const phi = Math.acos(Math.max(-1, Math.min(1, ((3 * q) / (2 * pp)) * Math.sqrt(-3 / pp)))) / 3;
  const roots = [0, 1, 2].map((k) => a2 / 3 + r * Math.cos(phi - (2 * Math.PI * k) / 3));
  const [l1 = 0, l2 = 0, l3 = 0] = roots;
  const coefficient = (li: number, lj: number, lk: number): number =>
    ((k21 - li) * (k31 - li)) / ((lj - li) * (lk - li)) / v1;
  return {
    lambdas: [l1, l2, l3],
    coefficients: [coefficient(l1, l2, l3), coefficient(l2, l1, l3), coefficient(l3, l1, l2)],
  };
}

/**
 * Closed-form plasma and effect-site concentrations for ONE constant-rate infusion of
 * rateMgPerMin from time 0 to durationMin, at time tMin (any t >= 0): the sum of exponentials
 * for an infusion, and after the stop the superposition C(t) - C(t - T).
 */
export function closedFormInfusion(
  options: KetaminePkOptions,
  rateMgPerMin: number,
  durationMin: number,
  tMin: number,
): PkConcentrations {
  const { lambdas, coefficients } = disposition(options);
  const ke0 = options.ke0PerMin ?? DEFAULT_KE0_PER_MIN;
  const running = (t: number): { plasma: number; effect: number } => {
    if (t <= 0) return { plasma: 0, effect: 0 };
    let plasma = 0;
    let effect = 0;
    for (let i = 0; i < 3; i++) {
      const l = lambdas[i] ?? 0;
      const c = coefficients[i] ?? 0;
      plasma += (c / l) * (1 - Math.exp(-l * t));
      effect +=
        ((c * ke0) / (ke0 - l)) * ((1 - Math.exp(-l * t)) / l - (1 - Math.exp(-ke0 * t)) / ke0);
    }
    return { plasma: plasma * rateMgPerMin, effect: effect * rateMgPerMin };
  };
  const on = running(tMin);
  const off = running(tMin - durationMin);
  return {
    plasmaNgPerMl: (on.plasma - off.plasma) * 1000,
    effectSiteNgPerMl: (on.effect - off.effect) * 1000,
  };
}
