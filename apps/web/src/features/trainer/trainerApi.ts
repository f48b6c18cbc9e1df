import { z } from 'zod';
import {
  ErrorBodySchema,
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
import { API_BASE_PATH, ApiError } from '../../api/http';

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

export interface TrainerApiOptions {
  /** Origin of the server; '' (the default) means the page's own origin. */
  baseUrl?: string;
  getToken: () => string | null;
  onUnauthorized?: () => void;
}

const ScenariosSchema = z.object({
  scenarios: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
});
const RunSchema = z.object({ run: SimulatorRunSchema });
const RunsSchema = z.object({ runs: z.array(SimulatorRunSchema) });
const InjectedSchema = z.object({ event: SimulatorRunEventSchema });

export function createTrainerApi(options: TrainerApiOptions): TrainerApi {
  const base = `${options.baseUrl ?? ''}${API_BASE_PATH}`;

  async function request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const token = options.getToken();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network_error', 'The Chairside server cannot be reached.');
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): the status alone must do.
    }
    if (!response.ok) {
      if (response.status === 401 && token !== null) options.onUnauthorized?.();
      const error = ErrorBodySchema.safeParse(json);
      if (error.success) {
        const e = error.data.error;
        throw new ApiError(response.status, e.code, e.message, e.issues ?? []);
      }
      throw new ApiError(response.status, 'http_error', `The server answered ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiError(
        response.status,
        'bad_response',
        `The answer to ${method} ${path} was not understood.`,
      );
    return parsed.data;
  }

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
