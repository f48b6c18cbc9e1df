/**
 * One load point: N chairs sending at `rateHz` over the Socket.io ingest (with acks, like a
 * bedside device) and M dashboards subscribed to every chair, against a running server.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';

export interface LoadPoint {
  name: string;
  chairs: number;
  dashboards: number;
  rateHz: number;
  seconds: number;
  warmupSeconds: number;
  /** Chairs whose readings alternate a manual SpO2 92 (medium alarm, no delay) and a normal one. */
  alarmChairs?: number;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  point: LoadPoint;
  target: string;
  offeredPerSec: number;
  storedPerSec: number;
  deliveredPerSec: number;
  deliveryLatencyMs: Summary;
  ackLatencyMs: Summary;
  /** From the sending of a reading that completes an alarm condition to its `alert` at a dashboard. */
  alarmLatencyMs: Summary;
  ackErrors: number;
  missingDeliveries: number;
  serverCpuPercent: number;
  /**
   * CPU time the hypervisor gave to other guests while this point recorded, as % of the
   * machine's (/proc/stat "steal"). A shared cloud machine has slow minutes; this says which.
   */
  machineStealPercent: number;
  serverRssMb: { start: number; end: number; max: number };
  /** The server's RSS every 10 s of the run (seconds since the start, MB): flat or growing. */
  serverRssSeries: { s: number; mb: number }[];
  /**
   * The load generator's own event-loop delay while recording (ms): the feeders' thread and the
   * worst of the dashboards' threads. A stall there shows up as latency of whichever server was
   * being measured, so a round whose load generator stalled says so here.
   */
  loadGeneratorLoopDelayMs: { feeders: LoopDelay; dashboards: LoopDelay };
}

export interface LoopDelay {
  p99: number;
  max: number;
}

const now = () => performance.timeOrigin + performance.now();

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    count: sorted.length,
    p50: r(at(0.5)),
    p99: r(at(0.99)),
    max: r(sorted[sorted.length - 1] ?? NaN),
  };
}

/** The machine's CPU ticks in all and those stolen by the hypervisor (/proc/stat, Linux). */
export function machineTicks(): { total: number; steal: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = cpu.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] ?? 0 };
}

/** CPU seconds (user + system) and RSS of a process, from /proc (Linux). */
export function processUsage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: Math.round(rssKb / 102.4) / 10 };
}

