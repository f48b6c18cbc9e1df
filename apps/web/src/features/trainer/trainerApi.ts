import { z } from 'zod';
import {
  SimulatorDebriefSchema,
  SimulatorRunEventSchema,
  SimulatorRunSchema,
} from '@chairside/core';
import type {
  SimulatorDebrief,
  SimulatorRun,
  SimulatorRunCreate,
  SimulatorRunEvent,
  SimulatorRunState,
} from '@chairside/core';
import { createRequest } from '../../api/http';
import type { ApiClientOptions } from '../../api/http';

/** The simulator routes (`/simulator/...`) the trainer console uses, over the real API. */

export interface ScenarioSummary {
  id: string;
  title: string;
  description: string;
}

export interface TrainerApi {
  scenarios(): Promise<ScenarioSummary[]>;
  listRuns(state?: SimulatorRunState): Promise<SimulatorRun[]>;
  startRun(input: SimulatorRunCreate): Promise<SimulatorRun>;
  stopRun(runId: string): Promise<SimulatorRun>;
  inject(runId: string, event: Record<string, unknown>): Promise<SimulatorRunEvent>;
  debrief(runId: string): Promise<SimulatorDebrief>;
}

export type TrainerApiOptions = ApiClientOptions;

const ScenariosSchema = z.object({
  scenarios: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
});
const RunSchema = z.object({ run: SimulatorRunSchema });
const RunsSchema = z.object({ runs: z.array(SimulatorRunSchema) });
const InjectedSchema = z.object({ event: SimulatorRunEventSchema });

export function createTrainerApi(options: TrainerApiOptions): TrainerApi {
  const request = createRequest(options);

  const run = (runId: string): string => `/simulator/runs/${encodeURIComponent(runId)}`;
  return {
    scenarios: async () =>
      (await request('GET', '/simulator/scenarios', ScenariosSchema)).scenarios,
    listRuns: async (state) =>
      (
        await request(
          'GET',
          `/simulator/runs${state === undefined ? '' : `?state=${state}`}`,
          RunsSchema,
        )
      ).runs,
    startRun: async (input) => (await request('POST', '/simulator/runs', RunSchema, input)).run,
    stopRun: async (runId) => (await request('DELETE', run(runId), RunSchema)).run,
    inject: async (runId, event) =>
      (await request('POST', `${run(runId)}/events`, InjectedSchema, event)).event,
    debrief: (runId) => request('GET', `${run(runId)}/debrief`, SimulatorDebriefSchema),
  };
}
