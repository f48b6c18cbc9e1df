import { Router } from 'express';
import { z } from 'zod';
import {
  MAX_SIMULATOR_SPEED,
  SimulatorDebriefSchema,
  SimulatorRunCreateSchema,
  SimulatorRunEventSchema,
  SimulatorRunQuerySchema,
  SimulatorRunSchema,
} from '@chairside/core';
import { SIMULATOR_EVENT_TYPES } from '@chairside/simulator';
import type { AuthContext } from '../domain/auth';
import type { SimulatorHost } from '../simulator/host';
import { currentUser, requireAuth, requirePermission } from './auth-middleware';
import { pathParam } from './routes';
import { parseBody } from './validate';

/**
 * The training simulator: scenarios, runs (start, list, stop), live events and the debrief.
 * Anyone logged in may read (a charge nurse reviews a drill); only trainer and admin drive runs.
 */
export function simulatorRouter(ctx: AuthContext, host: SimulatorHost): Router {
  const router = Router();
  const auth = requireAuth(ctx);
  const read = requirePermission('simulator:read');
  const run = requirePermission('simulator:run');

  router.get('/simulator/scenarios', auth, read, async (_req, res) => {
    res.json({ scenarios: await host.scenarios() });
  });
  router.get('/simulator/runs', auth, read, async (req, res) => {
    const query = parseBody(SimulatorRunQuerySchema, req.query, 'simulator runs query');
    res.json({ runs: await host.listRuns(query) });
  });
  router.post('/simulator/runs', auth, run, async (req, res) => {
    res.status(201).json({ run: await host.startRun(currentUser(req), req.body) });
  });
  router.get('/simulator/runs/:runId', auth, read, async (req, res) => {
    res.json({ run: await host.getRun(pathParam(req, 'runId')) });
  });
  router.delete('/simulator/runs/:runId', auth, run, async (req, res) => {
    res.json({ run: await host.stopRun(pathParam(req, 'runId'), currentUser(req)) });
  });
  router.post('/simulator/runs/:runId/events', auth, run, async (req, res) => {
    res.status(201).json(await host.inject(pathParam(req, 'runId'), currentUser(req), req.body));
  });
  router.get('/simulator/runs/:runId/debrief', auth, read, async (req, res) => {
    res.json(await host.debrief(pathParam(req, 'runId')));
  });
  return router;
}

type JsonSchema = Record<string, unknown>;

const schema = (s: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

/** Component schemas of the simulator routes, for the OpenAPI document. */
export function simulatorOpenApiSchemas(): Record<string, JsonSchema> {
  return {
    SimulatorRunCreate: schema(SimulatorRunCreateSchema),
    SimulatorRun: schema(SimulatorRunSchema),
    SimulatorRunEvent: schema(SimulatorRunEventSchema),
    SimulatorDebrief: schema(SimulatorDebriefSchema),
  };
}

/** Paths of the simulator routes, for the OpenAPI document. */
export function simulatorOpenApiPaths(): Record<string, JsonSchema> {
  const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
  const json = (s: JsonSchema) => ({ 'application/json': { schema: s } });
  const ok = (description: string, s: JsonSchema) => ({ description, content: json(s) });
  const error = (description: string) => ({ description, content: json(ref('Error')) });
  const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({
    type: 'object',
    properties,
    required: Object.keys(properties),
  });
  const errors = {
    '400': error('Invalid input: `issues` name the fields at fault'),
    '401': error('Missing or invalid bearer token'),
    '403': error('The role may not do this (trainer or admin only)'),
  };
  const runId = {
    name: 'runId',
    in: 'path',
    required: true,
    description: 'Run id',
    schema: { type: 'string' },
  };
  const runBody = obj({ run: ref('SimulatorRun') });
  return {
    '/simulator/scenarios': {
      get: {
        summary:
          'Training scenarios (any role); a few PhysioNet ICU stays when the data set is installed',
        responses: {
          '200': ok(
            'Scenarios',
            obj({
              scenarios: {
                type: 'array',
                items: obj({
                  id: { type: 'string' },
                  title: { type: 'string' },
                  description: { type: 'string' },
                }),
              },
            }),
          ),
          ...errors,
        },
      },
    },
    '/simulator/runs': {
      get: {
        summary: 'Runs, newest first (any role), with their injected events',
        parameters: [
          { name: 'state', in: 'query', schema: { enum: ['running', 'finished', 'stopped'] } },
          { name: 'chairId', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': ok('Runs', obj({ runs: { type: 'array', items: ref('SimulatorRun') } })),
          ...errors,
        },
      },
      post: {
        summary: `Start a run on a chair (trainer, admin): speed 1-${MAX_SIMULATOR_SPEED} (default 1); readings go through the public socket ingest as source "simulator"`,
        requestBody: { required: true, content: json(ref('SimulatorRunCreate')) },
        responses: {
          '201': ok('Started', runBody),
          ...errors,
          '404': error('Unknown chair'),
          '409': error('The chair already has a running run'),
        },
      },
    },
    '/simulator/runs/{runId}': {
      get: {
        summary: 'One run (any role)',
        parameters: [runId],
        responses: { '200': ok('Run', runBody), ...errors, '404': error('Unknown run') },
      },
      delete: {
        summary: 'Stop a run (trainer, admin); a run already over is answered as it is',
        parameters: [runId],
        responses: { '200': ok('Stopped', runBody), ...errors, '404': error('Unknown run') },
      },
    },
    '/simulator/runs/{runId}/events': {
      post: {
        summary: `Inject a live event (trainer, admin), applied now and recorded with who and when. Types: ${SIMULATOR_EVENT_TYPES.join(', ')}`,
        parameters: [runId],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            properties: { type: { enum: SIMULATOR_EVENT_TYPES } },
            required: ['type'],
            additionalProperties: true,
          }),
        },
        responses: {
          '201': ok('Injected', obj({ event: ref('SimulatorRunEvent'), run: ref('SimulatorRun') })),
          ...errors,
          '404': error('Unknown run'),
          '409': error('The run is not running'),
        },
      },
    },
    '/simulator/runs/{runId}/debrief': {
      get: {
        summary:
          'Every alarm of the chair during the run: raised at, acknowledged by and at, time to acknowledge; never acknowledged ones; count and median',
        parameters: [runId],
        responses: {
          '200': ok('Debrief', ref('SimulatorDebrief')),
          ...errors,
          '404': error('Unknown run'),
        },
      },
    },
  };
}
