import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../api/http';
import { formatDateTime, formatResponseTime, median, summarizeAlerts } from './summary';

const record = (id: string, over: Partial<AlertRecord>): AlertRecord => ({
  id,
  chairId: 'c1',
  sessionId: 's1',
  kind: 'physiological',
  parameter: 'hr',
  priority: 'medium',
  message: 'HR 125 > 120',
  value: 125,
  limit: 120,
  state: 'cleared',
  raisedAt: '2026-11-21T09:30:05.000Z',
  clearedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  timeToAcknowledgeMs: null,
  ...over,
});

const acked = (ms: number) => ({
  acknowledgedBy: 'amy',
  acknowledgedAt: '2026-11-21T09:31:00.000Z',
  timeToAcknowledgeMs: ms,
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
  });
});

describe('summarizeAlerts', () => {
  it('counts alarms per session, the median time to acknowledge and the unacknowledged', () => {
    const summary = summarizeAlerts([
      record('a', { sessionId: 's1', ...acked(8_000) }),
      record('b', { sessionId: 's1', ...acked(20_000) }),
      record('c', { sessionId: 's1' }),
      record('d', { sessionId: 's2', ...acked(50_000) }),
      record('e', { sessionId: null, state: 'active' }),
    ]);
    expect(summary).toEqual({
      total: 5,
      sessions: 2,
      perSession: 2,
      acknowledged: 3,
      medianTimeToAcknowledgeMs: 20_000,
      unacknowledged: 2,
      waiting: 1,
    });
  });

  it('has no per-session figure and no median when nothing qualifies', () => {
    const summary = summarizeAlerts([record('e', { sessionId: null })]);
    expect(summary.perSession).toBeNull();
    expect(summary.medianTimeToAcknowledgeMs).toBeNull();
  });
});

describe('formatResponseTime', () => {
  it('reads in seconds under a minute, minutes and seconds beyond', () => {
    expect(formatResponseTime(8_400)).toBe('8 s');
    expect(formatResponseTime(65_000)).toBe('1 min 05 s');
  });
});

describe('formatDateTime', () => {
  it('writes the local day in ISO order and the clock time; nothing for no time', () => {
    expect(formatDateTime(new Date(2026, 10, 21, 9, 3, 5).toISOString())).toBe(
      '2026-11-21 09:03:05',
    );
    expect(formatDateTime(null)).toBe('');
  });
});
