import { useSyncExternalStore } from 'react';

/**
 * One shared ticker for the whole app: every age on screen and the header clock read the same
 * "now", and there is one interval however many tiles are shown. The interval runs only while
 * something is subscribed.
 */
export interface Ticker {
  subscribe: (onTick: () => void) => () => void;
  now: () => number;
}

export function createTicker(clock: () => number, periodMs = 1000): Ticker {
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
          for (const l of listeners) l();
        }, periodMs);
      }
      return () => {
        listeners.delete(onTick);
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

const appTicker = createTicker(appClock);

/** The current time in epoch ms, updated once a second. */
export function useNow(ticker: Ticker = appTicker): number {
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
