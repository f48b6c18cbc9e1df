import { z } from 'zod';
import {
  ChairCreateSchema,
  ChairSchema,
  ErrorBodySchema,
  LoginSchema,
  MAX_BATCH,
  SampleInputSchema,
  SessionCreateSchema,
  SessionEventInputSchema,
  SessionSchema,
  StoredSampleSchema,
  UserCreateSchema,
  UserSchema,
} from '@chairside/core';
import { DEFAULT_VITALS_LIMIT, MAX_VITALS_LIMIT } from '../domain/vitals';

type JsonSchema = Record<string, unknown>;

const schema = (s: z.ZodType): JsonSchema => {
  // The `$schema` key belongs to standalone JSON Schema documents, not to OpenAPI components.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (s: JsonSchema) => ({ 'application/json': { schema: s } });
const ok = (description: string, s: JsonSchema) => ({ description, content: json(s) });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});

const errors = {
  '400': error('Invalid input: `issues` name the fields at fault'),
  '401': error('Missing or invalid bearer token'),
  '403': error('The role may not do this'),
};
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

/** The OpenAPI 3.1 document for every route this server implements, from the core schemas. */
export function buildOpenApiDocument(): JsonSchema {
  const chairId = pathParam('chairId', 'Chair id');
  const sessionId = pathParam('sessionId', 'Session id');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chairside API',
      version: '1.0.0',
      description:
        'Vitals monitoring for IV ketamine infusion clinics. Every error is `{"error":{"code","message","issues"?}}`. ' +
        'Live data: Socket.io on the same origin (events `subscribe`, `vitals`, `chair`, `alert`), auth `{ token }`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: schema(ErrorBodySchema),
        Login: schema(LoginSchema),
        User: schema(UserSchema),
        UserCreate: schema(UserCreateSchema),
        Chair: schema(ChairSchema),
        ChairCreate: schema(ChairCreateSchema),
        Session: schema(SessionSchema),
        SessionCreate: schema(SessionCreateSchema),
        SessionEventInput: schema(SessionEventInputSchema),
        Sample: schema(SampleInputSchema),
        StoredSample: schema(StoredSampleSchema),
      },
    },
    paths: {
      '/health': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: { '200': ok('Up', object({ status: { const: 'ok' } })) },
        },
      },
      '/auth/login': {
        post: {
          summary: 'Log in; returns a bearer token valid for 12 h',
          security: [],
          requestBody: { required: true, content: json(ref('Login')) },
          responses: {
            '200': ok('Logged in', object({ token: { type: 'string' }, user: ref('User') })),
            '400': errors['400'],
            '401': error('Wrong username or password'),
            '429': error('Too many login attempts from this address'),
          },
        },
      },
      '/users': {
        get: {
          summary: 'List accounts (admin)',
          responses: {
            '200': ok('Accounts', object({ users: { type: 'array', items: ref('User') } })),
            ...errors,
          },
        },
        post: {
          summary: 'Create an account (admin)',
          requestBody: { required: true, content: json(ref('UserCreate')) },
          responses: {
            '201': ok('Created', object({ user: ref('User') })),
            ...errors,
            '409': error('Username taken'),
          },
        },
      },
      '/chairs': {
        get: {
          summary: 'Every chair with its open session',
          responses: {
            '200': ok('Chairs', object({ chairs: { type: 'array', items: ref('Chair') } })),
            ...errors,
          },
        },
        post: {
          summary: 'Add a chair (admin)',
          requestBody: { required: true, content: json(ref('ChairCreate')) },
          responses: { '201': ok('Created', object({ chair: ref('Chair') })), ...errors },
        },
      },
      '/chairs/{chairId}': {
        get: {
          summary: 'One chair with its open session',
          parameters: [chairId],
          responses: {
            '200': ok('Chair', object({ chair: ref('Chair') })),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
      },
      '/chairs/{chairId}/sessions': {
        post: {
          summary: 'Open an infusion session on a chair (nurse, charge, admin)',
          parameters: [chairId],
          requestBody: { required: true, content: json(ref('SessionCreate')) },
          responses: {
            '201': ok('Created', object({ session: ref('Session') })),
            ...errors,
            '404': error('Unknown chair'),
            '409': error('The chair already has an open session'),
          },
        },
      },
      '/sessions/{sessionId}': {
        get: {
          summary: 'One session with its events and baseline',
          parameters: [sessionId],
          responses: {
            '200': ok('Session', object({ session: ref('Session') })),
            ...errors,
            '404': error('Unknown session'),
          },
        },
      },
      '/sessions/{sessionId}/events': {
        post: {
          summary: 'Start, pause, resume, stop the infusion or discharge (nurse, charge, admin)',
          parameters: [sessionId],
          requestBody: { required: true, content: json(ref('SessionEventInput')) },
          responses: {
            '200': ok('Updated', object({ session: ref('Session') })),
            ...errors,
            '404': error('Unknown session'),
            '409': error('Impossible transition from the current state'),
          },
        },
      },
      '/chairs/{chairId}/vitals': {
        post: {
          summary: `Ingest one sample or a batch of up to ${MAX_BATCH}; answered after durable storage`,
          description:
            'A trainer may send only source `simulator`. A resent sample id is stored once. A batch with any invalid sample is rejected whole.',
          parameters: [chairId],
          requestBody: {
            required: true,
            content: json({
              oneOf: [
                ref('Sample'),
                { type: 'array', items: ref('Sample'), minItems: 1, maxItems: MAX_BATCH },
              ],
            }),
          },
          responses: {
            '201': ok(
              'Stored',
              object({ accepted: { type: 'integer' }, duplicates: { type: 'integer' } }),
            ),
            ...errors,
            '404': error('Unknown chair'),
            '413': error('Body over 1 MB'),
            '415': error('Body is not application/json'),
          },
        },
        get: {
          summary: 'The most recent samples of a chair in a time window, oldest first',
          parameters: [
            chairId,
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
            {
              name: 'limit',
              in: 'query',
              schema: {
                type: 'integer',
                minimum: 1,
                maximum: MAX_VITALS_LIMIT,
                default: DEFAULT_VITALS_LIMIT,
              },
            },
          ],
          responses: {
            '200': ok(
              'Samples',
              object({ samples: { type: 'array', items: ref('StoredSample') } }),
            ),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document' } },
        },
      },
    },
  };
}
