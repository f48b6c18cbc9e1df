import { z } from 'zod';
import {
  AlarmRuleSetSchema,
  AlertSchema,
  AuditPageSchema,
  ChairSchema,
  ErrorBodySchema,
  SessionSchema,
  StoredSampleSchema,
  UserSchema,
  VitalsTrendSchema,
} from '@chairside/core';
import type {
  AlarmRuleSet,
  Alert,
  AlertKind,
  AlertPriority,
  AlertState,
  AuditPage,
  Chair,
  ChairCreate,
  ErrorIssue,
  Login,
  SampleInput,
  Session,
  SessionCreate,
  SessionEventInput,
  StoredSample,
  User,
  UserCreate,
  VitalsTrend,
} from '@chairside/core';

/** An answer from the server that is not a success, in the contract's words (CONTRACT.md 3). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ErrorIssue[] = [],
  ) {
    super(message);
  }
}

export interface LoginResult {
  token: string;
  user: User;
}

export interface VitalsQuery {
  from?: Date | number | string;
  to?: Date | number | string;
  limit?: number;
  /** Page cursor: only samples before the one with this `seq` (by `at`, then `seq`). */
  beforeSeq?: number;
}

export interface TrendQuery {
  from?: Date | number | string;
  to?: Date | number | string;
  /** The most points per parameter (server default 600). */
  points?: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** An alert as the history lists it: with how long it took to be acknowledged (null: not yet). */
export const AlertRecordSchema = AlertSchema.extend({
  timeToAcknowledgeMs: z.number().nullable().default(null),
});
export type AlertRecord = z.infer<typeof AlertRecordSchema>;

/** A chair's shared 2-minute audio pause: every viewer's alarm sound for it pauses until `until`. */
export const AudioPauseSchema = z.object({
  chairId: z.string(),
  by: z.string(),
  from: z.string(),
  until: z.string(),
});
export type AudioPause = z.infer<typeof AudioPauseSchema>;

export interface AlertQuery {
  chairId?: string;
  sessionId?: string;
  from?: Date | number | string;
  to?: Date | number | string;
  priority?: AlertPriority;
  state?: AlertState;
  kind?: AlertKind;
  limit?: number;
}

/** `GET /audit` filters (charge nurse, admin); `beforeSeq` is the previous page's `nextBeforeSeq`. */
export interface AuditQuery {
  from?: Date | number | string;
  to?: Date | number | string;
  actor?: string;
  action?: string;
  chairId?: string;
  sessionId?: string;
  limit?: number;
  beforeSeq?: number;
}

export interface ApiClient {
  login(credentials: Login): Promise<LoginResult>;
  listChairs(): Promise<Chair[]>;
  getVitals(chairId: string, query?: VitalsQuery): Promise<StoredSample[]>;
  /** Each parameter over the window, downsampled on the server: what a long chart draws. */
  getVitalsTrend(chairId: string, query?: TrendQuery): Promise<VitalsTrend>;
  postVitals(chairId: string, samples: SampleInput | SampleInput[]): Promise<IngestResult>;
  createSession(chairId: string, session: SessionCreate): Promise<Session>;
  postSessionEvent(sessionId: string, event: SessionEventInput): Promise<Session>;
  getSession(sessionId: string): Promise<Session>;
  /** Alert history, newest first. */
  listAlerts(query?: AlertQuery): Promise<AlertRecord[]>;
  /** Acknowledges for everyone; the answer is the alert as it now stands. */
  acknowledgeAlert(alertId: string): Promise<Alert>;
  /** Pauses a chair's alarm sound for every viewer (2 minutes). */
  pauseAudio(chairId: string): Promise<AudioPause>;
  getAudioPause(chairId: string): Promise<AudioPause | null>;
  createChair(chair: ChairCreate): Promise<{ id: string; label: string }>;
  listUsers(): Promise<User[]>;
  createUser(user: UserCreate): Promise<User>;
  /** The alarm rules in force: a session's (clinic rules with its changes) or the clinic's. */
  getAlarmRules(sessionId?: string): Promise<AlarmRuleSet>;
  /** The audit trail, newest first, a page at a time. */
  listAudit(query?: AuditQuery): Promise<AuditPage>;
}

export interface ApiClientOptions {
  /** Origin of the server; '' (the default) means the page's own origin. */
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when the server refuses our token (401): the session is over, log out. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

export const API_BASE_PATH = '/api/v1';

// A feed sample has no user; be lenient if a server leaves the field out rather than drop data.
export const WireSampleSchema = StoredSampleSchema.extend({
  enteredBy: z.string().nullable().default(null),
});

const MEASUREMENTS = ['hr', 'sbp', 'dbp', 'spo2', 'rr', 'etco2'] as const;
/** Every field readStoredSample knows; a test holds this to the schema's fields. */
export const STORED_SAMPLE_FIELDS = [
  'seq',
  'id',
  'at',
  ...MEASUREMENTS,
  'sedation',
  'source',
  'chairId',
  'sessionId',
  'receivedAt',
  'enteredBy',
] as const;
const isSource = (v: unknown): v is StoredSample['source'] =>
  v === 'device' || v === 'manual' || v === 'simulator';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScore = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * One stored sample off the wire, checked field by field: exactly what WireSampleSchema
 * accepts, with the same output (unknown keys dropped, a missing `enteredBy` is null); null when
 * it does not match. Written out by hand because samples come by the thousand (a dashboard's
 * backfill, a long history) and the app's CSP forbids eval, which leaves zod on its slow,
 * interpreted path: several times slower. The tests hold it to the schema.
 */
export function readStoredSample(v: unknown): StoredSample | null {
  if (!isRecord(v)) return null;
  const { seq, id, at, source, chairId, sessionId, receivedAt, enteredBy, sedation } = v;
  if (
    (seq !== undefined && !Number.isSafeInteger(seq)) ||
    typeof id !== 'string' ||
    typeof at !== 'string' ||
    !isSource(source) ||
    typeof chairId !== 'string' ||
    (sessionId !== null && typeof sessionId !== 'string') ||
    typeof receivedAt !== 'string' ||
    (enteredBy !== undefined && enteredBy !== null && typeof enteredBy !== 'string')
  ) {
    return null;
  }
  const out: StoredSample = {
    id,
    at,
    source,
    chairId,
    sessionId,
    receivedAt,
    enteredBy: enteredBy ?? null,
  };
  if (typeof seq === 'number') out.seq = seq;
  for (const key of MEASUREMENTS) {
    const value = v[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
    out[key] = value;
  }
  if (sedation !== undefined) {
    // A strict object in the schema: the scale, the score in its range, nothing else.
    if (!isRecord(sedation) || Object.keys(sedation).length !== 2) return null;
    const { scale, score } = sedation;
    if (scale === 'MOAA/S' && isScore(score, 0, 5)) out.sedation = { scale, score };
    else if (scale === 'RASS' && isScore(score, -5, 4)) out.sedation = { scale, score };
    else return null;
  }
  return out;
}

/** An array of stored samples, all valid, or null. */
function readStoredSamples(value: unknown): StoredSample[] | null {
  if (!Array.isArray(value)) return null;
  const out: StoredSample[] = new Array<StoredSample>(value.length);
  for (let i = 0; i < value.length; i++) {
    const sample = readStoredSample(value[i]);
    if (sample === null) return null;
    out[i] = sample;
  }
  return out;
}

// The zod wrapper lets `request` treat it like any schema; the work is readStoredSamples'.
const SamplesSchema = z.object({
  samples: z.unknown().transform((value, ctx): StoredSample[] => {
    const samples = readStoredSamples(value);
    if (samples === null) {
      ctx.addIssue({ code: 'custom', message: 'not a list of stored samples' });
      return z.NEVER;
    }
    return samples;
  }),
});
const LoginResultSchema = z.object({ token: z.string().min(1), user: UserSchema });
const ChairsSchema = z.object({ chairs: z.array(ChairSchema) });
const TrendResultSchema = z.object({ trend: VitalsTrendSchema });
const SessionResultSchema = z.object({ session: SessionSchema });
const IngestResultSchema = z.object({ accepted: z.number(), duplicates: z.number() });
const CreatedChairSchema = z.object({ chair: z.object({ id: z.string(), label: z.string() }) });
const UsersSchema = z.object({ users: z.array(UserSchema) });
const CreatedUserSchema = z.object({ user: UserSchema });
const AlarmRulesResultSchema = z.object({ rules: AlarmRuleSetSchema });
const AlertsSchema = z.object({ alerts: z.array(AlertRecordSchema) });
const AlertResultSchema = z.object({ alert: AlertSchema });
const AudioPauseResultSchema = z.object({ pause: AudioPauseSchema.nullable() });

/** Parses a socket or HTTP payload of stored samples; a payload with any invalid sample is dropped. */
export function parseStoredSamples(samples: unknown): StoredSample[] {
  return readStoredSamples(samples) ?? [];
}

function toIso(t: Date | number | string): string {
  return typeof t === 'string' ? t : new Date(t).toISOString();
}

/** A typed JSON request against the Chairside API: the token, the contract's error body, a schema check of the answer. */
export type ApiRequest = <T>(
  method: string,
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
) => Promise<T>;

/**
 * The one way the dashboard talks HTTP to the server; feature modules (e.g. the trainer
 * console's simulator calls) build their methods on it rather than on fetch.
 */
export function createRequest(options: ApiClientOptions): ApiRequest {
  const base = `${options.baseUrl ?? ''}${API_BASE_PATH}`;
  const doFetch =
    options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

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
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(
        0,
        'network_error',
        'The Chairside server cannot be reached. Check the network connection.',
      );
    }

    const text = await response.text();
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }

