import { describe, expect, it } from 'vitest';
import { formatAge, formatClock, formatDuration, isStale, STALE_AFTER_MS } from './format';

describe('isStale (30 s rule)', () => {
  const at = Date.parse('2026-11-21T09:30:00.000Z');
  it('is fresh at 29 s', () => {
    expect(isStale(at, at + 29_000)).toBe(false);
  });
  it('is fresh at exactly 30 s', () => {
    expect(isStale(at, at + STALE_AFTER_MS)).toBe(false);
  });
  it('is stale at 31 s', () => {
    expect(isStale(at, at + 31_000)).toBe(true);
  });
});

describe('formatAge', () => {
  it('shows seconds under a minute', () => {
    expect(formatAge(4_000)).toBe('4 s');
    expect(formatAge(59_999)).toBe('59 s');
  });
  it('shows whole minutes under an hour', () => {
    expect(formatAge(60_000)).toBe('1 min');
    expect(formatAge(125_000)).toBe('2 min');
  });
  it('shows hours and minutes beyond', () => {
    expect(formatAge(3_900_000)).toBe('1 h 05 min');
  });
  it('never shows a negative age for a device clock slightly ahead', () => {
    expect(formatAge(-2_000)).toBe('0 s');
  });
});

describe('formatClock and formatDuration', () => {
  it('formats local time of day with leading zeros', () => {
    expect(formatClock(new Date(2026, 10, 21, 9, 3, 5).getTime())).toBe('09:03:05');
  });
  it('formats infusion durations', () => {
    expect(formatDuration(724_000)).toBe('12:04');
    expect(formatDuration(3_729_000)).toBe('1:02:09');
  });
});
