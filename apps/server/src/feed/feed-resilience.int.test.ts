import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredSample } from '@chairside/core';
import {
  ADMIN_PASSWORD,
  call,
  createChair,
  loginAs,
  USER_PASSWORD,
  waitFor,
} from '../testing/harness';

/**
 * The feed survives a server crash: the real server and the real `pnpm sim` device run as
 * separate processes; the server is SIGKILLed mid-run (no clean shutdown, as in a power cut)
 * and restarted on the same port and data directory. Every reading the device took must end
 * up stored exactly once, in order, because the device buffers until the server's ack says
 * "durably stored" and resends with the same ids.
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface Proc {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const procs: Proc[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'chairside-feed-'));

function start(script: string, args: readonly string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const proc = { child, output: () => text, exited };
  procs.push(proc);
  return proc;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    probe.close(() => {
      resolve();
    }),
  );
  return port;
}

async function startServer(port: number): Promise<Proc> {
  const server = start('apps/server/src/main.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const healthy = await fetch(`${url}/api/v1/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) return server;
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    if (Date.now() > deadline)
      throw new Error(`server not healthy after 20 s:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  for (const { child, exited } of procs) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('simulator feed across a server crash', () => {
  it(
    'stores every reading exactly once and in order after a SIGKILL and restart',
    { timeout: 60_000 },
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const first = await startServer(port);

      const admin = await loginAs(url, 'admin', ADMIN_PASSWORD);
      const chairId = await createChair(url, admin, 'Resilience chair');
      const created = await call(url, 'POST', '/users', {
        token: admin,
        body: { username: 'trainer1', password: USER_PASSWORD, role: 'trainer' },
      });
      expect(created.status).toBe(201);

      const device = start('packages/simulator/src/cli.ts', [
        '--',
        '--url',
        url,
        '--user',
        'trainer1',
        '--password',
        USER_PASSWORD,
        '--chair',
        'resilience chair',
        '--scenario',
        'typical-response',
        '--speed',
        '20',
        '--seed',
        '7',
      ]);
      await waitFor(() => device.output().includes('connected'), 15_000, 'the device to connect');
      await sleep(5_000);

      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor(() => device.output().includes('link lost'), 5_000, 'the device to notice');
      await sleep(3_000);

      await startServer(port);
      await waitFor(
        () => device.output().includes('reconnected'),
        15_000,
        'the device to reconnect',
      );
      await sleep(5_000);

      device.child.kill('SIGTERM');
      const deviceExit = await device.exited;
      const output = device.output();
      expect(deviceExit, output).toEqual({ code: 0, signal: null });

      const summary = /summary: run=(\S+) .*lastSeq=(\d+) .*buffered=(\d+) reconnects=(\d+)/.exec(
        output,
      );
      expect(summary, output).not.toBeNull();
      const [, runId = '', lastSeqText = '', bufferedText = '', reconnectsText = ''] =
        summary ?? [];
      const lastSeq = Number(lastSeqText);
      expect(Number(reconnectsText)).toBeGreaterThanOrEqual(1);
      expect(Number(bufferedText)).toBe(0);
      // ~5 s before the crash, ~3 s down plus the restart, ~5 s after: one reading a second.
      expect(lastSeq).toBeGreaterThanOrEqual(12);

      const res = await call<{ samples: StoredSample[] }>(
        url,
        'GET',
        `/chairs/${chairId}/vitals?limit=20000`,
        {
          token: admin,
        },
      );
      expect(res.status).toBe(200);
      const ours = res.body.samples.filter((s) => s.id.startsWith(`${runId}:`));
      const ids = ours.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      // In `at` order (as served) the sequence numbers run 1..lastSeq without a gap or a repeat.
      expect(ours.map((s) => Number(s.id.slice(runId.length + 1)))).toEqual(
        Array.from({ length: lastSeq }, (_, i) => i + 1),
      );
      const times = ours.map((s) => Date.parse(s.at));
      expect(times.every((t, i) => i === 0 || t > (times[i - 1] ?? Infinity))).toBe(true);
      expect(ours.every((s) => s.source === 'simulator' && s.chairId === chairId)).toBe(true);
      // Readings taken while the server was down were held by the device and stored after the
      // restart: the crash really interrupted the feed rather than falling between two readings.
      const heldBack = ours.filter((s) => Date.parse(s.receivedAt) - Date.parse(s.at) > 1_000);
      expect(heldBack.length, output).toBeGreaterThanOrEqual(3);
    },
  );
});
