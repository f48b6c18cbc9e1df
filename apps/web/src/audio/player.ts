import { BURST_PULSES } from './schedule';
import type { BurstPattern } from './schedule';

/**
 * The thin Web Audio side of the alarm sound: turns a burst into tones. Everything about
 * when to play lives in schedule.ts.
 */
export interface AlarmPlayer {
  /** False where the browser has no Web Audio at all. */
  readonly available: boolean;
  /** True while the browser holds sound back until the user interacts with the page. */
  isBlocked: () => boolean;
  /** Call from a click or key press: asks the browser to let sound out. */
  unlock: () => Promise<boolean>;
  play: (pattern: BurstPattern, volume: number) => void;
  /** Tells when blocked/unblocked changes. */
  onChange: (listener: () => void) => () => void;
  close: () => void;
}

// Harmonic amplitudes (fundamental, 2nd, 3rd, 4th): IEC asks for at least 4 harmonics so the
// tone is easy to locate in a room.
const HARMONICS = [1, 0.5, 0.35, 0.25, 0.15];

export function createWebAudioPlayer(
  createContext: () => AudioContext | null = () =>
    typeof AudioContext === 'undefined' ? null : new AudioContext(),
): AlarmPlayer {
  const context = createContext();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  context?.addEventListener('statechange', notify);
  let wave: PeriodicWave | null = null;

  return {
    available: context !== null,
    isBlocked: () => context !== null && context.state === 'suspended',
    unlock: async () => {
      if (context === null) return false;
      try {
        await context.resume();
      } catch {
        return false;
      }
      notify();
      return context.state === 'running';
    },
    play: (pattern, volume) => {
      if (context?.state !== 'running') return;
      wave ??= context.createPeriodicWave(
        new Float32Array(HARMONICS.length + 1),
        Float32Array.from([0, ...HARMONICS]),
      );
      const start = context.currentTime + 0.02;
      const level = Math.min(1, Math.max(0, volume)) * 0.4;
      for (const pulse of BURST_PULSES[pattern]) {
        const oscillator = context.createOscillator();
        oscillator.setPeriodicWave(wave);
        oscillator.frequency.value = pulse.frequency;
        const gain = context.createGain();
        const t0 = start + pulse.offset;
        const t1 = t0 + pulse.duration;
        // Short ramps: no clicks, and IEC's rise/fall times (10-20 % of the pulse).
        gain.gain.setValueAtTime(0, t0);
        gain.gain.linearRampToValueAtTime(level, t0 + 0.02);
        gain.gain.setValueAtTime(level, t1 - 0.03);
        gain.gain.linearRampToValueAtTime(0, t1);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(t0);
        oscillator.stop(t1 + 0.01);
      }
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      context?.removeEventListener('statechange', notify);
      void context?.close().catch(() => undefined);
    },
  };
}