function connectFeeder(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

interface WorkerHandle {
  worker: Worker;
  next<T>(type: string): Promise<T>;
}

function startDashboards(
  url: string,
  token: string,
  chairIds: string[],
  count: number,
): WorkerHandle {
  const worker = new Worker(new URL('./dashboard-worker.mjs', import.meta.url), {
    workerData: { url, token, chairIds, count },
  });
  const waiting = new Map<string, (v: unknown) => void>();
  worker.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'error') throw new Error(`dashboard worker: ${m.message ?? ''}`);
    const w = waiting.get(m.type);
    waiting.delete(m.type);
    w?.(m);
  });
  return {
    worker,
    next: <T>(type: string) =>
      new Promise<T>((resolve) => waiting.set(type, resolve as (v: unknown) => void)),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(opts: {
  url: string;
  token: string;
  chairIds: string[];
  point: LoadPoint;
  serverPid: number;
  target: string;
}): Promise<LoadResult> {
  const { url, token, chairIds, point, serverPid } = opts;
  const chairs = chairIds.slice(0, point.chairs);
  // Two worker threads share the dashboards so that receiving does not become the bottleneck.
  const workerCount = point.dashboards > 1 ? 2 : 1;
  const handles: WorkerHandle[] = [];
  for (let w = 0; w < workerCount; w++) {
    const n =
      Math.floor(point.dashboards / workerCount) + (w < point.dashboards % workerCount ? 1 : 0);
    const h = startDashboards(url, token, chairs, n);
    handles.push(h);
  }
  await Promise.all(handles.map((h) => h.next('ready')));

  const feeders = await Promise.all(chairs.map(() => connectFeeder(url, token)));
  const ackLatencies: number[] = [];
  let acked = 0;
  let ackedWhileRecording = 0;
  let ackErrors = 0;
  let sent = 0;
  let sentWhileRecording = 0;
  let recording = false;
  const seq = new Array<number>(chairs.length).fill(0);

  const slot = 1000 / point.rateHz / chairs.length; // ms between two sends, staggered over chairs
  const start = now();
  let nextK = 0;
  const totalMs = (point.warmupSeconds + point.seconds) * 1000;
  let recordStart = 0;
  let recordEnd = 0;
  let usageStart = processUsage(serverPid);
  let ticksStart = machineTicks();
  let rssMax = usageStart.rssMb;
  const rssSeries: { s: number; mb: number }[] = [];
  const feederLoopDelay = monitorEventLoopDelay({ resolution: 1 });

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const t = now();
      const elapsed = t - start;
      if (!recording && elapsed >= point.warmupSeconds * 1000) {
        recording = true;
        recordStart = t;
        usageStart = processUsage(serverPid);
        ticksStart = machineTicks();
        feederLoopDelay.enable();
        for (const h of handles) h.worker.postMessage({ type: 'record' });
      }
      const dueK = Math.floor(Math.min(elapsed, totalMs) / slot);
      for (; nextK <= dueK; nextK++) {
        const c = nextK % chairs.length;
        const chairId = chairs[c];
        const feeder = feeders[c];
        if (chairId === undefined || feeder === undefined) continue;
        const n = (seq[c] = (seq[c] ?? 0) + 1);
        const sentAt = now();
        const rec = recording;
        sent++;
        if (rec) sentWhileRecording++;
        // An alarm chair's manual SpO2 92 raises a medium alarm at once; its next reading (97)
        // clears it, so every other reading is a new alarm to time.
        const alarming = c < (point.alarmChairs ?? 0);
        const sample = alarming
          ? { spo2: n % 2 === 1 ? 92 : 97, source: 'manual' }
          : { hr: 70 + (n % 7), spo2: 97, rr: 14, etco2: 36, source: 'device' };
        feeder.emit(
          'vitals',
          {
            chairId,
            samples: [
              {
                id: `${c}:${n}:${sentAt.toFixed(3)}`,
                at: new Date(Math.floor(sentAt)).toISOString(),
                ...sample,
              },
            ],
          },
          (ack: { ok: boolean }) => {
            if (!ack.ok) ackErrors++;
            acked++;
            if (rec) {
              ackedWhileRecording++;
              ackLatencies.push(now() - sentAt);
            }
          },
        );
      }
      if (elapsed % 1000 < 5) {
        const rss = processUsage(serverPid).rssMb;
        rssMax = Math.max(rssMax, rss);
        const second = Math.floor(elapsed / 1000);
        if (second % 10 === 0 && rssSeries.at(-1)?.s !== second)
          rssSeries.push({ s: second, mb: rss });
      }
      if (elapsed >= totalMs) {
        clearInterval(timer);
        feederLoopDelay.disable();
        recordEnd = now();
        resolve();
      }
    }, 2);
  });
  const usageEnd = processUsage(serverPid);
  const ticksEnd = machineTicks();
  rssMax = Math.max(rssMax, usageEnd.rssMb);

  // Drain: wait until every send is acknowledged and the dashboards stop receiving.
  const drainDeadline = now() + 15_000;
  while (acked < sent && now() < drainDeadline) await sleep(50);
  let last = -1;
  while (now() < drainDeadline) {
    const counts = await Promise.all(
      handles.map((h) => {
        const p = h.next<{ received: number }>('count');
        h.worker.postMessage({ type: 'count' });
        return p;
      }),
    );
    const total = counts.reduce((a, c) => a + c.received, 0);
    if (total === last && total >= sent * point.dashboards) break;
    if (total === last) await sleep(500);
    last = total;
    await sleep(100);
  }
  const results = await Promise.all(
    handles.map((h) => {
      const p = h.next<{
        latencies: number[];
        alarmLatencies: number[];
        received: number;
        receivedWhileRecording: number;
        loopDelayMs: LoopDelay;
      }>('result');
      h.worker.postMessage({ type: 'stop' });
      return p;
    }),
  );
  for (const h of handles) await h.worker.terminate();
  for (const f of feeders) f.close();

  const latencies = results.flatMap((r) => r.latencies);
  const received = results.reduce((a, r) => a + r.received, 0);
  const recordSeconds = (recordEnd - recordStart) / 1000;
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    point,
    target: opts.target,
    offeredPerSec: Math.round(sentWhileRecording / recordSeconds),
    storedPerSec: Math.round(ackedWhileRecording / recordSeconds),
    deliveredPerSec: Math.round(latencies.length / recordSeconds),
    deliveryLatencyMs: summarize(latencies),
    ackLatencyMs: summarize(ackLatencies),
    alarmLatencyMs: summarize(results.flatMap((r) => r.alarmLatencies)),
    ackErrors,
    missingDeliveries: Math.max(0, sent * point.dashboards - received),
    serverCpuPercent:
      Math.round(((usageEnd.cpuSeconds - usageStart.cpuSeconds) / recordSeconds) * 1000) / 10,
    machineStealPercent:
      Math.round(
        ((ticksEnd.steal - ticksStart.steal) / Math.max(1, ticksEnd.total - ticksStart.total)) *
          1000,
      ) / 10,
    serverRssMb: { start: usageStart.rssMb, end: usageEnd.rssMb, max: rssMax },
    serverRssSeries: rssSeries,
    loadGeneratorLoopDelayMs: {
      feeders: { p99: ms(feederLoopDelay.percentile(99)), max: ms(feederLoopDelay.max) },
      dashboards: {
        p99: r2(Math.max(...results.map((r) => r.loopDelayMs.p99))),
        max: r2(Math.max(...results.map((r) => r.loopDelayMs.max))),
      },
    },
  };
}
