/**
 * @chairside/simulator: the training simulator's physiology model (ketamine PK, effect site,
 * patient variability), the bedside monitor that turns it into core Samples, the training
 * scenarios, and the PhysioNet 2012 replay.
 */
export { createRng, deriveSeed } from './random';
export type { Rng } from './random';

export {
  closedFormInfusion,
  DEFAULT_KE0_PER_MIN,
  disposition,
  DOMINO_1984,
  infusionRateMgPerMin,
  KetaminePk,
  matrixExponential,
  pumpRunsAfter,
} from './pk';
export type {
  Disposition,
  InfusionEventType,
  KetaminePkOptions,
  PkConcentrations,
  PkParameters,
  PkState,
} from './pk';

export { drawCohort, drawPatient } from './patient';
export type { PatientOverrides, PatientProfile } from './patient';

export {
  drugEffect,
  KETAMINE_RESPONSE,
  moaasFromDepth,
  Physiology,
  rassFromDepth,
  VITAL_CHANNELS,
} from './physiology';
export type {
  DrugEffect,
  Excursion,
  InfusionPlan,
  PhysiologyOptions,
  VitalChannel,
  Vitals,
} from './physiology';

export { CUFF_ERROR_SD, VitalsMonitor } from './measurement';
export type { ArtifactKind, MonitorOptions, Sensor } from './measurement';

export {
  applySimulatorEvent,
  findScenario,
  SCENARIOS,
  ScenarioRun,
  scenarioSummaries,
} from './scenarios';
export type {
  Scenario,
  ScenarioRunOptions,
  SimulatorEvent,
  SimulatorEventType,
  TimelineEntry,
} from './scenarios';

export { parseSimulatorEvent, SIMULATOR_EVENT_FIELDS, SIMULATOR_EVENT_TYPES } from './injection';

export {
  listPhysioNetRecords,
  parsePhysioNetRecord,
  readPhysioNetRecord,
  replayPhysioNetRecord,
} from './physionet';
export type {
  PhysioNetObservation,
  PhysioNetRecord,
  Rejection,
  RejectionRule,
  ReplayOptions,
  ReplayResult,
} from './physionet';
export { FeedClient } from './feed-client';
export type {
  FeedClientEvent,
  FeedClientOptions,
  FeedClientStats,
  IngestError,
} from './feed-client';
