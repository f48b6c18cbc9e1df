import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ADMIN_PASSWORD,
  askVitals,
  call,
  connectSocket,
  createChair,
  loginAs,
  startTestServer,
} from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';

/**
 * 10,000 generated malformed (and a few accidentally valid) requests: HTTP bodies, query
 * strings and socket payloads. Not one may get a 5xx or a missing ack, and the server must still
 * serve afterwards. A monitor that a broken device can crash is worse than none.
 */

const HTTP_CASES = 6000;
const SOCKET_CASES = 4000;
const CONCURRENCY = 8;

let t: TestServer;
let token: string;
let chairId: string;
let sessionId: string;

beforeAll(async () => {
  t = await startTestServer();
  token = await loginAs(t.url, 'admin', ADMIN_PASSWORD);
  chairId = await createChair(t.url, token, 'Fuzz chair');
  const created = await call<{ session: { id: string } }>(
    t.url,
    'POST',
    `/chairs/${chairId}/sessions`,
    {
      token,
      body: { patientRef: 'FUZZ-1', weightKg: 80, doseMgPerKg: 0.5, plannedMinutes: 40 },
    },
  );
  sessionId = created.body.session.id;
});

afterAll(async () => {
  await t.stop();
});

const validSample = () => ({
  at: new Date().toISOString(),
  hr: 80,
  spo2: 97,
  sbp: 120,
  dbp: 80,
  rr: 14,
  source: 'device',
});
const SAMPLE_KEYS = [
  'id',
  'at',
  'hr',
  'sbp',
  'dbp',
  'spo2',
  'rr',
  'etco2',
  'sedation',
  'source',
  'extra',
];

/** A valid sample with one field replaced by anything, or removed. */
const mutatedSample = fc
  .tuple(fc.constantFrom(...SAMPLE_KEYS), fc.option(fc.anything(), { nil: undefined }))
  .map(([key, value]) => {
    const s: Record<string, unknown> = Object.fromEntries(
      Object.entries(validSample()).filter(([k]) => k !== key),
    );
    if (value !== undefined) s[key] = value;
    return s;
  });

const jsonBody = fc.oneof(
  fc.anything(),
  fc.json().map((text) => ({ raw: text })),
  fc.string().map((text) => ({ raw: text })),
  mutatedSample,
  fc.array(mutatedSample, { maxLength: 5 }),
);

interface HttpCase {
  method: string;
  path: string;
  body: unknown;
}

const httpCase: fc.Arbitrary<HttpCase> = fc.oneof(
  jsonBody.map((body) => ({ method: 'POST', path: '/chairs/CHAIR/vitals', body })),
  jsonBody.map((body) => ({ method: 'POST', path: '/chairs/CHAIR/sessions', body })),
  jsonBody.map((body) => ({ method: 'POST', path: '/sessions/SESSION/events', body })),
  jsonBody.map((body) => ({ method: 'POST', path: '/users', body })),
  jsonBody.map((body) => ({ method: 'POST', path: '/chairs', body })),
  fc.tuple(fc.string(), fc.string(), fc.string()).map(([from, to, limit]) => ({
    method: 'GET',
    path: `/chairs/CHAIR/vitals?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=${encodeURIComponent(limit)}`,
    body: undefined,
  })),
  fc.string({ maxLength: 40 }).map((id) => ({
    method: 'POST',
    path: `/chairs/${encodeURIComponent(id)}/vitals`,
    body: validSample(),
  })),
);

async function runPool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await worker(item);
      }
    }),
  );
}

/** JSON.stringify answers undefined for undefined at run time, whatever its type says. */
function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value).slice(0, 200);
}

function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

describe('fuzzing the public interface', () => {
  it(
    `answers ${HTTP_CASES} generated HTTP requests without a 5xx, each 4xx with the contract body`,
    { timeout: 180_000 },
    async () => {
      const cases = fc.sample(httpCase, { numRuns: HTTP_CASES, seed: 20261121 });
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      await runPool(cases, async (c) => {
        const path = c.path.replace('CHAIR', chairId).replace('SESSION', sessionId);
        const raw =
          typeof c.body === 'object' && c.body !== null && 'raw' in c.body
            ? (c.body as { raw: string }).raw
            : undefined;
        const res = await call(t.url, c.method, path, { token, body: raw ?? c.body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500)
          failures.push(
            `${c.method} ${path} ${show(c.body)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        else if (res.status >= 400 && !isErrorBody(res.body))
          failures.push(`${c.method} ${path} -> ${res.status} without the error body`);
      });
      console.log(
        'HTTP fuzz statuses:',
        Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      );
      expect(failures.slice(0, 5)).toEqual([]);
      expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    },
  );

  it(
    `acks ${SOCKET_CASES} generated socket payloads without crashing`,
    { timeout: 180_000 },
    async () => {
      const socketCase = fc.oneof(
        fc.anything().map((payload) => ({ event: 'vitals', payload })),
        fc
          .array(mutatedSample, { maxLength: 4 })
          .map((samples) => ({ event: 'vitals', payload: { chairId: 'CHAIR', samples } })),
        fc
          .record({ chairId: fc.oneof(fc.string(), fc.anything()), samples: fc.anything() })
          .map((payload) => ({ event: 'vitals', payload })),
        fc.anything().map((payload) => ({ event: 'subscribe', payload })),
        fc.record({ chairIds: fc.anything() }).map((payload) => ({ event: 'subscribe', payload })),
      );
      const cases = fc.sample(socketCase, { numRuns: SOCKET_CASES, seed: 1121 });
      const sockets: TestSocket[] = await Promise.all(
        Array.from({ length: CONCURRENCY }, () => connectSocket(t.url, token)),
      );
      const failures: string[] = [];
      let okCount = 0;
      let next = 0;
      await Promise.all(
        sockets.map(async (socket) => {
          while (next < cases.length) {
            const c = cases[next++];
            if (c === undefined) continue;
            const payload = JSON.parse(
              JSON.stringify(c.payload ?? null, (_k, v: unknown) => (v === 'CHAIR' ? chairId : v)),
            ) as unknown;
            try {
              const ack =
                c.event === 'vitals'
                  ? await askVitals(socket, payload)
                  : ((await socket.timeout(3000).emitWithAck('subscribe', payload as never)) as {
                      ok: boolean;
                    });
              if (typeof ack.ok !== 'boolean')
                failures.push(
                  `${c.event} ${JSON.stringify(payload).slice(0, 200)}: ack ${JSON.stringify(ack)}`,
                );
              if (ack.ok) okCount++;
            } catch (error) {
              failures.push(`${c.event} ${show(payload)}: ${String(error)}`);
            }
          }
        }),
      );
      console.log(
        `socket fuzz: ${cases.length} payloads, ${okCount} accepted, ${cases.length - okCount} refused`,
      );
      for (const s of sockets) {
        expect(s.connected).toBe(true);
        s.close();
      }
      expect(failures.slice(0, 5)).toEqual([]);
      // Still serving: a fresh, valid reading goes in.
      const last = await connectSocket(t.url, token);
      expect(await askVitals(last, { chairId, samples: [validSample()] })).toMatchObject({
        ok: true,
        accepted: 1,
      });
      last.close();
    },
  );
});
