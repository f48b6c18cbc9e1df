import { z } from 'zod';
import {
  ALERT_KINDS,
  ALERT_PRIORITIES,
  ALERT_STATES,
  AUDIO_PAUSE_MS,
  AlarmRuleOverrideSchema,
  AlarmRuleSetSchema,
  AlertRecordSchema,
  AlertSchema,
  AUDIT_ACTIONS,
  AudioPauseSchema,
  AuditEntrySchema,
  DEFAULT_ALERTS_LIMIT,
  DEFAULT_AUDIT_LIMIT,
  MAX_AUDIT_LIMIT,
  MAX_ALERTS_LIMIT,
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
  TREND_PARAMETERS,
  UserCreateSchema,
  UserSchema,
} from '@chairside/core';
import {
  DEFAULT_TREND_POINTS,
  MAX_TREND_POINTS,
  MAX_TREND_SPAN_MS,
  MIN_TREND_POINTS,
} from '../domain/trend';
import { DEFAULT_VITALS_LIMIT, MAX_VITALS_LIMIT } from '../domain/vitals';
import { simulatorOpenApiPaths, simulatorOpenApiSchemas } from './simulator-routes';

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
  const alertId = pathParam('alertId', 'Alert id');
  const query = (name: string, s: JsonSchema, description?: string) => ({
    name,
    in: 'query',
    schema: s,
    ...(description === undefined ? {} : { description }),
  });
  const ruleMeta = {
    version: { type: 'integer' },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
    updatedBy: { type: ['string', 'null'] },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chairside API',
      version: '1.0.0',
      description:
        'Vitals monitoring for IV ketamine infusion clinics. Every error is `{"error":{"code","message","issues"?}}`. ' +
        'Live data: Socket.io on the same origin (client events `subscribe`, `vitals`, `acknowledge`; server events `vitals`, `chair`, `alert`, `audio-pause`), auth `{ token }`.',
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
        TrendSeries: object({
          count: { type: 'integer', description: 'Readings in the window, before downsampling' },
          points: {
            type: 'array',
            description: '[epoch ms, value] pairs, ascending by time',
            items: {
              type: 'array',
              prefixItems: [{ type: 'number' }, { type: 'number' }],
              minItems: 2,
              maxItems: 2,
            },
          },
        }),
        VitalsTrend: object({
          chairId: { type: 'string' },
          from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' },
          points: { type: 'integer', description: 'The most points kept per series' },
          samples: { type: 'integer', description: 'Samples in the window' },
          series: object(Object.fromEntries(TREND_PARAMETERS.map((p) => [p, ref('TrendSeries')]))),
        }),
        Alert: schema(AlertSchema),
        AlertRecord: schema(AlertRecordSchema),
        AlarmRuleSet: schema(AlarmRuleSetSchema),
        AlarmRuleOverride: schema(AlarmRuleOverrideSchema),
        AudioPause: schema(AudioPauseSchema),
        AuditEntry: schema(AuditEntrySchema),
        ...simulatorOpenApiSchemas(),
      },
    },
    paths: {
      '/health': {
        get: {
          summary: 'Liveness',
          description:
            'With REDIS_URL the answer also says whether this process reaches Redis, its process id and how many chairs it evaluates alarms for; still 200 when Redis is lost (the process keeps serving its own clients).',
          security: [],
          responses: {
            '200': ok('Up', {
              type: 'object',
              properties: {
                status: { const: 'ok' },
                redis: { enum: ['connected', 'lost'] },
                process: { type: 'string' },
                alarmChairs: { type: 'integer' },
              },
              required: ['status'],
            }),
          },
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
          description:
            'A `discharged` event may carry the modified Aldrete score (`aldrete`: five items 0-2 and their total); it is stored with the event and audited. A total below 9 is refused with 409 `aldrete_below_discharge_minimum` (CLINICAL.md section 4); the refused attempt is kept in the audit trail (`session.discharge-refused`: who, when, the session and the score).',
          parameters: [sessionId],
          requestBody: { required: true, content: json(ref('SessionEventInput')) },
          responses: {
            '200': ok('Updated', object({ session: ref('Session') })),
            ...errors,
            '404': error('Unknown session'),
            '409': error(
              'Impossible transition from the current state (`invalid_transition`), or an Aldrete total below 9 (`aldrete_below_discharge_minimum`)',
            ),
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
            '503': error(
              'The database cannot be reached: nothing was stored; retry after the Retry-After seconds (`store_unavailable`)',
            ),
            '415': error('Body is not application/json'),
          },
        },
        get: {
          summary: 'The most recent samples of a chair in a time window, oldest first',
          description:
            'Samples are ordered by `at`, then by `seq` (samples sharing a millisecond come in arrival order). To page back through a long window, ask for `limit` samples, then again with `beforeSeq` set to the `seq` of the oldest sample received, until an empty page: no sample is skipped or repeated, also where several share a millisecond (paging by `to` = oldest `at` - 1 would skip those).',
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
            query(
              'beforeSeq',
              { type: 'integer', minimum: 1 },
              "Page cursor: the `seq` of one of this chair's samples; only samples before it (by `at`, then `seq`) are returned. Not a whole number, or no sample of this chair: 400 with the issue path `beforeSeq`",
            ),
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
      '/chairs/{chairId}/vitals/trend': {
        get: {
          summary: 'The trend of a chair in a time window, each parameter downsampled for charts',
          description:
            'Each series is downsampled on its own with Largest-Triangle-Three-Buckets, which keeps the shape and isolated extremes (a short desaturation, a BP spike); a series with no more readings than `points` comes whole. `moaas` and `rass` are the sedation scores by scale. A window spans at most 24 h (longer is a 400). For every reading use `GET /chairs/{chairId}/vitals`.',
          parameters: [
            chairId,
            query(
              'from',
              { type: 'string', format: 'date-time' },
              `ISO-8601 or epoch ms; default \`to\` minus ${MAX_TREND_SPAN_MS / 3600_000} h`,
            ),
            query(
              'to',
              { type: 'string', format: 'date-time' },
              'ISO-8601 or epoch ms; default now',
            ),
            query(
              'points',
              {
                type: 'integer',
                minimum: MIN_TREND_POINTS,
                maximum: MAX_TREND_POINTS,
                default: DEFAULT_TREND_POINTS,
              },
              'The most points kept per series',
            ),
          ],
          responses: {
            '200': ok('Trend', object({ trend: ref('VitalsTrend') })),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
      },
      '/alerts': {
        get: {
          summary: 'Alert history, newest first (from/to bound raisedAt)',
          parameters: [
            query('chairId', { type: 'string' }),
            query('sessionId', { type: 'string' }),
            query('from', { type: 'string', format: 'date-time' }, 'ISO-8601 or epoch ms'),
            query('to', { type: 'string', format: 'date-time' }, 'ISO-8601 or epoch ms'),
            query('priority', { enum: [...ALERT_PRIORITIES] }),
            query('state', { enum: [...ALERT_STATES] }),
            query('kind', { enum: [...ALERT_KINDS] }),
            query('limit', {
              type: 'integer',
              minimum: 1,
              maximum: MAX_ALERTS_LIMIT,
              default: DEFAULT_ALERTS_LIMIT,
            }),
          ],
          responses: {
            '200': ok(
              'Alerts; timeToAcknowledgeMs runs from when the server first stored the alert',
              object({ alerts: { type: 'array', items: ref('AlertRecord') } }),
            ),
            ...errors,
          },
        },
      },
      '/alerts/{alertId}': {
        get: {
          summary: 'One alert with its change log (raised, priority-changed, acknowledged, ...)',
          parameters: [alertId],
          responses: {
            '200': ok(
              'Alert',
              object({
                alert: ref('AlertRecord'),
                changes: {
                  type: 'array',
                  items: object({
                    type: { type: 'string' },
                    priority: { enum: [...ALERT_PRIORITIES] },
                    state: { enum: [...ALERT_STATES] },
                    message: { type: 'string' },
                    at: { type: 'string', format: 'date-time' },
                    by: { type: ['string', 'null'] },
                  }),
                },
              }),
            ),
            ...errors,
            '404': error('Unknown alert'),
          },
        },
      },
      '/alerts/{alertId}/acknowledge': {
        post: {
          summary:
            'Acknowledge for everyone (nurse, charge, admin); a second acknowledgment keeps the first who and when',
          parameters: [alertId],
          responses: {
            '200': ok('Acknowledged', object({ alert: ref('Alert') })),
            ...errors,
            '404': error('Unknown alert'),
          },
        },
      },
      '/alarm-rules': {
        get: {
          summary: 'The clinic alarm rule set (version 0: the product defaults)',
          responses: {
            '200': ok('Rules', object({ rules: ref('AlarmRuleSet'), ...ruleMeta })),
            ...errors,
          },
        },
        put: {
          summary: 'Replace the clinic alarm rule set (charge, admin); audited with old and new',
          requestBody: { required: true, content: json(ref('AlarmRuleSet')) },
          responses: {
            '200': ok('Saved', object({ rules: ref('AlarmRuleSet'), ...ruleMeta })),
            ...errors,
          },
        },
      },
      '/sessions/{sessionId}/alarm-rules': {
        get: {
          summary: "A session's override and the rules it runs on",
          parameters: [sessionId],
          responses: {
            '200': ok(
              'Rules',
              object({
                sessionId: { type: 'string' },
                override: { oneOf: [ref('AlarmRuleOverride'), { type: 'null' }] },
                rules: ref('AlarmRuleSet'),
                ...ruleMeta,
              }),
            ),
            ...errors,
            '404': error('Unknown session'),
          },
        },
        put: {
          summary:
            "Replace a session's override (nurse, charge, admin); validated merged with the clinic rules; audited",
          parameters: [sessionId],
          requestBody: { required: true, content: json(ref('AlarmRuleOverride')) },
          responses: {
            '200': ok(
              'Saved',
              object({
                sessionId: { type: 'string' },
                override: ref('AlarmRuleOverride'),
                rules: ref('AlarmRuleSet'),
                ...ruleMeta,
              }),
            ),
            ...errors,
            '404': error('Unknown session'),
            '409': error('The session is discharged'),
          },
        },
      },
      '/chairs/{chairId}/alarm-state': {
        get: {
          summary:
            "A chair's open alerts (worst first), vitals-due countdown (null unless infusing) and audio pause",
          parameters: [chairId],
          responses: {
            '200': ok(
              'Alarm state',
              object({
                chairId: { type: 'string' },
                openAlerts: { type: 'array', items: ref('Alert') },
                vitalsDue: {
                  oneOf: [
                    object({ reminderInMs: { type: 'number' }, overdueInMs: { type: 'number' } }),
                    { type: 'null' },
                  ],
                },
                pause: { oneOf: [ref('AudioPause'), { type: 'null' }] },
              }),
            ),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
      },
      '/chairs/{chairId}/audio-pause': {
        post: {
          summary: `Pause the alarm sound of a chair for everyone for ${AUDIO_PAUSE_MS / 1000} s (nurse, charge, admin); a worse new alarm ends it`,
          parameters: [chairId],
          responses: {
            '201': ok('Paused', object({ pause: ref('AudioPause') })),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
        get: {
          summary: "The chair's audio pause in force, or null",
          parameters: [chairId],
          responses: {
            '200': ok('Pause', object({ pause: { oneOf: [ref('AudioPause'), { type: 'null' }] } })),
            ...errors,
            '404': error('Unknown chair'),
          },
        },
      },
      ...simulatorOpenApiPaths(),
      '/audit': {
        get: {
          summary: 'The audit trail, newest first (charge, admin)',
          description:
            'Who did what and when: sign-ins (and failed ones), users and chairs created, session events, refused discharges, acknowledgments, alarm limit changes. ' +
            `Actions recorded today: ${AUDIT_ACTIONS.map((a) => `\`${a}\``).join(', ')}. ` +
            'Ordered by `at`, then `seq`, newest first. To page back, pass `nextBeforeSeq` as `beforeSeq` (nothing skipped or repeated where entries share a millisecond). ' +
            'Every filter must hold; a bad or unknown one is 400 `validation_failed` naming it.',
          parameters: [
            query(
              'from',
              { type: 'string', format: 'date-time' },
              'ISO-8601 or epoch ms; inclusive',
            ),
            query('to', { type: 'string', format: 'date-time' }, 'ISO-8601 or epoch ms; inclusive'),
            query('actor', { type: 'string' }, 'Username, exact'),
            query('action', { type: 'string', examples: ['alert.acknowledged'] }, 'Action, exact'),
            query('chairId', { type: 'string' }, 'Entries whose details name this chair'),
            query('sessionId', { type: 'string' }, 'Entries whose details name this session'),
            query('limit', {
              type: 'integer',
              minimum: 1,
              maximum: MAX_AUDIT_LIMIT,
              default: DEFAULT_AUDIT_LIMIT,
            }),
            query(
              'beforeSeq',
              { type: 'integer', minimum: 1 },
              'Page cursor: only entries before the one with this seq; an unknown seq is 400',
            ),
          ],
          responses: {
            '200': ok(
              'A page of entries; nextBeforeSeq is null when no older entry matches',
              object({
                entries: { type: 'array', items: ref('AuditEntry') },
                nextBeforeSeq: { type: ['integer', 'null'] },
              }),
            ),
            ...errors,
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
