import type { Sample } from '@chairside/core';
import { VitalsMonitor } from './measurement';
import type { MonitorOptions, Sensor } from './measurement';
import { drawPatient } from './patient';
import type { PatientOverrides, PatientProfile } from './patient';
import { Physiology } from './physiology';
import type { InfusionEventType } from './pk';

/**
 * Training scenarios as data: a patient, an infusion plan and a timeline of events applied to
 * the model. The same events can be injected live by the trainer during a run.
 *
 * Physiological events ramp in over `overSeconds`, hold for `holdSeconds` (default: until a
 * `recover` event, i.e. until the trainee's intervention is simulated) and ramp back over
 * `recoverSeconds` (default 60).
 */
interface Timing {
  readonly overSeconds: number;
  readonly holdSeconds?: number;
  readonly recoverSeconds?: number;
}

export type SimulatorEvent =
  | { readonly type: InfusionEventType }
  /** SpO2 falls to toSpo2 (e.g. airway obstruction). */
  | ({ readonly type: 'desaturate'; readonly toSpo2: number } & Timing)
  /** Breathing slows to toRr; EtCO2 rises with it (alveolar ventilation falls). */
  | ({ readonly type: 'hypoventilate'; readonly toRr: number } & Timing)
  | ({
      readonly type: 'hypertensive-surge';
      readonly sbpRise: number;
      readonly dbpRise: number;
    } & Timing)
  /** Sedation deepens to MOAA/S toMoaas; below MOAA/S 3 breathing slows with it. */
  | ({ readonly type: 'oversedate'; readonly toMoaas: number } & Timing)
  | ({
      readonly type: 'vasovagal';
      readonly toHr: number;
      readonly toSbp: number;
      readonly toDbp: number;
    } & Timing)
  | ({
      readonly type: 'emergence-agitation';
      readonly toRass: number;
      readonly hrRise: number;
      readonly sbpRise: number;
    } & Timing)
  /** The nurse intervened: everything held ramps back to the drug-driven physiology. */
  | { readonly type: 'recover'; readonly overSeconds: number }
  | { readonly type: 'probe-off'; readonly sensor?: Sensor; readonly seconds?: number }
  | { readonly type: 'probe-on'; readonly sensor?: Sensor }
  | { readonly type: 'motion'; readonly seconds: number }
  | { readonly type: 'feed-loss'; readonly seconds?: number }
  | { readonly type: 'feed-restored' }
  /** The nurse presses "BP now". */
  | { readonly type: 'cuff-now' };

export type SimulatorEventType = SimulatorEvent['type'];

export interface TimelineEntry {
  /** Model minutes from the start of the run. */
  readonly atMinute: number;
  readonly event: SimulatorEvent;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly patient?: PatientOverrides;
  readonly infusion: { readonly doseMgPerKg: number; readonly plannedMinutes: number };
  /** Model minutes the run lasts (pre-infusion + infusion + recovery). */
  readonly durationMinutes: number;
  /** How the bedside monitor reports, where the scenario needs more than the defaults. */
  readonly monitor?: Pick<MonitorOptions, 'sedation'>;
  readonly timeline: readonly TimelineEntry[];
}

