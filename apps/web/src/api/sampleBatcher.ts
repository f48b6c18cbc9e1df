import type { StoredSample } from '@chairside/core';
import { tileFrames } from '../time/frameQueue';
import type { FrameQueue } from '../time/frameQueue';

export interface SampleBatcher {
  /** Takes in a chair's live readings; they reach `apply` together, in a frame or at once. */
  add: (chairId: string, samples: readonly StoredSample[]) => void;
  /** Hands over what waits for this chair now (an alarm arrived for it: no frame is waited). */
  flush: (chairId: string) => void;
  /** Drops what waits: the link is closed. */
  close: () => void;
}

/**
 * Live readings per chair, handed to `apply` a few chairs per frame: the server sends a
 * second's readings of every chair together, and 48 tiles redrawn in one task made the
 * dashboard's long tasks. The frames are the tiles' shared budget (tileFrames) by default. A
 * chair's readings always go together: a tile shows a whole reading at once, never part of it.
 */
export function createSampleBatcher(
  apply: (chairId: string, samples: readonly StoredSample[]) => void,
  queue: FrameQueue<unknown> = tileFrames,
): SampleBatcher {
  const waiting = new Map<string, StoredSample[]>();
  // One key object per chair: the queue is shared with the ticker's subscribers.
  const keys = new Map<string, object>();
  const keyOf = (chairId: string) => {
    let key = keys.get(chairId);
    if (key === undefined) {
      key = { chairId };
      keys.set(chairId, key);
    }
    return key;
  };
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
      queue.add(keyOf(chairId), () => {
        handOver(chairId);
      });
    },
    flush(chairId) {
      queue.runNow(keyOf(chairId));
    },
    close() {
      for (const key of keys.values()) queue.remove(key);
      waiting.clear();
    },
  };
}
