/**
 * pnpm bench: Chairside against a bare Socket.io relay, same load, same run.
 * Starts each as its own process (so its CPU and RSS can be read from /proc), plays the load
 * points, prints a table and writes JSON under bench/results/.
 *   --quick         skip the 10-minute soak
 *   --browser-only  only the dashboard in Chromium
 *   --points-only   only the two load points (a quick A/B; writes no JSON)
 *   --chairside-only  Chairside's load points and ramp, no reference, soak or browser (an A/B
 *                   of the server's CPU and RSS under overload; writes no JSON)
 *   --head-to-head  only the interleaved rounds of the 500-chair point that the p99 target is
 *                   judged on (see headToHead; writes no JSON)
 *   --trace-long-tasks[=ms]  the browser run is traced: every main-thread task over ms (30)
 *                   is reported with what ran in it (bench/long-tasks.ts), the JSON of it in
 *                   the temp folder
 * BENCH_SERVER_NODE_FLAGS="..." replaces the node flags of `pnpm start` (A/B of a flag).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { runBrowserBench } from './browser';
import type { BrowserBenchResult } from './browser';
import { processUsage, runLoad } from './load';
import type { LoadPoint, LoadResult } from './load';

const ROOT = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const browserOnly = process.argv.includes('--browser-only');
const pointsOnly = process.argv.includes('--points-only');
const chairsideOnly = process.argv.includes('--chairside-only');
const headToHeadOnly = process.argv.includes('--head-to-head');
const traceArg = process.argv.find((a) => a.startsWith('--trace-long-tasks'));
const traceLongTasksOverMs =
  traceArg === undefined ? undefined : Number(traceArg.split('=')[1] ?? 30);
const ADMIN_PASSWORD = 'bench-admin-pass-1';

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy`);
}

interface Target {
  name: string;
  url: string;
  pid: number;
  token: string;
  chairIds: string[];
  /** Chairside's SQLite files in MB (the WAL must stay bounded under load); null for bare. */
  storeFilesMb?: () => { database: number; wal: number };
  stop(): Promise<void>;
}

/**
 * The node flags of `pnpm start` (apps/server/package.json), so the benchmark runs the server
 * exactly as a clinic does, e.g. --heap-growing-percent (see apps/server/README.md, Memory).
 */
function serverNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'apps/server/package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const override = process.env['BENCH_SERVER_NODE_FLAGS'];
  if (override !== undefined) return override.split(' ').filter(Boolean);
  const start = pkg.scripts['start'] ?? '';
  const run = /node ((?:--\S+ )*)dist\/main\.js/.exec(start);
  if (run === null) throw new Error(`cannot read the node command of "start": ${start}`);
  return (run[1] ?? '').trim().split(' ').filter(Boolean);
}

async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child);
  const idleRss = child.pid === undefined ? NaN : processUsage(child.pid).rssMb;
  console.log(`  ${name} up at ${url} (pid ${child.pid}, idle RSS ${idleRss} MB)`);
  return { url, child };
}

function stopper(child: ChildProcess, cleanup?: () => void) {
  return () =>
    new Promise<void>((res) => {
      child.once('exit', () => {
        cleanup?.();
        res();
      });
      child.kill('SIGTERM');
    });
}

