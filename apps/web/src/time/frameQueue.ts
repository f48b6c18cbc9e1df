/**
 * Work spread over animation frames, so that the dashboard's once-a-second bursts (48 chairs'
 * readings in one socket message, 48 tiles' clocks on one tick) are drawn over a few frames
 * instead of in one long task that blocks input and drops frames.
 *
 * At most `perFrame` jobs run between two frames: a job added while the frame's budget lasts
 * runs at once (no added latency when little is happening), the rest wait for the next frames,
 * in the order they were first added. A key queued again keeps its place and runs once, with
 * its newest job. A hidden page draws no frames: there every job runs at once.
 */
export interface FrameQueue<K> {
  add: (key: K, job: () => void) => void;
  /** Runs the job queued under `key` now, ahead of its turn (nothing when none is queued). */
  runNow: (key: K) => void;
  /** Forgets the job queued under `key`. */
  remove: (key: K) => void;
  /** Forgets every queued job. */
  clear: () => void;
  /** How many jobs wait for a frame. */
  readonly size: number;
}

export interface FrameScheduler {
  request: (callback: () => void) => number;
  cancel: (id: number) => void;
  /** True while the page is not shown (no frames come). */
  hidden: () => boolean;
}

export const browserFrames: FrameScheduler = {
  request: (callback) => window.requestAnimationFrame(callback),
  cancel: (id) => {
    window.cancelAnimationFrame(id);
  },
  hidden: () => document.visibilityState === 'hidden',
};

export function createFrameQueue<K>(
  perFrame: number,
  frames: FrameScheduler = browserFrames,
): FrameQueue<K> {
  const queue = new Map<K, () => void>();
  /** Jobs run since the last frame began. */
  let ran = 0;
  let frame: number | null = null;

  const drain = () => {
    const all = frames.hidden();
    for (const [key, job] of queue) {
      if (!all && ran >= perFrame) break;
      queue.delete(key);
      ran++;
      job();
    }
    // The next frame starts a new budget (and takes the next slice, if any is left).
    if (frame === null && (queue.size > 0 || ran > 0)) {
      frame = frames.request(() => {
        frame = null;
        ran = 0;
        drain();
      });
    }
  };

  return {
    add(key, job) {
      queue.set(key, job);
      drain();
    },
    runNow(key) {
      const job = queue.get(key);
      if (job === undefined) return;
      queue.delete(key);
      job();
    },
    remove(key) {
      queue.delete(key);
    },
    clear() {
      queue.clear();
      if (frame !== null) frames.cancel(frame);
      frame = null;
      ran = 0;
    },
    get size() {
      return queue.size;
    },
  };
}

/**
 * How many tiles may be redrawn per frame, whatever asks for it: the ticker's tick and the
 * server's second of readings share this budget, so a frame never draws more than this many
 * tiles however their phases fall. A tile redraw is ~1-2 ms of script plus its layout and
 * paint; 4 keeps a frame's work near 10 ms, well inside a long task's 50 ms even when a busy
 * 2-core machine takes the CPU away half the time. 48 chairs: a second's readings in 12
 * frames, a tick in 13 (about 200 ms each, 400 ms when they fall together).
 */
export const TILE_UPDATES_PER_FRAME = 4;

/** The queue the tiles' redraws share (see TILE_UPDATES_PER_FRAME). */
export const tileFrames: FrameQueue<unknown> = createFrameQueue<unknown>(TILE_UPDATES_PER_FRAME);
