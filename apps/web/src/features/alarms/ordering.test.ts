import { describe, expect, it } from 'vitest';
import type { Alert } from '@chairside/core';
import { alarmMarker, attentionOrder, openAlarmsByChair, openAlarmsInOrder } from './ordering';

const T0 = Date.parse('2026-11-21T09:30:00.000Z');

function alert(id: string, over: Partial<Alert>): Alert {
  return {
    id,
    chairId: 'c1',
    sessionId: 's1',
    kind: 'physiological',
    parameter: 'spo2',
    priority: 'medium',
    message: 'SpO2 92 < 94',
    value: 92,
    limit: 94,
    state: 'active',
    raisedAt: new Date(T0).toISOString(),
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ...over,
  };
}

const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describe('openAlarmsInOrder', () => {
  it('puts high before medium before low, the longest-waiting first within a priority', () => {
    const list = openAlarmsInOrder([
      alert('low', { priority: 'low', raisedAt: at(0) }),
      alert('med-new', { priority: 'medium', raisedAt: at(30) }),
      alert('high', { priority: 'high', raisedAt: at(40) }),
      alert('med-old', { priority: 'medium', raisedAt: at(10) }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['high', 'med-old', 'med-new', 'low']);
  });

  it('leaves cleared alerts out and puts unacknowledged before acknowledged', () => {
    const list = openAlarmsInOrder([
      alert('acked', { priority: 'high', state: 'acknowledged', raisedAt: at(0) }),
      alert('gone', { priority: 'high', state: 'cleared', raisedAt: at(1) }),
      alert('waiting', { priority: 'high', raisedAt: at(20) }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['waiting', 'acked']);
  });
});

describe('attentionOrder', () => {
  it('moves the chairs with open alarms forward and keeps the rest in clinic order', () => {
    const byChair = openAlarmsByChair([
      alert('a', { chairId: 'c3', priority: 'medium' }),
      alert('b', { chairId: 'c4', priority: 'high' }),
      alert('c', { chairId: 'c2', priority: 'high', state: 'acknowledged' }),
    ]);
    expect(attentionOrder(['c1', 'c2', 'c3', 'c4', 'c5'], byChair)).toEqual([
      'c4',
      'c2',
      'c3',
      'c1',
      'c5',
    ]);
  });
});

describe('alarmMarker', () => {
  it('gives each priority its own shape and technical alarms INOP', () => {
    expect(alarmMarker({ kind: 'physiological', priority: 'high' })).toBe('!!!');
    expect(alarmMarker({ kind: 'physiological', priority: 'medium' })).toBe('!!');
    expect(alarmMarker({ kind: 'physiological', priority: 'low' })).toBe('!');
    expect(alarmMarker({ kind: 'technical', priority: 'medium' })).toBe('INOP');
  });
});
