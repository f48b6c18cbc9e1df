/**
 * The ingest path alone, in one process (not part of `pnpm bench`): a real server over a fresh
 * SQLite store (alarm engine running, no sockets), fed through `ingestVitals` the way the
 * Socket.io handler calls it: `--per-turn` single-sample ingests start in the same event-loop
 * turn (the messages of many devices read in one poll), then the next turn. Prints this
 * process's CPU time per stored sample, with no socket or client cost mixed in.
 *
 *   pnpm --filter @chairside/server exec tsx src/bench/ingest-micro.ts [--samples 40000] [--chairs 500] [--per-turn 50]
 *     [--alarm-chairs 20] [--prof] [--heap-prof]
 *
 * --prof writes a CPU profile; --heap-prof an allocation profile (sampled every 1 kB, the
 * objects scavenges collected included): what a reading allocates, by function, which is what
 * sets how often the scavenges pause the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { User } from '@chairside/core';
import { createChairsideServer } from '../app';
import { createChair } from '../domain/chairs';
import { ingestVitals } from '../domain/vitals';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '40000' },
    chairs: { type: 'string', default: '500' },
    'per-turn': { type: 'string', default: '50' },
    'alarm-chairs': { type: 'string', default: '20' },
    prof: { type: 'boolean', default: false },
    'heap-prof': { type: 'boolean', default: false },
  },
});
const SAMPLES = Number(args.samples);
const CHAIRS = Number(args.chairs);
const PER_TURN = Number(args['per-turn']);
const ALARM_CHAIRS = Number(args['alarm-chairs']);

const dataDir = mkdtempSync(join(tmpdir(), 'chairside-micro-'));
const server = createChairsideServer({
  dataDir,
  adminPassword: 'micro-admin-pass-1',
  webDist: null,
  logger: pino({ level: 'warn' }),
  physioNetDir: null,
});
await server.ready();
const ctx = server.context;
const actor: User = { username: 'device', role: 'admin' };
const chairIds: string[] = [];
for (let i = 1; i <= CHAIRS; i++)
  chairIds.push((await createChair(ctx, 'admin', { label: `Micro ${i}` })).id);

const seq = new Array<number>(CHAIRS).fill(0);
let k = 0;
async function turn(): Promise<void> {
  const calls: Promise<unknown>[] = [];
  for (let j = 0; j < PER_TURN; j++, k++) {
    const c = k % CHAIRS;
    const n = (seq[c] = (seq[c] ?? 0) + 1);
    const sample =
      c < ALARM_CHAIRS
        ? { spo2: n % 2 === 1 ? 92 : 97, source: 'manual' }
        : { hr: 70 + (n % 7), spo2: 97, rr: 14, etco2: 36, source: 'device' };
    calls.push(
      ingestVitals(ctx, actor, chairIds[c] ?? '', [
        { id: `${c}:${n}`, at: new Date(Date.now()).toISOString(), ...sample },
      ]),
    );
  }
  await Promise.all(calls);
}

// Warm up (JIT, statement cache, alarm rebuilds), then measure.
for (let i = 0; i < 2000 / PER_TURN; i++) await turn();
await server.alarms.idle();
let profiler: Session | null = null;
if (args.prof || args['heap-prof']) {
  profiler = new Session();
  profiler.connect();
}
if (profiler !== null && args.prof) {
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
if (profiler !== null && args['heap-prof']) {
  await profiler.post('HeapProfiler.enable');
  await profiler.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    // Short-lived objects are the point here (Node's types do not know these options yet).
    ...{ includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true },
  });
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const turns = Math.ceil(SAMPLES / PER_TURN);
for (let i = 0; i < turns; i++) await turn();
await server.alarms.idle();
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
if (profiler !== null && args.prof) {
  const { profile } = await profiler.post('Profiler.stop');
  const file = join(tmpdir(), `ingest-micro-${Date.now()}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`profile: ${file}`);
}
if (profiler !== null && args['heap-prof']) {
  const { profile } = await profiler.post('HeapProfiler.stopSampling');
  const file = join(tmpdir(), `ingest-micro-${Date.now()}.heapprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`allocation profile: ${file}`);
}
// The 1 s alarm tick over every chair: how long it holds the event loop at once.
const tickMs: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  await server.alarms.tick();
  tickMs.push(Math.round((performance.now() - t) * 100) / 100);
}
const n = turns * PER_TURN;
console.log(
  JSON.stringify({
    samples: n,
    perTurn: PER_TURN,
    cpuUsPerSample: Math.round(((cpu.user + cpu.system) / n) * 10) / 10,
    userUs: Math.round((cpu.user / n) * 10) / 10,
    systemUs: Math.round((cpu.system / n) * 10) / 10,
    wallUsPerSample: Math.round(((wall * 1000) / n) * 10) / 10,
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
    tickMs,
  }),
);
await server.close();
rmSync(dataDir, { recursive: true, force: true });
