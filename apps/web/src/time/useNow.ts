import { useSyncExternalStore } from 'react';
import { tileFrames } from './frameQueue';
import type { FrameQueue } from './frameQueue';

/**
 * One shared ticker for the whole app: every age on screen and the header clock read the same
 * "now", and there is one interval however many tiles are shown. The interval runs only while
 * something is subscribed.
 */
export interface Ticker {
  subscribe: (onTick: () => void) => () => void;
  now: () => number;
}

/**
 * `frames`: the subscribers hear a tick through this queue, a few per animation frame (the
 * first at once, the others in the frames after), so 48 tiles' clocks are not all redrawn in
 * one task. Every subscriber reads the same "now" from the moment of the tick, whenever it
 * redraws. Without it, every subscriber hears the tick at once.
 */
export function createTicker(
  clock: () => number,
  periodMs = 1000,
  frames?: FrameQueue<unknown>,
): Ticker {
  const listeners = new Set<() => void>();
  let current = clock();
  let timer: number | undefined;
  return {
    subscribe(onTick) {
      listeners.add(onTick);
      if (timer === undefined) {
        current = clock();
        timer = window.setInterval(() => {
          current = clock();
          for (const l of listeners) {
            if (frames === undefined) l();
            else frames.add(l, l);
          }
        }, periodMs);
      }
      return () => {
        listeners.delete(onTick);
        frames?.remove(onTick);
        if (listeners.size === 0 && timer !== undefined) {
          window.clearInterval(timer);
          timer = undefined;
        }
      };
    },
    now: () => current,
  };
}

/** The browser's clock: read here at the edge of the app and handed to everything else. */
export const appClock = (): number => Date.now();

/**
 * The app's ticker. Its subscribers are the shell (header clock, alarm banner) and each chair
 * tile: they redraw a few per frame, sharing the tiles' budget (tileFrames) with live readings.
 */
const appTicker = createTicker(appClock, 1000, tileFrames);

/** The current time in epoch ms, updated once a second. */
export function useNow(ticker: Ticker = appTicker): number {
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
