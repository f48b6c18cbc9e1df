import { create } from 'zustand';
import type { Alert, Chair, Sedation, StoredSample } from '@chairside/core';

/** The live buffer per chair: the last 15 minutes, at most 1000 samples (1 Hz for ~16 min). */
export const BUFFER_WINDOW_MS = 15 * 60_000;
export const BUFFER_MAX_SAMPLES = 1000;
/** Alerts kept for the session of the page, newest kept when the cap is reached. */
export const MAX_ALERTS_KEPT = 500;

export interface BufferLimits {
  windowMs: number;
  maxSamples: number;
}

const DEFAULT_LIMITS: BufferLimits = { windowMs: BUFFER_WINDOW_MS, maxSamples: BUFFER_MAX_SAMPLES };

/** One measured value and the sample time it was taken at. */
export interface Reading<T> {
  value: T;
  at: string;
  atMs: number;
}

/**
 * The latest value of each parameter. Kept apart from the buffer because a parameter measured
 * long ago (a manual BP 20 minutes back) has left the buffer but must still show, with its age.
 */
export interface LatestReadings {
  hr?: Reading<number>;
  sbp?: Reading<number>;
  dbp?: Reading<number>;
  spo2?: Reading<number>;
  rr?: Reading<number>;
  etco2?: Reading<number>;
  sedation?: Reading<Sedation>;
}

export interface ChairLive {
  chair: Chair;
  /** Recent samples, ascending by `at`, unique by id. */
  samples: readonly StoredSample[];
  latest: LatestReadings;
}

/**
 * Epoch milliseconds of each sample's `at`, parsed once per sample object. Samples are immutable
 * once received, and the buffer, the latest readings and every sparkline need the time again on
 * each update: re-parsing the ISO string of ~900 buffered samples per chair per second was the
 * overview's main cost. The time is kept on the sample itself, under a symbol that is not
 * enumerable (JSON, spreads, Object.keys and equality do not see it). Not in a WeakMap: its
 * table held an entry for every sample ever received, dead ones until a full GC, and every so
 * often grew and rehashed in one go inside whichever merge was adding a sample: 40-110 ms
 * (the dashboard's remaining long tasks of 55-66 ms CPU, traced in sampleAtMs).
 */
const AT_MS: unique symbol = Symbol('atMs');

/** A sample's `at` in epoch milliseconds (parsed on first use, then cached). */
export function sampleAtMs(s: StoredSample): number {
  const cached = (s as StoredSample & { [AT_MS]?: number })[AT_MS];
  if (cached !== undefined) return cached;
  const ms = Date.parse(s.at);
  // A frozen sample (none of ours are) is parsed each time rather than refused.
  if (Object.isExtensible(s)) Object.defineProperty(s, AT_MS, { value: ms });
  return ms;
}

const atMs = sampleAtMs;

/**
 * Index of the first sample to keep when `merged` (existing followed by fresh, ascending by `at`)
 * is cut to the window behind its newest sample and to the size cap.
 */
function keepFrom(
  length: number,
  at: (i: number) => StoredSample,
  newestMs: number,
  limits: BufferLimits,
): number {
  const cutoff = newestMs - limits.windowMs;
  let start = Math.max(0, length - limits.maxSamples);
  // Usually one step: a second of new data pushes one second of old data out.
  while (start < length && atMs(at(start)) < cutoff) start++;
  return start;
}

/**
 * The live case: every incoming sample is at or after the buffer's newest one, in order. Only
 * buffered samples at or after the first incoming time can share an id with it (a sample's id
 * names one reading at one time, and a re-delivery carries the same `at`), so only that tail is
 * checked for duplicates instead of a Set of the whole buffer. Returns null when the batch is
 * out of order or late, for the full merge to place it.
 */
