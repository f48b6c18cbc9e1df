/** A reading older than this is no longer live: the tile marks it STALE (PRODUCT.md principle 1). */
export const STALE_AFTER_MS = 30_000;

/** True when a reading taken at `atMs` is older than 30 s at `nowMs`. Exactly 30 s is still fresh. */
export function isStale(atMs: number, nowMs: number): boolean {
  return nowMs - atMs > STALE_AFTER_MS;
}

/**
 * The age a nurse reads at a glance: "4 s", "2 min", "1 h 05 min". A reading a little in the
 * future (device clock ahead of the browser's) reads "0 s" rather than a negative age.
 */
export function formatAge(ageMs: number): string {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Wall-clock time of day, 24 h, local time zone: "09:30:05". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** A duration on an infusion timer: "12:04" or "1:02:09". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