    if (!response.ok) {
      // Our own token was refused: the session has expired or was revoked.
      if (response.status === 401 && token !== null) options.onUnauthorized?.();
      const error = ErrorBodySchema.safeParse(json);
      if (error.success) {
        const e = error.data.error;
        throw new ApiError(response.status, e.code, e.message, e.issues ?? []);
      }
      throw new ApiError(
        response.status,
        'http_error',
        `The server answered ${response.status} ${response.statusText}`.trim(),
      );
    }

    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        'bad_response',
        `The server's answer to ${method} ${path} was not understood.`,
      );
    }
    return parsed.data;
  }

  return request;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const request = createRequest(options);

  return {
    login: (credentials) => request('POST', '/auth/login', LoginResultSchema, credentials),
    listChairs: async () => (await request('GET', '/chairs', ChairsSchema)).chairs,
    getVitals: async (chairId, query = {}) => {
      const params = new URLSearchParams();
      if (query.from !== undefined) params.set('from', toIso(query.from));
      if (query.to !== undefined) params.set('to', toIso(query.to));
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.beforeSeq !== undefined) params.set('beforeSeq', String(query.beforeSeq));
      const qs = params.size > 0 ? `?${params.toString()}` : '';
      return (
        await request('GET', `/chairs/${encodeURIComponent(chairId)}/vitals${qs}`, SamplesSchema)
      ).samples;
    },
    getVitalsTrend: async (chairId, query = {}) => {
      const params = new URLSearchParams();
      if (query.from !== undefined) params.set('from', toIso(query.from));
      if (query.to !== undefined) params.set('to', toIso(query.to));
      if (query.points !== undefined) params.set('points', String(query.points));
      const qs = params.size > 0 ? `?${params.toString()}` : '';
      return (
        await request(
          'GET',
          `/chairs/${encodeURIComponent(chairId)}/vitals/trend${qs}`,
          TrendResultSchema,
        )
      ).trend;
    },
    postVitals: (chairId, samples) =>
      request('POST', `/chairs/${encodeURIComponent(chairId)}/vitals`, IngestResultSchema, samples),
    createSession: async (chairId, session) =>
      (
        await request(
          'POST',
          `/chairs/${encodeURIComponent(chairId)}/sessions`,
          SessionResultSchema,
          session,
        )
      ).session,
    postSessionEvent: async (sessionId, event) =>
      (
        await request(
          'POST',
          `/sessions/${encodeURIComponent(sessionId)}/events`,
          SessionResultSchema,
          event,
        )
      ).session,
    createChair: async (chair) =>
      (await request('POST', '/chairs', CreatedChairSchema, chair)).chair,
    listUsers: async () => (await request('GET', '/users', UsersSchema)).users,
    createUser: async (user) => (await request('POST', '/users', CreatedUserSchema, user)).user,
    getAlarmRules: async (sessionId) =>
      (
        await request(
          'GET',
          sessionId === undefined
            ? '/alarm-rules'
            : `/sessions/${encodeURIComponent(sessionId)}/alarm-rules`,
          AlarmRulesResultSchema,
        )
      ).rules,
    getSession: async (sessionId) =>
      (await request('GET', `/sessions/${encodeURIComponent(sessionId)}`, SessionResultSchema))
        .session,
    listAlerts: async (query = {}) => {
      const params = new URLSearchParams();
      for (const key of ['chairId', 'sessionId', 'priority', 'state', 'kind'] as const) {
        const value = query[key];
        if (value !== undefined && value !== '') params.set(key, value);
      }
      if (query.from !== undefined) params.set('from', toIso(query.from));
      if (query.to !== undefined) params.set('to', toIso(query.to));
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      const qs = params.size > 0 ? `?${params.toString()}` : '';
      return (await request('GET', `/alerts${qs}`, AlertsSchema)).alerts;
    },
    listAudit: (query = {}) => {
      const params = new URLSearchParams();
      if (query.from !== undefined) params.set('from', toIso(query.from));
      if (query.to !== undefined) params.set('to', toIso(query.to));
      for (const key of ['actor', 'action', 'chairId', 'sessionId'] as const) {
        const value = query[key];
        if (value !== undefined && value !== '') params.set(key, value);
      }
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.beforeSeq !== undefined) params.set('beforeSeq', String(query.beforeSeq));
      const qs = params.size > 0 ? `?${params.toString()}` : '';
      return request('GET', `/audit${qs}`, AuditPageSchema);
    },
    acknowledgeAlert: async (alertId) =>
      (
        await request(
          'POST',
          `/alerts/${encodeURIComponent(alertId)}/acknowledge`,
          AlertResultSchema,
        )
      ).alert,
    pauseAudio: async (chairId) => {
      const { pause } = await request(
        'POST',
        `/chairs/${encodeURIComponent(chairId)}/audio-pause`,
        AudioPauseResultSchema,
      );
      if (pause === null) {
        throw new ApiError(200, 'bad_response', 'The server did not start the audio pause.');
      }
      return pause;
    },
    getAudioPause: async (chairId) =>
      (
        await request(
          'GET',
          `/chairs/${encodeURIComponent(chairId)}/audio-pause`,
          AudioPauseResultSchema,
        )
      ).pause,
  };
}
