import type { StoredSample } from '@chairside/core';
import { browserFrames, createFrameQueue } from '../time/frameQueue';
import type { FrameScheduler } from '../time/frameQueue';

/**
 * How many chairs' live readings reach the store (and their tiles) per animation frame: the
 * server sends a second's readings of every chair together, and 48 tiles redrawn in one task
 * made the dashboard's long tasks. 8 per frame draws 48 chairs in 6 frames (100 ms).
 */
export const CHAIRS_PER_FRAME = 8;

export interface SampleBatcher {
  /** Takes in a chair's live readings; they reach `apply` together, in a frame or at once. */
  add: (chairId: string, samples: readonly StoredSample[]) => void;
  /** Hands over what waits for this chair now (an alarm arrived for it: no frame is waited). */
  flush: (chairId: string) => void;
  /** Drops what waits: the link is closed. */
  close: () => void;
}

/**
 * Live readings per chair, handed to `apply` a few chairs per frame (see createFrameQueue). A
 * chair's readings always go together: a tile shows a whole reading at once, never part of it.
 */
export function createSampleBatcher(
  apply: (chairId: string, samples: readonly StoredSample[]) => void,
  perFrame: number = CHAIRS_PER_FRAME,
  frames: FrameScheduler = browserFrames,
): SampleBatcher {
  const waiting = new Map<string, StoredSample[]>();
  const queue = createFrameQueue<string>(perFrame, frames);
  const handOver = (chairId: string) => {
    const samples = waiting.get(chairId);
    waiting.delete(chairId);
    if (samples !== undefined) apply(chairId, samples);
  };
  return {
    add(chairId, samples) {
      const held = waiting.get(chairId);
      if (held === undefined) waiting.set(chairId, [...samples]);
      else for (const s of samples) held.push(s);
      queue.add(chairId, () => {
        handOver(chairId);
      });
    },
    flush(chairId) {
      queue.runNow(chairId);
    },
    close() {
      queue.clear();
      waiting.clear();
    },
  };
}
