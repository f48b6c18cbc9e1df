import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  IngestAck,
  Role,
  ServerToClientEvents,
  SubscribeAck,
} from '@chairside/core';
import { createChairsideServer } from '../app';
import { dropTestDatabase, testDatabaseUrl } from './store';
import type { ChairsideServer, ChairsideServerOptions } from '../app';

/** Test support: a real server on an ephemeral port over a fresh data directory. */

export const ADMIN_PASSWORD = 'admin-test-pass-1';
export const USER_PASSWORD = 'user-test-pass-1';

export interface TestServer {
  server: ChairsideServer;
  url: string;
  dataDir: string;
  /** Closes the server; removes the data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'chairside-test-'));
}

export async function startTestServer(
  options: Partial<ChairsideServerOptions> = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeDataDir();
  const databaseUrl = options.databaseUrl ?? (await testDatabaseUrl(dataDir));
  const server = createChairsideServer({
    dataDir,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    adminPassword: ADMIN_PASSWORD,
    webDist: null,
    logger: pino({ level: 'silent' }),
    // Tests log in often; the rate limit itself is tested with the default explicitly.
    loginRateLimit: { limit: 1000, windowMs: 60_000 },
    ...options,
  });
  const { url } = await server.listen(0);
  return {
    server,
    url,
    dataDir,
    stop: async ({ keepData = false } = {}) => {
      await server.close();
      if (!keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropTestDatabase(dataDir);
      }
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client; `body` of a string is sent as is (for broken-JSON tests). */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion to show
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function loginAs(url: string, username: string, password: string): Promise<string> {
  const res = await call<{ token: string }>(url, 'POST', '/auth/login', {
    body: { username, password },
  });
  if (res.status !== 200)
    throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** Logs in as admin, creates one user per role (password USER_PASSWORD) and returns their tokens. */
export async function tokensForAllRoles(url: string): Promise<Record<Role, string>> {
  const admin = await loginAs(url, 'admin', ADMIN_PASSWORD);
  const tokens: Partial<Record<Role, string>> = { admin };
  for (const role of ['nurse', 'charge', 'trainer'] as const) {
    const username = `${role}1`;
    const created = await call(url, 'POST', '/users', {
      token: admin,
      body: { username, password: USER_PASSWORD, role },
    });
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`creating ${username}: ${created.status}`);
    tokens[role] = await loginAs(url, username, USER_PASSWORD);
  }
  return tokens as Record<Role, string>;
}

export async function createChair(url: string, adminToken: string, label: string): Promise<string> {
  const res = await call<{ chair: { id: string } }>(url, 'POST', '/chairs', {
    token: adminToken,
    body: { label },
  });
  if (res.status !== 201)
    throw new Error(`creating chair: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.chair.id;
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected socket.io client, or the connect_error it got. */
export function connectSocket(url: string, token: string | undefined): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next `event` payload matching `match`, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  ms = 3000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} event within ${ms} ms`));
    }, ms);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]): void => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every `event` payload into an array (to assert that something did NOT arrive). */
export function collect<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
    seen.push(payload);
  }) as never);
  return seen;
}

/** Polls `predicate` every 10 ms until it holds, or rejects after `ms`. */
export async function waitFor(
  predicate: () => boolean,
  ms = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Emits a client event and resolves with its ack; `payload` may be anything (bad-input tests). */
export async function askVitals(socket: TestSocket, payload: unknown): Promise<IngestAck> {
  return (await socket.timeout(3000).emitWithAck('vitals', payload as never)) as IngestAck;
}

export async function askSubscribe(socket: TestSocket, payload: unknown): Promise<SubscribeAck> {
  return (await socket.timeout(3000).emitWithAck('subscribe', payload as never)) as SubscribeAck;
}

/** The same socket without the event typing, to send what a broken client would. */
export function untyped(socket: TestSocket): Socket {
  return socket;
}
