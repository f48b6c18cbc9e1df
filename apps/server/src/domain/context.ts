import type { Chair, StoredSample } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import { Listeners } from './listeners';

/** What happened, announced after it was committed. */
export interface DomainEvents {
  /** Newly stored samples of one chair (duplicates are not repeated). */
  samplesStored: Listeners<[chairId: string, samples: StoredSample[]]>;
  /** A chair that was added, or whose session was created or changed state, with that session. */
  chairChanged: Listeners<[chair: Chair]>;
}

/** Everything a domain function may touch: the store, the clock, and the after-commit events. */
export interface DomainContext {
  db: ChairsideDb;
  clock: () => number;
  events: DomainEvents;
}

export function createDomainEvents(onListenerError: (error: unknown) => void): DomainEvents {
  return {
    samplesStored: new Listeners(onListenerError),
    chairChanged: new Listeners(onListenerError),
  };
}