function appendInOrder(
  existing: readonly StoredSample[],
  incoming: readonly StoredSample[],
  limits: BufferLimits,
): readonly StoredSample[] | null {
  const first = incoming[0];
  if (first === undefined) return existing;
  const firstMs = atMs(first);
  const last = existing.at(-1);
  if (last !== undefined && firstMs < atMs(last)) return null;

  const held = new Set<string>();
  for (let i = existing.length - 1; i >= 0; i--) {
    const s = existing[i] as StoredSample;
    if (atMs(s) < firstMs) break;
    held.add(s.id);
  }
  const fresh: StoredSample[] = [];
  let previousMs = firstMs;
  for (const s of incoming) {
    const ms = atMs(s);
    if (ms < previousMs) return null;
    previousMs = ms;
    if (held.has(s.id)) continue;
    held.add(s.id);
    fresh.push(s);
  }
  if (fresh.length === 0) return existing;

  // Copy-on-write (zustand compares by reference), one copy: cut the old end, then append.
  const total = existing.length + fresh.length;
  const n = existing.length;
  const start = keepFrom(
    total,
    (i) => (i < n ? existing[i] : fresh[i - n]) as StoredSample,
    previousMs,
    limits,
  );
  if (start >= n) return fresh.slice(start - n);
  const merged = existing.slice(start);
  for (const s of fresh) merged.push(s);
  return merged;
}

/**
 * Merges incoming samples into a chair's buffer: a sample already held (same id) is ignored,
 * late samples are placed by `at`, and the buffer is cut to the window and the size cap,
 * dropping the oldest. Returns `existing` itself when nothing changed, so views do not redraw.
 */
export function mergeSamples(
  existing: readonly StoredSample[],
  incoming: readonly StoredSample[],
  limits: BufferLimits = DEFAULT_LIMITS,
): readonly StoredSample[] {
  const appended = appendInOrder(existing, incoming, limits);
  if (appended !== null) return appended;

  // Backfill or an out-of-order batch (after a reconnect, a manual entry for an earlier time).
  const seen = new Set(existing.map((s) => s.id));
  const fresh: StoredSample[] = [];
  for (const s of incoming) {
    if (!seen.has(s.id)) {
      seen.add(s.id);
      fresh.push(s);
    }
  }
  if (fresh.length === 0) return existing;
  fresh.sort((a, b) => atMs(a) - atMs(b));

  const last = existing.at(-1);
  const first = fresh[0];
  const merged =
    last === undefined || (first !== undefined && atMs(first) >= atMs(last))
      ? [...existing, ...fresh]
      : [...existing, ...fresh].sort((a, b) => atMs(a) - atMs(b));

  const newest = merged.at(-1);
  if (newest === undefined) return merged;
  const start = keepFrom(merged.length, (i) => merged[i] as StoredSample, atMs(newest), limits);
  return start > 0 ? merged.slice(start) : merged;
}

function newer<T>(
  current: Reading<T> | undefined,
  value: T | undefined,
  at: string,
  ms: number,
): Reading<T> | undefined {
  if (value === undefined) return current;
  if (current !== undefined && current.atMs > ms) return current;
  // The same reading again (a duplicate delivery) must not look like a change.
  if (
    current !== undefined &&
    current.atMs === ms &&
    JSON.stringify(current.value) === JSON.stringify(value)
  ) {
    return current;
  }
  return { value, at, atMs: ms };
}

/** The latest reading per parameter after these samples; an older, late sample never wins. */
export function updateLatest(
  latest: LatestReadings,
  samples: readonly StoredSample[],
): LatestReadings {
  let next = latest;
  for (const s of samples) {
    const ms = atMs(s);
    const candidate: LatestReadings = {
      hr: newer(next.hr, s.hr, s.at, ms),
      sbp: newer(next.sbp, s.sbp, s.at, ms),
      dbp: newer(next.dbp, s.dbp, s.at, ms),
      spo2: newer(next.spo2, s.spo2, s.at, ms),
      rr: newer(next.rr, s.rr, s.at, ms),
      etco2: newer(next.etco2, s.etco2, s.at, ms),
      sedation: newer(next.sedation, s.sedation, s.at, ms),
    };
    const changed = (Object.keys(candidate) as (keyof LatestReadings)[]).some(
      (k) => candidate[k] !== next[k],
    );
    if (changed) next = candidate;
  }
  return next;
}

/** A chair's shared audio pause: who paused it and until when (server times, ISO). */
export interface AudioPauseHeld {
  chairId: string;
  by: string;
  from: string;
  until: string;
}