async function startChairside(chairs: number): Promise<Target> {
  // What a clinic runs (`pnpm start`): the production build under plain node, not tsx.
  const main = join(ROOT, 'apps/server/dist/main.js');
  if (!existsSync(main))
    throw new Error(
      `${main} is missing: run pnpm --filter @chairside/server build (pnpm bench does)`,
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'chairside-bench-'));
  const { url, child } = await startProcess('chairside', [...serverNodeFlags(), main], {
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
  });
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const chairIds: string[] = [];
  for (let i = 1; i <= chairs; i++) {
    const r = await fetch(`${url}/api/v1/chairs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ label: `Bench ${i}` }),
    });
    const body = (await r.json()) as { chair: { id: string } };
    chairIds.push(body.chair.id);
  }
  return {
    name: 'chairside',
    url,
    pid: child.pid ?? 0,
    token,
    chairIds,
    storeFilesMb: () => {
      const mb = (file: string): number =>
        existsSync(file) ? Math.round(statSync(file).size / 1e5) / 10 : 0;
      const database = join(dataDir, 'chairside.sqlite');
      return { database: mb(database), wal: mb(`${database}-wal`) };
    },
    stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })),
  };
}

async function startBare(chairs: number): Promise<Target> {
  const { url, child } = await startProcess(
    'bare relay',
    ['--import', 'tsx', 'bench/bare-relay.ts'],
    {},
  );
  const chairIds = Array.from({ length: chairs }, (_, i) => `bare-${i + 1}`);
  return {
    name: 'bare-relay',
    url,
    pid: child.pid ?? 0,
    token: 'none',
    chairIds,
    stop: stopper(child),
  };
}

const POINTS: LoadPoint[] = [
  {
    name: '50 chairs / 10 dashboards',
    chairs: 50,
    dashboards: 10,
    rateHz: 1,
    seconds: 20,
    warmupSeconds: 5,
  },
  {
    name: '500 chairs / 20 dashboards',
    chairs: 500,
    dashboards: 20,
    rateHz: 1,
    seconds: 30,
    warmupSeconds: 5,
    alarmChairs: 20,
  },
];
const RAMP_RATES = [2, 5, 10, 15, 20];
const SOAK: LoadPoint = {
  name: 'soak 500 chairs / 20 dashboards, 10 min',
  chairs: 500,
  dashboards: 20,
  rateHz: 1,
  seconds: 600,
  warmupSeconds: 10,
  alarmChairs: 20,
};

function sustained(r: LoadResult): boolean {
  return (
    r.ackErrors === 0 &&
    r.storedPerSec >= 0.95 * r.offeredPerSec &&
    r.missingDeliveries <= 0.01 * r.offeredPerSec * r.point.dashboards &&
    r.ackLatencyMs.p99 < 1000
  );
}

/** One load point against one server. */
function play(target: Target, point: LoadPoint): Promise<LoadResult> {
  return runLoad({
    url: target.url,
    token: target.token,
    chairIds: target.chairIds,
    point,
    serverPid: target.pid,
    target: target.name,
  });
}

async function runAll(
  start: (chairs: number) => Promise<Target>,
  withSoak: boolean,
): Promise<{
  points: LoadResult[];
  ramp: LoadResult[];
  soak: LoadResult | null;
  /** Chairside's SQLite files after the last phase. */
  storeFilesMb: { database: number; wal: number } | null;
}> {
  const target = await start(500);
  let storeFilesMb: { database: number; wal: number } | null;
  const points: LoadResult[] = [];
  const ramp: LoadResult[] = [];
  let soak: LoadResult | null = null;
  try {
    for (const point of POINTS) {
      const r = await play(target, point);
      points.push(r);
      console.log(
        `  ${target.name} ${point.name}: p99 ${r.deliveryLatencyMs.p99} ms, ${r.deliveredPerSec} deliveries/s, alarm p99 ${r.alarmLatencyMs.p99} ms (${r.alarmLatencyMs.count})`,
      );
    }
    for (const rateHz of pointsOnly ? [] : RAMP_RATES) {
      const point = {
        name: `ramp 500 chairs x ${rateHz} Hz / 10 dashboards`,
        chairs: 500,
        dashboards: 10,
        rateHz,
        seconds: 15,
        warmupSeconds: 3,
      };
      const r = await play(target, point);
      ramp.push(r);
      console.log(
        `  ${target.name} ${point.name}: stored ${r.storedPerSec}/s of ${r.offeredPerSec}/s, p99 ${r.deliveryLatencyMs.p99} ms`,
      );
      if (!sustained(r)) break;
    }
    if (withSoak) {
      soak = await play(target, SOAK);
    }
    storeFilesMb = target.storeFilesMb?.() ?? null;
  } finally {
    await target.stop();
  }
  return { points, ramp, soak, storeFilesMb };
}

/** Rounds of the 500-chair point played against each server, alternating, for the p99 target. */
const HEAD_TO_HEAD_ROUNDS = 5;

interface HeadToHead {
  rounds: { bare: LoadResult; chairside: LoadResult }[];
  /** The median over the rounds of each server's p99 delivery latency. */
  bareP99Ms: number;
  chairsideP99Ms: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/**
 * The p99 target compares two servers' 99th percentiles, each from a 30-second window on a
 * 2-core machine that the load generator (500 feeders, 20 dashboards) shares. One window each,
 * minutes apart, made the ratio a draw of the machine's moment: from the same code the bare
 * relay's p99 ranged 1.35-3.64 ms between runs and the ratio 1.41-2.26. So both servers run
 * side by side (the one not under load sits idle) and play the 500-chair point in alternating
 * rounds, bare first in odd rounds and Chairside first in even ones, and each side's p99 is the
 * median of its rounds: a slow minute of the machine lands on both, and one bad window decides
 * nothing. Five rounds, not three: on session 8's machine (a shared VM whose hypervisor took
 * 2-8 % of the CPU in bursts) single rounds of the same code ranged 1.5-7.7 ms for the bare
 * relay, and the median of three still swung the ratio between 0.82 and 1.94 within an hour.
 * Each round reports the machine's steal time beside it. Measured: Chairside's rounds here run at more CPU (34-42 %) than its single point
 * after the bare ramp did (27 %), for the same load, while the bare relay's stays at 17-21 %;
 * why is not known. The single points are still printed beside the rounds.
 */
async function headToHead(): Promise<HeadToHead> {
  const point = POINTS[1];
  if (point === undefined) throw new Error('no 500-chair point');
  const bare = await startBare(point.chairs);
  const chairside = await startChairside(point.chairs);
  const rounds: HeadToHead['rounds'] = [];
  try {
    for (let round = 0; round < HEAD_TO_HEAD_ROUNDS; round++) {
      const order = round % 2 === 0 ? [bare, chairside] : [chairside, bare];
      const results = new Map<Target, LoadResult>();
      for (const target of order) {
        const r = await play(target, point);
        results.set(target, r);
        console.log(
          `  round ${round + 1}: ${target.name} ${point.name}: p50 ${r.deliveryLatencyMs.p50} p99 ${r.deliveryLatencyMs.p99} ms, CPU ${r.serverCpuPercent} %, machine steal ${r.machineStealPercent} %, load generator's loop delay max ${r.loadGeneratorLoopDelayMs.feeders.max} / ${r.loadGeneratorLoopDelayMs.dashboards.max} ms`,
        );
      }
      const b = results.get(bare);
      const c = results.get(chairside);
      if (b !== undefined && c !== undefined) rounds.push({ bare: b, chairside: c });
    }
  } finally {
    await bare.stop();
    await chairside.stop();
  }
  return {
    rounds,
    bareP99Ms: median(rounds.map((r) => r.bare.deliveryLatencyMs.p99)),
    chairsideP99Ms: median(rounds.map((r) => r.chairside.deliveryLatencyMs.p99)),
  };
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);

