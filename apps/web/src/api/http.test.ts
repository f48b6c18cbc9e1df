import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './http';
import { startLocalServer } from '../test/localServer';
import type { LocalServer } from '../test/localServer';

let server: LocalServer;

const stored = {
  id: 's1',
  at: '2026-11-21T09:30:05.000Z',
  hr: 78,
  source: 'device',
  chairId: 'c1',
  sessionId: null,
  receivedAt: '2026-11-21T09:30:05.120Z',
  enteredBy: null,
};

beforeAll(async () => {
  server = await startLocalServer((req) => {
    if (req.authorization !== 'Bearer good') {
      return { status: 401, body: { error: { code: 'unauthorized', message: 'Sign in again' } } };
    }
    if (req.method === 'GET' && req.url.startsWith('/api/v1/chairs/c1/vitals')) {
      return { status: 200, body: { samples: [stored] } };
    }
    if (req.method === 'POST' && req.url === '/api/v1/chairs/c1/vitals') {
      return {
        status: 400,
        body: {
          error: {
            code: 'invalid_sample',
            message: 'The batch has invalid samples',
            issues: [{ path: '3.spo2', message: 'SpO2 104 is above the plausible maximum 100 %' }],
          },
        },
      };
    }
    if (req.url === '/api/v1/chairs') return { status: 200, body: { chairs: [{ id: 'c1' }] } };
    return { status: 404, body: { error: { code: 'not_found', message: 'No such route' } } };
  });
});

afterAll(async () => {
  await server.close();
});

describe('API client', () => {
  it('sends the token and the query, and returns the samples', async () => {
    const api = createApiClient({ baseUrl: server.url, getToken: () => 'good' });
    const samples = await api.getVitals('c1', {
      from: Date.parse('2026-11-21T09:00:00Z'),
      limit: 50,
    });
    expect(samples).toEqual([stored]);
    expect(server.requests.at(-1)?.url).toBe(
      '/api/v1/chairs/c1/vitals?from=2026-11-21T09%3A00%3A00.000Z&limit=50',
    );
    // A page further back: the cursor is the seq of the oldest sample already shown.
    await api.getVitals('c1', { limit: 101, beforeSeq: 4207 });
    expect(server.requests.at(-1)?.url).toBe('/api/v1/chairs/c1/vitals?limit=101&beforeSeq=4207');
  });

  it("turns the contract's error body into an ApiError with the issues", async () => {
    const api = createApiClient({ baseUrl: server.url, getToken: () => 'good' });
    const error = await api
      .postVitals('c1', { at: 0, spo2: 104, source: 'manual' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('invalid_sample');
    expect(apiError.issues).toEqual([
      { path: '3.spo2', message: 'SpO2 104 is above the plausible maximum 100 %' },
    ]);
  });

  it('signs out when the server refuses the token', async () => {
    let signedOut = 0;
    const api = createApiClient({
      baseUrl: server.url,
      getToken: () => 'expired',
      onUnauthorized: () => signedOut++,
    });
    await expect(api.listChairs()).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
      message: 'Sign in again',
    });
    expect(signedOut).toBe(1);
  });

  it('refuses an answer that does not match the contract instead of showing wrong data', async () => {
    const api = createApiClient({ baseUrl: server.url, getToken: () => 'good' });
    await expect(api.listChairs()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('reports an unreachable server as a network error', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:9', getToken: () => 'good' });
    await expect(api.listChairs()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
