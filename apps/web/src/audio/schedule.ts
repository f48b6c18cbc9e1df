import { priorityRank } from '@chairside/core';
import type { AlertPriority } from '@chairside/core';

/**
 * IEC 60601-1-8 alarm sound, as a pure schedule: given what is sounding at each tick, which
 * bursts to play now. The Web Audio player (player.ts) only turns bursts into tones.
 */

/** What can sound: an alarm priority, or the dashboard's own lost connection. */
export type BurstPattern = AlertPriority | 'connection-lost';

/** One pulse of a burst: when (s after the burst starts), how long (s), its fundamental (Hz). */
export interface Pulse {
  offset: number;
  duration: number;
  frequency: number;
}

// High: the IEC 10-pulse burst (3 + 2, pause, 3 + 2) on a C-E-G-G-C melody; pulses 150 ms.
const HIGH_NOTES = [523, 659, 784, 784, 1000, 523, 659, 784, 784, 1000];
const HIGH_OFFSETS = [0, 0.25, 0.5, 1.0, 1.25, 2.2, 2.45, 2.7, 3.2, 3.45];

export const BURST_PULSES: Readonly<Record<BurstPattern, readonly Pulse[]>> = {
  high: HIGH_OFFSETS.map((offset, i) => ({
    offset,
    duration: 0.15,
    frequency: HIGH_NOTES[i] ?? 523,
  })),
  // Medium: 3 pulses, a little longer and lower than high (C-E-G).
  medium: [
    { offset: 0, duration: 0.2, frequency: 523 },
    { offset: 0.35, duration: 0.2, frequency: 659 },
    { offset: 0.7, duration: 0.2, frequency: 784 },
  ],
  // Low: one soft pulse.
  low: [{ offset: 0, duration: 0.25, frequency: 392 }],
  // Connection lost: a falling two-tone pair, unlike any priority, so it is known by ear.
  'connection-lost': [
    { offset: 0, duration: 0.3, frequency: 698 },
    { offset: 0.4, duration: 0.45, frequency: 349 },
  ],
};

/** Time between the starts of two bursts, ms. Low sounds once per alarm (no repeat). */
export const BURST_PERIOD_MS: Readonly<Record<BurstPattern, number | null>> = {
  high: 10_000,
  medium: 25_000,
  'connection-lost': 15_000,
  low: null,
};

export interface SoundingAlarm {
  id: string;
  chairId: string;
  priority: AlertPriority;
  /** When it was raised; absent: treated as raised before any pause. */
  raisedAtMs?: number;
}

/** A chair's shared audio pause, as this dashboard knows it. */
export interface ChairPause {
  untilMs: number;
  /** When the pause began; absent: it covers every alarm of the chair. */
  fromMs?: number;
}

export interface SoundInput {
  now: number;
  /** Alarms nobody has acknowledged yet (state `active`). */
  alarms: readonly SoundingAlarm[];
  /** Audio pauses by chair id. */
  pauses: Readonly<Record<string, ChairPause | undefined>>;
  connectionLost: boolean;
}

export interface SoundState {
  /** The pattern sounding at the last tick (null: silence). */
  pattern: BurstPattern | null;
  lastBurstAt: number | null;
  /** Low alarms that already had their single pulse. */
  lowPlayed: readonly string[];
}

export const SILENT: SoundState = { pattern: null, lastBurstAt: null, lowPlayed: [] };

export interface Burst {
  at: number;
  pattern: BurstPattern;
}

/** Rank for "louder wins": high, then connection lost, then medium, then low. */
function loudness(p: BurstPattern): number {
  return p === 'connection-lost' ? 0.5 : priorityRank(p);
}

/**
 * The alarms a pause does not silence right now. A pause covers what was sounding on its chair
 * when it began; an alarm raised since with a higher priority breaks through (the server also
 * ends the pause for everyone then; this keeps the sound right even before that message).
 */
export function audibleAlarms(input: SoundInput): SoundingAlarm[] {
  return input.alarms.filter((a) => {
    const pause = input.pauses[a.chairId];
    if (pause === undefined || input.now >= pause.untilMs) return true;
    if (pause.fromMs === undefined) return false;
    const from = pause.fromMs;
    const coveredRank = Math.min(
      ...input.alarms
        .filter((b) => b.chairId === a.chairId && (b.raisedAtMs ?? -Infinity) <= from)
        .map((b) => priorityRank(b.priority)),
    );
    return (a.raisedAtMs ?? -Infinity) > from && priorityRank(a.priority) < coveredRank;
  });
}

/**
 * One tick: what sounds now. Only the loudest pattern plays (IEC: lower priorities wait).
 * A pattern that just became the loudest plays at once (a new high alarm breaks through a
 * medium cycle); otherwise it repeats on its period. Call it every few hundred ms.
 */
export function tickSound(
  state: SoundState,
  input: SoundInput,
): { state: SoundState; bursts: Burst[] } {
  const audible = audibleAlarms(input);
  const candidates: BurstPattern[] = audible.map((a) => a.priority);
  if (input.connectionLost) candidates.push('connection-lost');
  const repeating = candidates.filter((p) => p !== 'low');
  const pattern =
    repeating.length === 0 ? null : repeating.reduce((a, b) => (loudness(b) < loudness(a) ? b : a));

  // Low alarms whose pulse is still owed, forgetting the ones that are gone.
  const lowIds = new Set(audible.filter((a) => a.priority === 'low').map((a) => a.id));
  const stillLow = state.lowPlayed.filter((id) => lowIds.has(id));
  const newLow = [...lowIds].filter((id) => !state.lowPlayed.includes(id));

  const bursts: Burst[] = [];
  let lastBurstAt = state.lastBurstAt;
  if (pattern !== null) {
    const period = BURST_PERIOD_MS[pattern] ?? Infinity;
    if (pattern !== state.pattern || lastBurstAt === null || input.now - lastBurstAt >= period) {
      bursts.push({ at: input.now, pattern });
      lastBurstAt = input.now;
    }
  } else {
    lastBurstAt = null;
  }
  // A new low alarm pulses once, unless something louder is already sounding.
  if (newLow.length > 0 && pattern === null) bursts.push({ at: input.now, pattern: 'low' });

  return {
    state: { pattern, lastBurstAt, lowPlayed: [...stillLow, ...newLow] },
    bursts,
  };
}
