import { useSyncExternalStore } from 'react';
import { browserFrames, createFrameQueue } from './frameQueue';
import type { FrameScheduler } from './frameQueue';

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
 * `perFrame`: how many subscribers hear a tick before the next animation frame; the others hear
 * it in the frames after (a few ms later), so 48 tiles' clocks are not all redrawn in one task.
 * Every subscriber reads the same "now" from the moment of the tick, whenever it redraws.
 */
export function createTicker(
  clock: () => number,
  periodMs = 1000,
  perFrame = Infinity,
  frames: FrameScheduler = browserFrames,
): Ticker {
  const listeners = new Set<() => void>();
  const queue = createFrameQueue<() => void>(perFrame, frames);
  let current = clock();
  let timer: number | undefined;
  return {
    subscribe(onTick) {
      listeners.add(onTick);
      if (timer === undefined) {
        current = clock();
        timer = window.setInterval(() => {
          current = clock();
          for (const l of listeners) queue.add(l, l);
        }, periodMs);
      }
      return () => {
        listeners.delete(onTick);
        queue.remove(onTick);
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
 * tile: 8 of them redraw per frame, so a tick on 48 tiles is drawn over 6 frames (100 ms).
 */
export const TICK_SUBSCRIBERS_PER_FRAME = 8;
const appTicker = createTicker(appClock, 1000, TICK_SUBSCRIBERS_PER_FRAME);

/** The current time in epoch ms, updated once a second. */
export function useNow(ticker: Ticker = appTicker): number {
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
