import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample, SessionEventType } from '@chairside/core';
import { PHYSIONET_SCENARIO_PREFIX } from '@chairside/core';
import {
  findScenario,
  listPhysioNetRecords,
  readPhysioNetRecord,
  replayPhysioNetRecord,
  ScenarioRun,
  scenarioSummaries,
} from '@chairside/simulator';
import type { SimulatorEvent } from '@chairside/simulator';
import { badRequest } from '../domain/errors';

/**
 * What a run plays onto a chair: a scripted scenario of the physiology model, or a real ICU
 * stay from PhysioNet 2012. Both hand out the samples due up to a sample time; the host sends
 * them through the public ingest.
 */
export interface Player {
  readonly title: string;
  /** Sample time at which the run is over by itself. */
  readonly endsAtMs: number;
  /** Infusion pump changes of the script, on sample time: the chair's session follows them. */
  readonly pumpChanges: readonly { readonly atMs: number; readonly type: SessionEventType }[];
  /** Whether the trainer can inject events (a recorded ICU stay cannot be changed). */
  readonly injectable: boolean;
  advanceTo(sampleMs: number): Sample[];
  inject(event: SimulatorEvent): void;
  readonly finished: boolean;
}

const PUMP_EVENTS: ReadonlySet<string> = new Set<SessionEventType>([
  'infusion-started',
  'infusion-paused',
  'infusion-resumed',
  'infusion-stopped',
]);

export function isPumpEvent(type: string): type is SessionEventType {
  return PUMP_EVENTS.has(type);
}

class ScenarioPlayer implements Player {
  readonly injectable = true;
  readonly title: string;
  readonly pumpChanges: { atMs: number; type: SessionEventType }[];
  private readonly run: ScenarioRun;

  constructor(run: ScenarioRun, startAtMs: number) {
    this.run = run;
    this.title = run.scenario.title;
    this.pumpChanges = run.scenario.timeline
      .filter((entry) => isPumpEvent(entry.event.type))
      .map((entry) => ({
        atMs: run.monitor.sampleTime(startAtMs + entry.atMinute * 60_000),
        type: entry.event.type as SessionEventType,
      }))
      .sort((a, b) => a.atMs - b.atMs);
  }

  get endsAtMs(): number {
    return this.run.endsAtMs;
  }

  get finished(): boolean {
    return this.run.finished;
  }

  advanceTo(sampleMs: number): Sample[] {
    return this.run.advanceTo(sampleMs);
  }

  inject(event: SimulatorEvent): void {
    this.run.inject(event);
  }
}

class ReplayPlayer implements Player {
  readonly injectable = false;
  readonly pumpChanges = [];
  readonly title: string;
  readonly endsAtMs: number;
  private readonly samples: readonly Sample[];
  private next = 0;

  constructor(title: string, samples: readonly Sample[], startAtMs: number) {
    this.title = title;
    this.samples = samples;
    const last = samples[samples.length - 1];
    this.endsAtMs = last === undefined ? startAtMs : Date.parse(last.at);
  }

  get finished(): boolean {
    return this.next >= this.samples.length;
  }

  advanceTo(sampleMs: number): Sample[] {
    const out: Sample[] = [];
    for (let s = this.samples[this.next]; s !== undefined && Date.parse(s.at) <= sampleMs;) {
      out.push(s);
      this.next++;
      s = this.samples[this.next];
    }
    return out;
  }

  inject(): void {
    throw badRequest('a PhysioNet replay is a recorded ICU stay: it takes no live events', [
      { path: 'type', message: 'events can be injected into the model scenarios only' },
    ]);
  }
}

/** Where the PhysioNet 2012 set lives: CHAIRSIDE_PHYSIONET_DIR, else the shared data folder. */
export function defaultPhysioNetDir(): string {
  return (
    process.env['CHAIRSIDE_PHYSIONET_DIR'] ??
    fileURLToPath(new URL('../../../../../shared/data/physionet-2012-set-a', import.meta.url))
  );
}

/** An hour of ICU stay is a minute of feed at speed 1 (the hourly charting looks like a monitor). */
const PHYSIONET_COMPRESSION = 60;

export interface ScenarioSummary {
  id: string;
  title: string;
  description: string;
}

/** The model scenarios, then every PhysioNet stay of the data set (when present), so a trainer can replay any of them. */
export async function listScenarios(physioNetDir: string | null): Promise<ScenarioSummary[]> {
  const scenarios = scenarioSummaries();
  if (physioNetDir === null || !existsSync(physioNetDir)) return scenarios;
  const files = await listPhysioNetRecords(physioNetDir);
  const records = files.map((path) => {
    const recordId = (path.split(/[\\/]/).pop() ?? path).replace(/\.txt$/, '');
    return {
      id: `${PHYSIONET_SCENARIO_PREFIX}${recordId}`,
      title: `PhysioNet ICU stay ${recordId}`,
      description:
        'A real 48-hour ICU stay (PhysioNet Challenge 2012, set a): charted HR, RR and blood pressure replayed an hour per minute at 1x. No live events.',
    };
  });
  return [...scenarios, ...records];
}

export interface PlayerRequest {
  scenario: string;
  startAtMs: number;
  seed: number;
  speed: number;
  physioNetDir: string | null;
}

/** Builds the player of a scenario id, or a 400 naming `scenario`. */
export async function createPlayer(request: PlayerRequest): Promise<Player> {
  const { scenario: id, startAtMs, seed, speed } = request;
  if (id.startsWith(PHYSIONET_SCENARIO_PREFIX)) {
    const recordId = id.slice(PHYSIONET_SCENARIO_PREFIX.length);
    const dir = request.physioNetDir;
    // Digits only: the id becomes a file name.
    const path = dir === null || !/^\d{1,12}$/.test(recordId) ? null : join(dir, `${recordId}.txt`);
    if (path === null || !existsSync(path)) {
      throw badRequest(`PhysioNet record "${recordId}" is not available on this server`, [
        { path: 'scenario', message: `no PhysioNet record "${recordId}" in the data set` },
      ]);
    }
    const record = await readPhysioNetRecord(path);
    const replay = replayPhysioNetRecord(record, {
      startAtMs,
      compression: PHYSIONET_COMPRESSION * speed,
    });
    return new ReplayPlayer(`PhysioNet ICU stay ${recordId}`, replay.samples, startAtMs);
  }
  const scenario = findScenario(id);
  if (scenario === undefined) {
    throw badRequest(`unknown scenario "${id}"`, [
      {
        path: 'scenario',
        message: `scenario must be one of: ${scenarioSummaries()
          .map((s) => s.id)
          .join(', ')}, or ${PHYSIONET_SCENARIO_PREFIX}<recordId>`,
      },
    ]);
  }
  return new ScenarioPlayer(new ScenarioRun({ scenario, startAtMs, seed, speed }), startAtMs);
}
