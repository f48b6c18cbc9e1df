import type { FrameScheduler } from '../time/frameQueue';

/**
 * Animation frames a test draws by hand (jsdom draws none of its own on time): `next()` runs
 * the callbacks requested so far, as the browser does at the start of a frame.
 */
export interface ManualFrames extends FrameScheduler {
  next: () => void;
  /** Frames requested and not yet drawn. */
  readonly waiting: number;
  /** Makes the page hidden (or shown again). */
  setHidden: (hidden: boolean) => void;
}

export function manualFrames(): ManualFrames {
  let callbacks = new Map<number, () => void>();
  let id = 0;
  let hidden = false;
  return {
    request(callback) {
      id++;
      callbacks.set(id, callback);
      return id;
    },
    cancel(frame) {
      callbacks.delete(frame);
    },
    hidden: () => hidden,
    next() {
      const due = callbacks;
      callbacks = new Map();
      for (const callback of due.values()) callback();
    },
    get waiting() {
      return callbacks.size;
    },
    setHidden(h) {
      hidden = h;
    },
  };
}
