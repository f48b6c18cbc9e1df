import { describe, expect, it } from 'vitest';
import type { Alert } from '@chairside/core';
import { chairAlarmMarkers } from './chartMarkers';

const T0 = Date.parse('2026-11-21T09:30:00.000Z');

function alert(id: string, over: Partial<Alert>): Alert {
  return {
    id,
    chairId: 'c1',
    sessionId: null,
    kind: 'physiological',
    parameter: 'spo2',
    priority: 'high',
    message: 'SpO2 86 < 90',
    value: 86,
    limit: 90,
    state: 'active',
    raisedAt: new Date(T0).toISOString(),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ...over,
  };
}

describe('chairAlarmMarkers', () => {
  const alerts = [
    alert('late', {
      parameter: 'sbp',
      priority: 'medium',
      message: 'SBP 165 >= 160',
      raisedAt: new Date(T0 + 60_000).toISOString(),
    }),
    alert('spo2', { acknowledgedBy: 'amy', state: 'acknowledged' }),
    alert('feed', {
      kind: 'technical',
      parameter: 'feed',
      priority: 'medium',
      message: 'Feed silent',
    }),
    alert('other', { chairId: 'c2' }),
  ];

  it('marks the chart of the alarm parameter with shape, message and who acknowledged', () => {
    expect(chairAlarmMarkers(alerts, 'c1', ['spo2']).map((m) => m.label)).toEqual([
      '!!! SpO2 86 < 90 (ack amy)',
      'INOP Feed silent',
    ]);
    expect(chairAlarmMarkers(alerts, 'c1', ['sbp', 'dbp'])).toEqual([
      { t: T0, label: 'INOP Feed silent', kind: 'alarm' },
      { t: T0 + 60_000, label: '!! SBP 165 >= 160', kind: 'alarm' },
    ]);
  });
});
