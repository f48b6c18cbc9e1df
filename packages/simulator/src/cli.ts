import { randomUUID } from 'node:crypto';
import { parseCliArgs, scenarioList, USAGE } from './cli-args';
import type { Credentials, DeviceRunOptions } from './cli-args';
import { FeedClient } from './feed-client';
import type { FeedClientEvent, FeedClientStats } from './feed-client';
import { ScenarioRun } from './scenarios';

/**
 * `pnpm sim -- ...`: the simulator as a bedside device. It plays a scenario on one chair in real
 * time and sends each reading through FeedClient, the same public socket ingest a monitor uses,
 * so a network or server outage is ridden out by buffering and resending. Readings carry ids
 * `<runId>:<seq>`, which makes every resend idempotent on the server.
 */

const TICK_MS = 250;
const STATUS_EVERY_MS = 10_000;
/** On Ctrl-C / SIGTERM: how long to wait for the server to take what is still buffered. */
const STOP_FLUSH_MS = 5_000;
/** At the natural end of a scenario the server may be briefly away: wait longer. */
const END_FLUSH_MS = 30_000;
const HTTP_TIMEOUT_MS = 10_000;

/** A failure the user can act on: printed as is, without a stack trace. */
class CliError extends Error {}

interface ChairRef {
  readonly id: string;
  readonly label: string;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Why fetch failed, in words: "connection refused" rather than "fetch failed". */
function unreachable(url: string, error: unknown): CliError {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused (is the server running on that port?)'
      : code === 'ENOTFOUND'
        ? 'unknown host'
        : error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${HTTP_TIMEOUT_MS / 1000} s`
          : (code ?? (error instanceof Error ? error.message : String(error)));
  return new CliError(`cannot reach Chairside at ${url}: ${reason}`);
}

async function request(url: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${url}/api/v1${path}`, {
      ...init,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(url, error);
  }
}

/** A failed answer in words: Chairside's own error message, or a hint that it is not Chairside. */
async function failure(url: string, what: string, res: Response): Promise<CliError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string')
      return new CliError(`${what} failed: HTTP ${res.status}: ${body.error.message}`);
  } catch {
    // not JSON: some other service answers at that URL
  }
  return new CliError(`${what} failed: HTTP ${res.status} from ${url}: is this Chairside?`);
}

/** Some other service on that port answers HTML, not JSON: say so instead of a stack trace. */
async function readJson(url: string, res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new CliError(`the answer from ${url} is not JSON: is this Chairside?`);
  }
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await request(url, '/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status === 401)
    throw new CliError(`login refused for "${username}": wrong username or password`);
  if (!res.ok) throw await failure(url, `login as "${username}"`, res);
  const body = await readJson(url, res);
  const token =
    typeof body === 'object' && body !== null && 'token' in body ? body.token : undefined;
  if (typeof token !== 'string')
    throw new CliError(`the login answer from ${url} has no token: is this Chairside?`);
  return token;
}

async function tokenFor(url: string, credentials: Credentials): Promise<string> {
  return 'token' in credentials
    ? credentials.token
    : login(url, credentials.username, credentials.password);
}