/**
 * RSS growth over the soak in %: the last minute's highest reading against the first minute's
 * after warm-up (the heap settles in the first minute; a leak shows as a rise after it).
 */
function soakRssGrowth(soak: LoadResult | null): number | null {
  if (soak === null) return null;
  const series = soak.serverRssSeries;
  const settled = series.filter((p) => p.s >= soak.point.warmupSeconds + 60);
  const firstMinute = settled.filter((p) => p.s < soak.point.warmupSeconds + 120);
  const lastMinute = settled.filter(
    (p) => p.s >= soak.point.warmupSeconds + soak.point.seconds - 60,
  );
  if (firstMinute.length === 0 || lastMinute.length === 0) return null;
  const base = Math.max(...firstMinute.map((p) => p.mb));
  const last = Math.max(...lastMinute.map((p) => p.mb));
  return Math.round(((last - base) / base) * 1000) / 10;
}

function printBrowser(b: BrowserBenchResult): Record<string, boolean> {
  if (b.longTaskTrace !== undefined) {
    const file = join(tmpdir(), `chairside-long-tasks-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(b.longTaskTrace, null, 2));
    console.log(`  long-task attribution written to ${file}`);
  }
  console.log(
    `\nDashboard in Chromium, ${b.chairs} chairs at 1 Hz for ${b.seconds} s: ${b.frames} frames, frame time p50 ${b.frameMs.p50} / p95 ${b.frameMs.p95} / p99 ${b.frameMs.p99} / max ${b.frameMs.max} ms; ` +
      `long tasks ${b.longTasks.count} (over 50 ms: ${b.longTasks.over50ms}, longest ${b.longTasks.maxMs} ms); JS heap ${b.heapMb.afterWarmup} -> ${b.heapMb.end} MB (${b.heapMb.growthPercent} %)`,
  );
  console.log(
    `Chair detail, ${b.detail.samples} samples (4 h at 1 Hz): whole session drawn ${b.detail.firstRenderMs} ms after the click`,
  );
  console.log(`First screen JavaScript + CSS: ${b.firstScreenGzipKb} kB gzipped`);
  return {
    // rAF intervals cannot be shorter than one 60 Hz vsync (16.67 ms): "under 16.7 ms" means the
    // 95th percentile frame is not a dropped one; 0.3 ms of timer jitter is allowed.
    'dashboard p95 frame time within one 60 Hz frame (<= 17 ms)': b.frameMs.p95 <= 17,
    'dashboard: no long task over 50 ms': b.longTasks.over50ms === 0,
    'dashboard JS heap growth < 10 %': b.heapMb.growthPercent < 10,
    'chair detail, 4 h of 1 Hz, first render < 200 ms': b.detail.firstRenderMs < 200,
    'first screen < 300 kB gzipped': b.firstScreenGzipKb < 300,
  };
}

async function main() {
  console.log(
    `Chairside benchmark on ${cpus().length} cores, Node ${process.version}${quick ? ' (quick: no soak)' : ''}`,
  );
  if (browserOnly) {
    const b = await runBrowserBench({ quick, traceLongTasksOverMs });
    for (const [k, v] of Object.entries(printBrowser(b)))
      console.log(`${v ? 'MET    ' : 'NOT MET'} ${k}`);
    return;
  }
  if (headToHeadOnly) {
    const h = await headToHead();
    console.log(
      `median p99 over ${h.rounds.length} rounds: bare ${h.bareP99Ms} ms, chairside ${h.chairsideP99Ms} ms, ratio ${Math.round((h.chairsideP99Ms / h.bareP99Ms) * 100) / 100}`,
    );
    return;
  }
  if (chairsideOnly) {
    const only = await runAll(startChairside, false);
    for (const r of [...only.points, ...only.ramp])
      console.log(
        `${r.point.name}: stored ${r.storedPerSec}/s of ${r.offeredPerSec}/s, p50 ${r.deliveryLatencyMs.p50} p99 ${r.deliveryLatencyMs.p99} ms, CPU ${r.serverCpuPercent} %, RSS ${r.serverRssMb.start} -> ${r.serverRssMb.end} (max ${r.serverRssMb.max}) MB`,
      );
    return;
  }
  // The soak is about Chairside's memory and latency over time; the reference needs none.
  const bare = await runAll(startBare, false);
  const chairside = await runAll(startChairside, !quick && !pointsOnly);
  if (pointsOnly) {
    for (const r of [...bare.points, ...chairside.points])
      console.log(
        `${r.target} ${r.point.name}: p50 ${r.deliveryLatencyMs.p50} p99 ${r.deliveryLatencyMs.p99} max ${r.deliveryLatencyMs.max} ms, CPU ${r.serverCpuPercent} %, RSS max ${r.serverRssMb.max} MB`,
      );
    return;
  }

  const rows: string[] = [];
  rows.push(
    `${pad('load point', 44)}${pad('target', 12)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}${pad('stored/s', 10)}${pad('relayed/s', 11)}${pad('missing', 9)}${pad('alarm p99', 11)}${pad('CPU %', 8)}RSS MB`,
  );
  const all = [
    ...bare.points,
    ...chairside.points,
    ...bare.ramp,
    ...chairside.ramp,
    ...(bare.soak ? [bare.soak] : []),
    ...(chairside.soak ? [chairside.soak] : []),
  ];
  for (const r of all) {
    rows.push(
      `${pad(r.point.name, 44)}${pad(r.target, 12)}${pad(r.deliveryLatencyMs.p50, 9)}${pad(r.deliveryLatencyMs.p99, 9)}${pad(r.deliveryLatencyMs.max, 9)}${pad(r.storedPerSec, 10)}${pad(r.deliveredPerSec, 11)}${pad(r.missingDeliveries, 9)}${pad(r.alarmLatencyMs.count > 0 ? r.alarmLatencyMs.p99 : '-', 11)}${pad(r.serverCpuPercent, 8)}${r.serverRssMb.start}->${r.serverRssMb.end} (max ${r.serverRssMb.max})`,
    );
  }
  const at500 = chairside.points[1];
  console.log('\nThe 500-chair point again, both servers side by side, in alternating rounds:');
  const rounds = await headToHead();
  const best = (rs: LoadResult[]) =>
    Math.max(0, ...rs.filter(sustained).map((r) => r.storedPerSec));
  const targets = {
    /** Medians over the alternating rounds (headToHead), not the single points above. */
    p99At500ChairsMs: rounds.chairsideP99Ms,
    bareP99At500ChairsMs: rounds.bareP99Ms,
    p99RatioToBare: Math.round((rounds.chairsideP99Ms / rounds.bareP99Ms) * 100) / 100,
    p99RoundsMs: rounds.rounds.map((r) => ({
      bare: r.bare.deliveryLatencyMs.p99,
      chairside: r.chairside.deliveryLatencyMs.p99,
      machineStealPercent: {
        bare: r.bare.machineStealPercent,
        chairside: r.chairside.machineStealPercent,
      },
      loadGeneratorLoopDelayMs: {
        bare: r.bare.loadGeneratorLoopDelayMs,
        chairside: r.chairside.loadGeneratorLoopDelayMs,
      },
    })),
    highestSustainedStoredPerSec: best(chairside.ramp),
    bareHighestSustainedPerSec: best(bare.ramp),
    alarmP99At500ChairsMs: at500?.alarmLatencyMs.p99 ?? null,
    alarmSignalsTimed: at500?.alarmLatencyMs.count ?? 0,
    soakRssGrowthPercent: soakRssGrowth(chairside.soak),
    // After every phase (with the soak: some 560,000 readings stored): the WAL must not hold
    // all of them (store/checkpointer.ts, RESTART).
    storeFilesMbAtEnd: chairside.storeFilesMb,
    // Every Chairside phase counts, the alternating rounds' server too.
    maxRssMb: Math.max(
      ...[
        ...chairside.points,
        ...chairside.ramp,
        ...(chairside.soak ? [chairside.soak] : []),
        ...rounds.rounds.map((r) => r.chairside),
      ].map((r) => r.serverRssMb.max),
    ),
  };
  const verdict: Record<string, boolean> = {
    'p99 <= 1.5x bare and < 25 ms at 500 chairs':
      targets.p99RatioToBare <= 1.5 && targets.p99At500ChairsMs < 25,
    '>= 5000 samples/s stored and relayed to 10 dashboards':
      targets.highestSustainedStoredPerSec >= 5000,
    'RSS < 250 MB': targets.maxRssMb < 250,
    ...(targets.soakRssGrowthPercent === null
      ? {}
      : {
          'RSS flat over the soak (< 10 % growth after the first minute)':
            targets.soakRssGrowthPercent < 10,
        }),
    'alarm signal p99 < 50 ms at 500 chairs': (targets.alarmP99At500ChairsMs ?? Infinity) < 50,
  };
  console.log(`\n${rows.join('\n')}\n`);
  console.log(JSON.stringify(targets, null, 2));
  let browser: BrowserBenchResult | null = null;
  if (existsSync('/usr/bin/chromium')) {
    browser = await runBrowserBench({ quick, traceLongTasksOverMs });
    Object.assign(verdict, printBrowser(browser));
  } else {
    console.warn(
      '\n!! /usr/bin/chromium is missing: the dashboard (browser) benchmark is SKIPPED.\n',
    );
  }
  for (const [k, v] of Object.entries(verdict)) console.log(`${v ? 'MET    ' : 'NOT MET'} ${k}`);

  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    quick,
    targets,
    verdict,
    bare,
    chairside,
    headToHead: rounds.rounds,
    browser,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const stamp = out.date.replace(/[:.]/g, '-');
  writeFileSync(join(ROOT, `bench/results/bench-${stamp}.json`), JSON.stringify(out, null, 2));
  writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify(out, null, 2));
  console.log(`\nwrote bench/results/bench-${stamp}.json`);
}

await main();