/** 5 min of baseline readings, a 40-min infusion, 30 min of recovery (CLINICAL.md 1). */
const PRE = 5;
const PLANNED = 40;
const STOP = PRE + PLANNED;
const standardInfusion = [
  { atMinute: PRE, event: { type: 'infusion-started' } },
  { atMinute: STOP, event: { type: 'infusion-stopped' } },
] as const satisfies readonly TimelineEntry[];
const standard = {
  infusion: { doseMgPerKg: 0.5, plannedMinutes: PLANNED },
  durationMinutes: STOP + 30,
} as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'typical-response',
    title: 'Typical ketamine response',
    description:
      '0.5 mg/kg over 40 min: blood pressure and heart rate climb through the infusion, peak near its end (about +16/+11 mmHg) and settle over the next hour; light sedation (MOAA/S 4).',
    ...standard,
    patient: { ageYears: 42, hemodynamicSensitivity: 1, sedationSensitivity: 1 },
    timeline: [...standardInfusion],
  },
  {
    id: 'hypertensive-surge',
    title: 'Hypertensive surge',
    description:
      'A 68-year-old with treated hypertension: a strong pressor response, then a surge past 180/110 at minute 25 of the infusion that holds until the nurse acts (pause the pump).',
    ...standard,
    patient: { ageYears: 68, hemodynamicSensitivity: 1.6, baseline: { sbp: 148, dbp: 88, hr: 76 } },
    timeline: [
      ...standardInfusion,
      {
        atMinute: PRE + 25,
        event: {
          type: 'hypertensive-surge',
          sbpRise: 35,
          dbpRise: 20,
          overSeconds: 180,
          holdSeconds: 600,
          recoverSeconds: 900,
        },
      },
      { atMinute: PRE + 26, event: { type: 'cuff-now' } },
      { atMinute: PRE + 28, event: { type: 'cuff-now' } },
    ],
  },
  {
    id: 'desaturation-hypoventilation',
    title: 'Desaturation with hypoventilation',
    description:
      'At minute 20 breathing slows to 6/min, EtCO2 climbs past 60 and SpO2 falls to 85 % over a minute; it recovers once stimulated and given oxygen.',
    ...standard,
    patient: { ageYears: 55, sedationSensitivity: 1.5 },
    timeline: [
      ...standardInfusion,
      {
        atMinute: PRE + 20,
        event: {
          type: 'hypoventilate',
          toRr: 6,
          overSeconds: 90,
          holdSeconds: 240,
          recoverSeconds: 120,
        },
      },
      {
        atMinute: PRE + 20.5,
        event: {
          type: 'desaturate',
          toSpo2: 85,
          overSeconds: 60,
          holdSeconds: 180,
          recoverSeconds: 120,
        },
      },
    ],
  },
  {
    id: 'oversedation',
    title: 'Oversedation',
    description:
      'A sensitive patient slides from MOAA/S 4 to 1 around minute 25: responds only to a trapezius squeeze, breathing slows, EtCO2 rises and SpO2 drifts down until the pump is paused.',
    ...standard,
    patient: { sedationSensitivity: 2.2 },
    timeline: [
      ...standardInfusion,
      {
        atMinute: PRE + 25,
        event: {
          type: 'oversedate',
          toMoaas: 1,
          overSeconds: 180,
          holdSeconds: 600,
          recoverSeconds: 600,
        },
      },
    ],
  },
  {
    id: 'vasovagal',
    title: 'Vasovagal bradycardia and hypotension',
    description:
      'Early in the infusion (minute 12) the heart rate drops to about 42 and the pressure to 78/45 within a minute; it recovers over a few minutes with the legs raised.',
    ...standard,
    patient: { ageYears: 29, baseline: { hr: 68, sbp: 112, dbp: 70 } },
    timeline: [
      ...standardInfusion,
      {
        atMinute: PRE + 12,
        event: {
          type: 'vasovagal',
          toHr: 42,
          toSbp: 78,
          toDbp: 45,
          overSeconds: 45,
          holdSeconds: 180,
          recoverSeconds: 240,
        },
      },
      { atMinute: PRE + 13, event: { type: 'cuff-now' } },
    ],
  },
  {
    id: 'emergence-agitation',
    title: 'Emergence agitation',
    description:
      'Shortly after the pump stops the patient becomes very agitated (RASS +3, pulling at the line): heart rate and pressure rise and the oximeter trace is disturbed by movement. Sedation is scored on RASS every 2 minutes.',
    ...standard,
    // Agitation is what RASS scores (MOAA/S has no level above "alert").
    monitor: { sedation: { scale: 'RASS', intervalMinutes: 2 } },
    timeline: [
      ...standardInfusion,
      {
        atMinute: STOP + 3,
        event: {
          type: 'emergence-agitation',
          toRass: 3,
          hrRise: 25,
          sbpRise: 20,
          overSeconds: 60,
          holdSeconds: 420,
          recoverSeconds: 300,
        },
      },
      { atMinute: STOP + 3.5, event: { type: 'motion', seconds: 120 } },
      { atMinute: STOP + 4, event: { type: 'cuff-now' } },
    ],
  },
  {
    id: 'probe-off',
    title: 'SpO2 probe off',
    description:
      'The finger probe slips off at minute 15 of the infusion: SpO2 disappears from the feed for 90 s while HR, RR and EtCO2 continue; later a restless hand gives a false low reading.',
    ...standard,
    timeline: [
      ...standardInfusion,
      { atMinute: PRE + 15, event: { type: 'probe-off', sensor: 'spo2', seconds: 90 } },
      { atMinute: PRE + 30, event: { type: 'motion', seconds: 45 } },
    ],
  },
  {
    id: 'feed-loss',
    title: 'Feed loss',
    description:
      'At minute 20 of the infusion the monitor feed dies: nothing at all arrives for 3 minutes (the screen must show the data as stale, not a stable patient), then it comes back.',
    ...standard,
    timeline: [
      ...standardInfusion,
      { atMinute: PRE + 20, event: { type: 'feed-loss', seconds: 180 } },
    ],
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The list the API serves at GET /simulator/scenarios. */
export function scenarioSummaries(): { id: string; title: string; description: string }[] {
  return SCENARIOS.map(({ id, title, description }) => ({ id, title, description }));
}

/** Physiological events become excursions; the rest go to the pump or the monitor. */
export function applySimulatorEvent(
  event: SimulatorEvent,
  physiology: Physiology,
  monitor: VitalsMonitor,
): void {
  const timing = (t: Timing) => ({
    rampSeconds: t.overSeconds,
    holdSeconds: t.holdSeconds ?? Infinity,
    recoverSeconds: t.recoverSeconds ?? 60,
  });
  switch (event.type) {
    case 'infusion-started':
    case 'infusion-paused':
    case 'infusion-resumed':
    case 'infusion-stopped':
      physiology.applyInfusionEvent(event.type);
      return;
    case 'desaturate':
      physiology.startExcursion({
        channel: 'spo2',
        mode: 'toward',
        value: event.toSpo2,
        ...timing(event),
      });
      return;
    case 'hypoventilate':
      physiology.startExcursion({
        channel: 'rr',
        mode: 'toward',
        value: event.toRr,
        ...timing(event),
      });
      return;
    case 'hypertensive-surge':
      physiology.startExcursion({
        channel: 'sbp',
        mode: 'by',
        value: event.sbpRise,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'dbp',
        mode: 'by',
        value: event.dbpRise,
        ...timing(event),
      });
      return;
    case 'oversedate':
      physiology.startExcursion({
        channel: 'sedation',
        mode: 'toward',
        value: 5 - event.toMoaas,
        ...timing(event),
      });
      return;
    case 'vasovagal':
      physiology.startExcursion({
        channel: 'hr',
        mode: 'toward',
        value: event.toHr,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'sbp',
        mode: 'toward',
        value: event.toSbp,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'dbp',
        mode: 'toward',
        value: event.toDbp,
        ...timing(event),
      });
      return;
    case 'emergence-agitation':
      physiology.startExcursion({
        channel: 'sedation',
        mode: 'toward',
        value: -event.toRass,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'hr',
        mode: 'by',
        value: event.hrRise,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'sbp',
        mode: 'by',
        value: event.sbpRise,
        ...timing(event),
      });
      physiology.startExcursion({
        channel: 'dbp',
        mode: 'by',
        value: event.sbpRise * 0.6,
        ...timing(event),
      });
      return;
    case 'recover':
      physiology.recover(event.overSeconds);
      return;
    case 'probe-off':
      monitor.startArtifact('probe-off', {
        sensor: event.sensor ?? 'spo2',
        durationSeconds: event.seconds ?? Infinity,
      });
      return;
    case 'probe-on':
      monitor.endArtifact('probe-off');
      return;
    case 'motion':
      monitor.startArtifact('motion', { durationSeconds: event.seconds });
      return;
    case 'feed-loss':
      monitor.startArtifact('feed-loss', { durationSeconds: event.seconds ?? Infinity });
      return;
    case 'feed-restored':
      monitor.endArtifact('feed-loss');
      return;
    case 'cuff-now':
      monitor.requestCuff();
      return;
  }
}

export interface ScenarioRunOptions {
  readonly scenario: Scenario;
  /** Sample time of the start of the run, epoch ms (the caller's clock). */
  readonly startAtMs: number;
  readonly seed: number;
  /** Model seconds per second of sample time (default 1). */
  readonly speed?: number;
  /** A patient to use instead of the one drawn from the seed and the scenario's overrides. */
  readonly patient?: PatientProfile;
  readonly monitor?: Omit<MonitorOptions, 'physiology' | 'speed'>;
}

/**
 * One run of a scenario on one chair. The caller advances it on its own clock (sample time)
 * and sends the samples it returns; the trainer's live events go through inject().
 */
export class ScenarioRun {
  readonly scenario: Scenario;
  readonly patient: PatientProfile;
  readonly physiology: Physiology;
  readonly monitor: VitalsMonitor;
  private readonly startModelMs: number;
  private nextEntry = 0;
  private readonly timeline: readonly TimelineEntry[];

  constructor(options: ScenarioRunOptions) {
    this.scenario = options.scenario;
    this.patient = options.patient ?? drawPatient(options.seed, options.scenario.patient);
    this.physiology = new Physiology({
      patient: this.patient,
      infusion: options.scenario.infusion,
      startAtMs: options.startAtMs,
      seed: options.seed,
    });
    this.monitor = new VitalsMonitor({
      seed: options.seed,
      ...options.scenario.monitor,
      ...options.monitor,
      physiology: this.physiology,
      speed: options.speed ?? 1,
    });
    this.startModelMs = options.startAtMs;
    // Stable sort: entries at the same minute keep their written order.
    this.timeline = [...options.scenario.timeline].sort((a, b) => a.atMinute - b.atMinute);
  }

  /** Sample time at which the scenario is over. */
  get endsAtMs(): number {
    return this.monitor.sampleTime(this.startModelMs + this.scenario.durationMinutes * 60_000);
  }

  /** Model minutes since the start of the run. */
  get modelMinute(): number {
    return (this.physiology.atMs - this.startModelMs) / 60_000;
  }

  get finished(): boolean {
    return this.modelMinute >= this.scenario.durationMinutes;
  }

  /**
   * Runs the scenario up to sample time toMs (capped at its end), applying timeline events at
   * their model minute, and returns the samples the monitor sends on the way.
   */
  advanceTo(toMs: number): Sample[] {
    const endModel = this.startModelMs + this.scenario.durationMinutes * 60_000;
    const target = Math.min(this.monitor.modelTime(toMs), endModel);
    const out: Sample[] = [];
    for (;;) {
      const entry = this.timeline[this.nextEntry];
      if (entry === undefined) break;
      const entryMs = this.startModelMs + entry.atMinute * 60_000;
      if (entryMs > target) break;
      out.push(...this.monitor.readUntil(entryMs));
      // Between monitor ticks the patient is advanced exactly to the event time.
      if (this.physiology.atMs < entryMs) this.physiology.advanceTo(entryMs);
      applySimulatorEvent(entry.event, this.physiology, this.monitor);
      this.nextEntry++;
    }
    out.push(...this.monitor.readUntil(target));
    return out;
  }

  /** A live event from the trainer, applied at the run's current time. */
  inject(event: SimulatorEvent): void {
    applySimulatorEvent(event, this.physiology, this.monitor);
  }
}