async function resolveChair(url: string, token: string, wanted: string): Promise<ChairRef> {
  const res = await request(url, '/chairs', { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401)
    throw new CliError('the server refused the token (401): log in again or use --user/--password');
  if (!res.ok) throw await failure(url, 'GET /chairs', res);
  const body = await readJson(url, res);
  const listed =
    typeof body === 'object' && body !== null && 'chairs' in body ? body.chairs : undefined;
  if (!Array.isArray(listed))
    throw new CliError(`the chair list from ${url} has no chairs: is this Chairside?`);
  const chairs = listed as ChairRef[];
  const folded = wanted.trim().toLowerCase();
  const chair =
    chairs.find((c) => c.id === wanted) ??
    chairs.find((c) => c.label.trim().toLowerCase() === folded);
  if (chair === undefined) {
    const known =
      chairs.length === 0
        ? 'there are no chairs yet'
        : `the chairs are: ${chairs.map((c) => `"${c.label}"`).join(', ')}`;
    throw new CliError(`unknown chair "${wanted}"; ${known}`);
  }
  return chair;
}

function statsLine(stats: FeedClientStats): string {
  return `sent ${stats.sent} acked ${stats.acked} buffered ${stats.buffered}${stats.connected ? '' : ' (link down)'}`;
}

function describeEvent(event: FeedClientEvent): { line: string; problem: boolean } {
  switch (event.type) {
    case 'connected':
      return {
        line: event.reconnect
          ? 'reconnected: resending what the server has not confirmed'
          : 'connected',
        problem: false,
      };
    case 'disconnected':
      return {
        line: `link lost (${event.reason}); buffering, ${event.buffered} readings not yet confirmed`,
        problem: true,
      };
    case 'rejected':
      return {
        line: `server refused ${event.count} reading(s), dropped: ${event.error.code}: ${event.error.message}`,
        problem: true,
      };
    case 'server-error':
      return {
        line: `server failed to store (${event.error.code}); retrying in ${event.retryInMs} ms`,
        problem: true,
      };
    case 'buffer-full':
      return { line: `buffer full (${event.limit} readings): dropping the oldest`, problem: true };
    case 'auth-failed':
      return { line: `the server refused the token: ${event.message}`, problem: true };
  }
}

async function runDevice(options: DeviceRunOptions, clock: () => number): Promise<number> {
  const { url, credentials, scenario, speed, seed } = options;
  const token = await tokenFor(url, credentials);
  const chair = await resolveChair(url, token, options.chair);

  const runId = `sim-${randomUUID().slice(0, 8)}`;
  let authLost = false;
  const feed = new FeedClient({
    url,
    token,
    clock,
    // A login can renew a token that expired during a long run; a bare token cannot be renewed.
    ...('token' in credentials
      ? {}
      : { renewToken: () => login(url, credentials.username, credentials.password) }),
    onEvent: (event) => {
      const { line, problem } = describeEvent(event);
      (problem ? err : out)(`${clockTime(clock())} ${line}`);
      if (event.type === 'auth-failed') authLost = true;
    },
  });
  const run = new ScenarioRun({ scenario, startAtMs: clock(), seed, speed });
  out(
    `run ${runId}: scenario "${scenario.id}" on ${chair.label} (${chair.id}), patient seed ${seed}, ` +
      `${run.patient.weightKg.toFixed(0)} kg, ${scenario.infusion.doseMgPerKg} mg/kg over ${scenario.infusion.plannedMinutes} min, ` +
      `speed ${speed}x: ${scenario.durationMinutes} model minutes in ${((scenario.durationMinutes * 60) / speed).toFixed(0)} s`,
  );

  let seq = 0;
  let nextStatusAt = clock() + STATUS_EVERY_MS;
  const summary = (): string => {
    const s = feed.stats();
    return (
      `summary: run=${runId} chair=${chair.id} scenario=${scenario.id} lastSeq=${seq} sent=${s.sent} acked=${s.acked} ` +
      `accepted=${s.accepted} duplicates=${s.duplicates} rejected=${s.rejected} dropped=${s.dropped} ` +
      `buffered=${s.buffered} reconnects=${s.reconnects}`
    );
  };

  return new Promise<number>((resolve) => {
    let stopping = false;
    const finish = (code: number): void => {
      clearInterval(ticker);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out(summary());
      const lost = feed.stats().buffered;
      if (lost > 0) err(`${lost} reading(s) were never confirmed by the server and are lost`);
      feed.close();
      resolve(code);
    };
    const stop = (why: string, flushMs: number, code: (drained: boolean) => number): void => {
      if (stopping) return;
      stopping = true;
      clearInterval(ticker);
      const { buffered } = feed.stats();
      out(
        `${clockTime(clock())} ${why}${buffered > 0 ? `: sending the ${buffered} unconfirmed reading(s), up to ${flushMs / 1000} s` : ''}`,
      );
      feed.flush(flushMs).then(
        (drained) => {
          finish(code(drained));
        },
        () => {
          finish(1);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      // A second signal means "now": give up on the flush.
      if (stopping) {
        finish(0);
        return;
      }
      stop(`${signal}: stopping`, STOP_FLUSH_MS, () => 0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const tick = (): void => {
      const now = clock();
      const samples = run.advanceTo(now).map((sample) => ({ ...sample, id: `${runId}:${++seq}` }));
      if (samples.length > 0) feed.send(chair.id, samples);
      if (now >= nextStatusAt) {
        nextStatusAt += STATUS_EVERY_MS;
        out(
          `${clockTime(now)} ${chair.label} ${scenario.id} minute ${run.modelMinute.toFixed(1)}/${scenario.durationMinutes}: ` +
            `seq ${seq}, ${statsLine(feed.stats())}`,
        );
      }
      if (authLost) stop('stopping: the token is no longer accepted', 0, () => 1);
      else if (run.finished)
        stop('scenario finished', END_FLUSH_MS, (drained) => (drained ? 0 : 1));
    };
    const ticker = setInterval(tick, TICK_MS);
    tick();
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCliArgs(argv);
  switch (command.kind) {
    case 'help':
      out(USAGE);
      return 0;
    case 'list':
      out(scenarioList());
      return 0;
    case 'error':
      err(`sim: ${command.message}`);
      return 2;
    case 'run':
      return runDevice(command.options, Date.now);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    err(
      error instanceof CliError
        ? `sim: ${error.message}`
        : `sim: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
