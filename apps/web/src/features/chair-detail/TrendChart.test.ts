import { describe, expect, it } from 'vitest';
import { timeTicks } from './TrendChart';

describe('timeTicks', () => {
  it('puts ticks on whole ten minutes inside the window', () => {
    const start = Date.parse('2026-11-21T09:03:20.000Z');
    const end = Date.parse('2026-11-21T10:03:20.000Z');
    expect(timeTicks([start, end]).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '09:10',
      '09:20',
      '09:30',
      '09:40',
      '09:50',
      '10:00',
    ]);
  });
});
