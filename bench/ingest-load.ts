/**
 * A focused ingest load (not part of `pnpm bench`): starts one Chairside server, feeds N chairs
 * over the Socket.io ingest at a fixed total rate for a while, and prints the server's CPU cost
 * per stored sample (from /proc, so the feeders' own CPU is not counted), the stored rate, ack
 * latency and RSS. Meant for A/B comparisons of the server's per-sample cost in the same minute.
 *
 *   pnpm exec tsx bench/ingest-load.ts [--rate 2500] [--chairs 500] [--seconds 20]
 *     [--dashboards 0] [--alarm-chairs 20] [--tsx] [--prof <dir>] [--root <repo>]
 *
 * --tsx runs apps/server/src/main.ts under tsx (as before the build); default: the built
 * apps/server/dist/main.js when it exists. --prof writes a V8 CPU profile of the server there.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { processUsage, summarize } from './load';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '2500' },
    chairs: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    dashboards: { type: 'string', default: '0' },
    'alarm-chairs': { type: 'string', default: '20' },
    tsx: { type: 'boolean', default: false },
    prof: { type: 'string' },
    /** Extra node flags for the server, space-separated (e.g. "--max-semi-space-size=8"). */
    'node-flags': { type: 'string', default: '' },
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    /** Show the server's stdout (e.g. with --node-flags=--trace-gc). */
    'server-stdout': { type: 'boolean', default: false },
  },
});
const ROOT = resolve(args.root);
const RATE = Number(args.rate);
const CHAIRS = Number(args.chairs);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const DASHBOARDS = Number(args.dashboards);
const ALARM_CHAIRS = Number(args['alarm-chairs']);
const PASSWORD = 'ingest-load-pass-1';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    s.once('connect', () => res(s));
    s.once('connect_error', rej);
  });
}

async function main(): Promise<void> {
  const dist = join(ROOT, 'apps/server/dist/main.js');
  const useDist = !args.tsx && existsSync(dist);
  const nodeArgs = useDist ? [dist] : ['--import', 'tsx', join(ROOT, 'apps/server/src/main.ts')];
  nodeArgs.unshift(...args['node-flags'].split(' ').filter((f) => f !== ''));
  if (args.prof !== undefined) nodeArgs.unshift('--cpu-prof', '--cpu-prof-dir', resolve(args.prof));
  const dataDir = mkdtempSync(join(tmpdir(), 'chairside-ingest-'));
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', args['server-stdout'] ? 'inherit' : 'ignore', 'inherit'],
  });
  const pid = child.pid ?? 0;
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('server did not start');
      const ok = await fetch(`${url}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(100);
    }
    const idle = processUsage(pid);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const chairIds: string[] = [];
    for (let i = 1; i <= CHAIRS; i++) {
      const r = await fetch(`${url}/api/v1/chairs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ label: `Load ${i}` }),
      });
      chairIds.push(((await r.json()) as { chair: { id: string } }).chair.id);
    }
    let received = 0;
    // Reading-to-dashboard latency: each sample's send time by id, looked up at each delivery.
    const sentAtById = new Map<string, number>();
    const deliveries: number[] = [];
    const delivered = (samples: { id: string }[]): void => {
      const t = now();
      for (const s of samples) {
        const sentAt = sentAtById.get(s.id);
        if (sentAt !== undefined) deliveries.push(t - sentAt);
      }
    };
    const dashboards = await Promise.all(
      Array.from({ length: DASHBOARDS }, () => connect(url, token)),
    );
    for (const d of dashboards) {
      d.on('vitals', (m: { samples: { id: string }[] }) => {
        received += m.samples.length;
        delivered(m.samples);
      });
      d.on('vitals-batch', (m: { batches: { samples: { id: string }[] }[] }) => {
        for (const b of m.batches) {
          received += b.samples.length;
          delivered(b.samples);
        }
      });
      // Coalesced, as the dashboard subscribes.
      await d.emitWithAck('subscribe', { coalesce: true });
    }
    const feeders = await Promise.all(chairIds.map(() => connect(url, token)));
    const afterSetup = processUsage(pid);

    const seq = new Array<number>(CHAIRS).fill(0);
    const slot = 1000 / RATE;
    const totalMs = (WARMUP + SECONDS) * 1000;
    const start = now();
    let k = 0;
    let sent = 0;
    let acked = 0;
    let ackErrors = 0;
    let ackedRec = 0;
    let recording = false;
    let recStart = 0;
    let recEnd = 0;
    let usageStart = afterSetup;
    let rssMax = 0;
    let receivedStart = 0;
    const latencies: number[] = [];
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const elapsed = now() - start;
        if (!recording && elapsed >= WARMUP * 1000) {
          recording = true;
          recStart = now();
          usageStart = processUsage(pid);
          receivedStart = received;
        }
        const due = Math.floor(Math.min(elapsed, totalMs) / slot);
        for (; k <= due; k++) {
          const c = k % CHAIRS;
          const n = (seq[c] = (seq[c] ?? 0) + 1);
          const sentAt = now();
          const rec = recording;
          const sample =
            c < ALARM_CHAIRS
              ? { spo2: n % 2 === 1 ? 92 : 97, source: 'manual' }
              : { hr: 70 + (n % 7), spo2: 97, rr: 14, etco2: 36, source: 'device' };
          sent++;
          if (rec) sentAtById.set(`${c}:${n}`, sentAt);
          feeders[c]?.emit(
            'vitals',
            {
              chairId: chairIds[c],
              samples: [
                { id: `${c}:${n}`, at: new Date(Math.floor(sentAt)).toISOString(), ...sample },
              ],
            },
            (ack: { ok: boolean }) => {
              acked++;
              if (!ack.ok) ackErrors++;
              if (rec) {
                ackedRec++;
                latencies.push(now() - sentAt);
              }
            },
          );
        }
        if (elapsed % 1000 < 5) rssMax = Math.max(rssMax, processUsage(pid).rssMb);
        if (elapsed >= totalMs) {
          clearInterval(timer);
          recEnd = now();
          done();
        }
      }, 2);
    });
    const usageEnd = processUsage(pid);
    const receivedEnd = received;
    const drain = now() + 15_000;
    while (acked < sent && now() < drain) await sleep(50);
    const secs = (recEnd - recStart) / 1000;
    const cpu = usageEnd.cpuSeconds - usageStart.cpuSeconds;
    const lat = summarize(latencies);
    const result = {
      server: useDist ? 'dist' : 'tsx',
      offeredPerSec: RATE,
      storedPerSec: Math.round(ackedRec / secs),
      relayedPerSec: Math.round((receivedEnd - receivedStart) / secs),
      cpuPercent: Math.round((cpu / secs) * 1000) / 10,
      cpuUsPerSample: Math.round((cpu * 1e6) / Math.max(1, ackedRec)),
      ackMs: { p50: lat.p50, p99: lat.p99, max: lat.max },
      deliveryMs: (({ p50, p99, max }) => ({ p50, p99, max }))(summarize(deliveries)),
      ackErrors,
      unacked: sent - acked,
      rssMb: { idle: idle.rssMb, afterSetup: afterSetup.rssMb, max: rssMax, end: usageEnd.rssMb },
    };
    console.log(JSON.stringify(result));
    for (const f of [...feeders, ...dashboards]) f.close();
  } finally {
    await new Promise<void>((res) => {
      if (child.exitCode !== null) res();
      else {
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
