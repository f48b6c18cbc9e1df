// Dashboard clients for the benchmark, in a worker thread so that receiving tens of thousands
// of messages per second does not delay the feeders' sends in the main thread. Each sample id
// carries its send time, so latency = receive time - send time on the same machine clock.
// Plain JavaScript: Node 20 worker threads do not inherit the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';

/** @type {{ url: string; token: string; chairIds: string[]; count: number }} */
const job = workerData;
const now = () => performance.timeOrigin + performance.now();

let recording = false;
// This thread's own event-loop delay while recording: a stall here would look like the server's.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
/** @type {number[]} */
const latencies = [];
/** Alarm signal latency: `alert` (raised) received minus raisedAt, the `at` = send time of the sample. */
/** @type {number[]} */
const alarmLatencies = [];
let received = 0;
let receivedWhileRecording = 0;
/** @type {import('socket.io-client').Socket[]} */
const sockets = [];

function connect() {
  return new Promise((resolve, reject) => {
    const s = io(job.url, {
      auth: { token: job.token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(s);
    s.on('connect_error', (err) => reject(err));
    s.on('connect', () => {
      // Coalesced, as the dashboard subscribes (a bare relay ignores the option and sends
      // `vitals` per sample).
      s.emit('subscribe', { chairIds: job.chairIds, coalesce: true }, () => resolve(undefined));
    });
    s.on(
      'alert',
      (
        /** @type {{ alert: { raisedAt: string; clearedAt: string | null; acknowledgedAt: string | null } }} */ msg,
      ) => {
        if (!recording) return;
        const a = msg.alert;
        // Only the raise: the first event of an episode has no clear and no acknowledgment.
        if (a.clearedAt !== null || a.acknowledgedAt !== null) return;
        alarmLatencies.push(now() - Date.parse(a.raisedAt));
      },
    );
    /** @param {{ id: string }[]} samples */
    const onSamples = (samples) => {
      const t = now();
      for (const sample of samples) {
        received++;
        if (!recording) continue;
        receivedWhileRecording++;
        const sent = Number(sample.id.slice(sample.id.lastIndexOf(':') + 1));
        latencies.push(t - sent);
      }
    };
    s.on('vitals', (/** @type {{ samples: { id: string }[] }} */ msg) => {
      onSamples(msg.samples);
    });
    s.on('vitals-batch', (/** @type {{ batches: { samples: { id: string }[] }[] }} */ msg) => {
      for (const batch of msg.batches) onSamples(batch.samples);
    });
  });
}

parentPort?.on('message', (/** @type {{ type: string }} */ msg) => {
  if (msg.type === 'record') {
    recording = true;
    loopDelay.enable();
  } else if (msg.type === 'count') {
    parentPort?.postMessage({ type: 'count', received });
  } else if (msg.type === 'stop') {
    recording = false;
    loopDelay.disable();
    for (const s of sockets) s.close();
    parentPort?.postMessage({
      type: 'result',
      latencies,
      alarmLatencies,
      received,
      receivedWhileRecording,
      loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    });
  }
});

const tasks = [];
for (let i = 0; i < job.count; i++) tasks.push(connect());
Promise.all(tasks).then(
  () => parentPort?.postMessage({ type: 'ready' }),
  (err) => parentPort?.postMessage({ type: 'error', message: String(err) }),
);