interface ClinicState {
  /** Chairs in the clinic's order (as the server lists them). */
  chairIds: readonly string[];
  chairs: Readonly<Record<string, ChairLive>>;
  /** Alerts by id as the server last sent them (the alarm views build on this). */
  alerts: Readonly<Record<string, Alert>>;
  /** Replaces the chair list, keeping what is buffered for chairs that remain. */
  setChairs: (chairs: readonly Chair[]) => void;
  /** A chair's session changed. */
  upsertChair: (chair: Chair) => void;
  addSamples: (chairId: string, samples: readonly StoredSample[]) => void;
  recordAlert: (alert: Alert) => void;
  /**
   * Takes in the server's list of open alerts after a (re)connect. An open alert held here that
   * is missing from the list, and that no live message touched since `heldBefore` was read,
   * ended while we were away: it leaves the open view (the history keeps it).
   */
  reconcileOpenAlerts: (
    open: readonly Alert[],
    heldBefore: Readonly<Record<string, Alert>>,
  ) => void;
  /** Shared audio pauses by chair id (CONTRACT audio-pause): every viewer's sound pauses. */
  audioPauses: Readonly<Record<string, AudioPauseHeld>>;
  setAudioPause: (chairId: string, pause: AudioPauseHeld | null) => void;
  clear: () => void;
}

function emptyLive(chair: Chair): ChairLive {
  return { chair, samples: [], latest: {} };
}

export const useClinic = create<ClinicState>()((set) => ({
  chairIds: [],
  chairs: {},
  alerts: {},
  audioPauses: {},
  setChairs: (chairs) => {
    set((state) => {
      const next: Record<string, ChairLive> = {};
      for (const chair of chairs) {
        const held = state.chairs[chair.id];
        next[chair.id] = held === undefined ? emptyLive(chair) : { ...held, chair };
      }
      return { chairIds: chairs.map((c) => c.id), chairs: next };
    });
  },
  upsertChair: (chair) => {
    set((state) => {
      const held = state.chairs[chair.id];
      return {
        chairIds: held === undefined ? [...state.chairIds, chair.id] : state.chairIds,
        chairs: {
          ...state.chairs,
          [chair.id]: held === undefined ? emptyLive(chair) : { ...held, chair },
        },
      };
    });
  },
  addSamples: (chairId, samples) => {
    set((state) => {
      const held = state.chairs[chairId];
      // Samples can arrive before the chair list does; keep them under a provisional chair.
      const live = held ?? emptyLive({ id: chairId, label: chairId, session: null });
      const merged = mergeSamples(live.samples, samples);
      const latest = updateLatest(live.latest, samples);
      if (held !== undefined && merged === live.samples && latest === live.latest) return state;
      return {
        chairIds: held === undefined ? [...state.chairIds, chairId] : state.chairIds,
        chairs: { ...state.chairs, [chairId]: { ...live, samples: merged, latest } },
      };
    });
  },
  recordAlert: (alert) => {
    set((state) => {
      const alerts: Record<string, Alert> = { ...state.alerts, [alert.id]: alert };
      const ids = Object.keys(alerts);
      if (ids.length > MAX_ALERTS_KEPT) {
        // Forget the oldest raised alerts first; the server keeps the full history.
        const oldest = ids
          .map((id) => alerts[id] as Alert)
          .sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt))
          .slice(0, ids.length - MAX_ALERTS_KEPT);
        for (const a of oldest) Reflect.deleteProperty(alerts, a.id);
      }
      return { alerts };
    });
  },
  reconcileOpenAlerts: (open, heldBefore) => {
    set((state) => {
      const alerts: Record<string, Alert> = { ...state.alerts };
      const listed = new Set(open.map((a) => a.id));
      for (const held of Object.values(state.alerts)) {
        if (held.state !== 'cleared' && !listed.has(held.id) && heldBefore[held.id] === held) {
          Reflect.deleteProperty(alerts, held.id);
        }
      }
      for (const a of open) {
        // A live message newer than the list (same alert, touched since) wins.
        if (state.alerts[a.id] === undefined || state.alerts[a.id] === heldBefore[a.id]) {
          alerts[a.id] = a;
        }
      }
      return { alerts };
    });
  },
  setAudioPause: (chairId, pause) => {
    set((state) => {
      const audioPauses: Record<string, AudioPauseHeld> = { ...state.audioPauses };
      if (pause === null) Reflect.deleteProperty(audioPauses, chairId);
      else audioPauses[chairId] = pause;
      return { audioPauses };
    });
  },
  clear: () => {
    set({ chairIds: [], chairs: {}, alerts: {}, audioPauses: {} });
  },
}));
