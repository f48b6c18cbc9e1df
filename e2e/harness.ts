import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { createChairsideServer } from '../apps/server/src/app';
import type { ChairsideServer } from '../apps/server/src/app';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!! /usr/bin/chromium is missing: the browser end-to-end tests are SKIPPED.\n' +
      '!! Install it (apt-get update && apt-get install -y chromium) to run them.\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

export const ARTIFACTS = resolve(import.meta.dirname, '../test-artifacts');
export const WEB_DIST = resolve(import.meta.dirname, '../apps/web/dist');
export const ADMIN_PASSWORD = 'e2e-admin-pass-1';

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The in-process server itself, for what a test does to it (refuse sockets, read stats). */
  server: ChairsideServer;
  close(): Promise<void>;
}

/** The real server with the built dashboard, on an ephemeral port and a throwaway SQLite file. */
export async function startServer(
  dataDir = mkdtempSync(join(tmpdir(), 'chairside-e2e-')),
  port = 0,
): Promise<RunningServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`the dashboard is not built (${WEB_DIST}); run pnpm build first`);
  }
  const server = createChairsideServer({
    dataDir,
    webDist: WEB_DIST,
    adminPassword: ADMIN_PASSWORD,
  });
  const { url } = await server.listen(port, '127.0.0.1');
  return { url, dataDir, server, close: () => server.close() };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function api(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body: unknown = await res.json();
  return { status: res.status, body };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await api(url, '/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status}`);
  return (res.body as { token: string }).token;
}

export async function loginInBrowser(
  page: Page,
  url: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel(/user ?name/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.keyboard.press('Enter');
}
