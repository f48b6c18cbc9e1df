import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSample } from '@chairside/core';
import {
  call,
  createChair,
  startTestServer,
  tokensForAllRoles,
  USER_PASSWORD,
} from '../testing/harness';
import type { TestServer } from '../testing/harness';

/**
 * `pnpm sim` as a user meets it, against a real server: the clear messages for what goes wrong
 * before a run (bad login, unknown chair or scenario, nothing listening) and a short run to the
 * end of its scenario.
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sim(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/simulator/src/cli.ts', ...args],
      { cwd: repoRoot, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let server: TestServer;
let trainerToken: string;
let chairId: string;

beforeAll(async () => {
  server = await startTestServer();
  const tokens = await tokensForAllRoles(server.url);
  trainerToken = tokens.trainer;
  chairId = await createChair(server.url, tokens.admin, 'Chair A');
});

afterAll(async () => {
  await server.stop();
});

const run = (extra: readonly string[]): string[] => ['--scenario', 'typical-response', ...extra];

describe('pnpm sim', () => {
  it('names a wrong password', async () => {
    const result = await sim(
      run([
        '--url',
        server.url,
        '--user',
        'trainer1',
        '--password',
        'not-it',
        '--chair',
        'Chair A',
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'sim: login refused for "trainer1": wrong username or password',
    );
  });

  it('names a refused token', async () => {
    const result = await sim(
      run(['--url', server.url, '--token', 'expired', '--chair', 'Chair A']),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the server refused the token (401)');
  });

  it('lists the chairs when the chair is unknown', async () => {
    const result = await sim(
      run([
        '--url',
        server.url,
        '--user',
        'trainer1',
        '--password',
        USER_PASSWORD,
        '--chair',
        'Chair Z',
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('sim: unknown chair "Chair Z"; the chairs are: "Chair A"');
  });

  it('says when nothing listens at the URL', async () => {
    const closed = await startTestServer();
    await closed.stop();
    const result = await sim(run(['--url', closed.url, '--token', 't', '--chair', 'Chair A']));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach Chairside at ${closed.url}: connection refused`);
  });

  it('lists the scenario ids for an unknown scenario, and on --list', async () => {
    const unknown = await sim([
      '--',
      '--url',
      server.url,
      '--token',
      't',
      '--chair',
      'c',
      '--scenario',
      'nap',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown scenario "nap"; the scenarios are: typical-response, hypertensive-surge',
    );
    const list = await sim(['--', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('feed-loss');
  });

  it('plays a short scenario to its end and leaves every reading stored', async () => {
    // 2 model minutes at 60x: about 2 s of readings, one a second.
    const result = await sim(
      run([
        '--url',
        server.url,
        '--token',
        trainerToken,
        '--chair',
        chairId,
        '--speed',
        '60',
        '--duration-minutes',
        '2',
      ]),
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = /summary: run=(\S+) .*lastSeq=(\d+) .*acked=(\d+) .*buffered=(\d+)/.exec(
      result.stdout,
    );
    expect(summary, result.stdout).not.toBeNull();
    const [, runId = '', lastSeq = '', acked = '', buffered = ''] = summary ?? [];
    expect(Number(lastSeq)).toBeGreaterThanOrEqual(2);
    expect(acked).toBe(lastSeq);
    expect(buffered).toBe('0');
    const stored = await call<{ samples: StoredSample[] }>(
      server.url,
      'GET',
      `/chairs/${chairId}/vitals`,
      {
        token: trainerToken,
      },
    );
    expect(
      stored.body.samples.filter((s) => s.id.startsWith(`${runId}:`)).map((s) => s.id),
    ).toEqual(Array.from({ length: Number(lastSeq) }, (_, i) => `${runId}:${i + 1}`));
  });
});
