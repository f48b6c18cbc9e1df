import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  Chair,
  ClientToServerEvents,
  IngestAck,
  SampleInput,
  ServerToClientEvents,
} from '@chairside/core';
import type { Logger } from 'pino';

/**
 * The demo's stand-in for bedside monitors: a socket.io client that logs in as `trainer` and
 * sends a plausible, slightly noisy reading per chair every second through the PUBLIC path
 * (HTTP login, socket `vitals` with acks), exactly as a device would. The real physiology
 * simulator (packages/simulator) replaces it later.
 */
export interface DemoFeedOptions {
  url: string;
  username: string;
  password: string;
  logger: Logger;
  clock?: () => number;
  /** Chair labels to feed; default: every chair whose label starts with "Chair ". */
  chairFilter?: (chair: Pick<Chair, 'id' | 'label'>) => boolean;
  intervalMs?: number;
}

export interface DemoFeed {
  stop(): Promise<void>;
}

interface ChairBaseline {
  hr: number;
  sbp: number;
  dbp: number;
  spo2: number;
  rr: number;
  etco2: number;
}

/** A small deterministic generator so each chair keeps its own character across restarts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashLabel(label: string): number {
  let h = 2166136261;
  for (let i = 0; i < label.length; i += 1) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function demoBaseline(label: string): ChairBaseline {
  const r = seededRandom(hashLabel(label));
  return {
    hr: Math.round(64 + r() * 22),
    sbp: Math.round(112 + r() * 26),
    dbp: Math.round(70 + r() * 14),
    spo2: Math.round(96 + r() * 3),
    rr: Math.round(12 + r() * 5),
    etco2: Math.round(34 + r() * 6),
  };
}

const BP_EVERY_MS = 60_000;
const SEDATION_EVERY_MS = 5 * 60_000;

/** One reading at time `at`: HR, SpO2, RR, EtCO2 always; BP each minute; MOAA/S each 5 min. */
export function demoSample(
  baseline: ChairBaseline,
  at: number,
  noise: () => number,
  chairKey: string,
): SampleInput {
  const jitter = (amplitude: number): number => (noise() * 2 - 1) * amplitude;
  const sample: SampleInput = {
    id: `demo-${chairKey}-${at}`,
    at: new Date(at).toISOString(),
    hr: Math.round(baseline.hr + jitter(3)),
    spo2: Math.min(100, Math.round(baseline.spo2 + jitter(1))),
    rr: Math.max(0, Math.round(baseline.rr + jitter(1.5))),
    etco2: Math.round(baseline.etco2 + jitter(1.5)),
    source: 'simulator',
  };
  if (at % BP_EVERY_MS < 1000) {
    const sbp = Math.round(baseline.sbp + jitter(5));
    sample.sbp = sbp;
    sample.dbp = Math.min(sbp - 20, Math.round(baseline.dbp + jitter(4)));
  }
  if (at % SEDATION_EVERY_MS < 1000)
    sample.sedation = { scale: 'MOAA/S', score: noise() < 0.7 ? 4 : 5 };
  return sample;
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`demo feed: login as ${username} failed with HTTP ${res.status}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}

async function fetchChairs(url: string, token: string): Promise<Pick<Chair, 'id' | 'label'>[]> {
  const res = await fetch(`${url}/api/v1/chairs`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`demo feed: GET /chairs failed with HTTP ${res.status}`);
  const body = (await res.json()) as { chairs: Pick<Chair, 'id' | 'label'>[] };
  return body.chairs;
}

export async function startDemoFeed(options: DemoFeedOptions): Promise<DemoFeed> {
  const clock = options.clock ?? Date.now;
  const intervalMs = options.intervalMs ?? 1000;
  const { logger } = options;
  const filter = options.chairFilter ?? ((c) => c.label.startsWith('Chair '));

  let token = await login(options.url, options.username, options.password);
  const chairs = (await fetchChairs(options.url, token)).filter(filter);
  const feeds = chairs.map((c) => ({
    chair: c,
    baseline: demoBaseline(c.label),
    noise: seededRandom(hashLabel(c.id)),
  }));

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url, {
    auth: (cb) => {
      cb({ token });
    },
    transports: ['websocket'],
  });
  socket.on('connect_error', (error) => {
    // A refused handshake (token expired after 12 h) is not retried by the client: log in again.
    if (socket.active) return;
    logger.warn({ err: error.message }, 'demo feed: socket refused, logging in again');
    login(options.url, options.username, options.password).then(
      (fresh) => {
        token = fresh;
        socket.connect();
      },
      (loginError: unknown) => {
        logger.error({ err: loginError }, 'demo feed: login failed; feed stopped');
      },
    );
  });

  let failures = 0;
  const tick = (): void => {
    if (!socket.connected) return;
    const at = Math.floor(clock() / 1000) * 1000;
    for (const feed of feeds) {
      const sample = demoSample(feed.baseline, at, feed.noise, feed.chair.id.slice(0, 8));
      socket
        .timeout(5000)
        .emitWithAck('vitals', { chairId: feed.chair.id, samples: [sample] })
        .then((ack: IngestAck) => {
          if (!ack.ok && failures++ % 60 === 0)
            logger.warn({ error: ack.error, chair: feed.chair.label }, 'demo feed: sample refused');
        })
        .catch((error: unknown) => {
          if (failures++ % 60 === 0)
            logger.warn({ err: error, chair: feed.chair.label }, 'demo feed: no ack');
        });
    }
  };
  const timer = setInterval(tick, intervalMs);
  logger.info(
    { chairs: feeds.map((f) => f.chair.label) },
    'demo feed running through the public socket API',
  );

  return {
    stop: () => {
      clearInterval(timer);
      socket.disconnect();
      return Promise.resolve();
    },
  };
}
