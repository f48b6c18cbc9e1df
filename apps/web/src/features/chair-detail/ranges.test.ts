import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type { Alert, Session } from '@chairside/core';
import { alarmMarkers, limitBands, phaseMarkers, rangeWindow } from './ranges';

const NOW = Date.parse('2026-11-21T10:00:00.000Z');

describe('limitBands', () => {
  it('shades beyond the medium limits of the default rules (CLINICAL.md 6)', () => {
    expect(limitBands('hr', 'HR')).toEqual([
      { from: 50, side: 'below', label: 'HR < 50' },
      { from: 120, side: 'above', label: 'HR > 120' },
    ]);
    expect(limitBands('sbp', 'SBP').map((b) => b.label)).toEqual(['SBP < 90', 'SBP ≥ 160']);
    expect(limitBands('spo2', 'SpO2').map((b) => b.label)).toEqual(['SpO2 < 94']);
  });

  it('follows the rules the server has in force', () => {
    const hr = DEFAULT_ALARM_RULES.limits.hr;
    const rules = {
      ...DEFAULT_ALARM_RULES,
      limits: {
        ...DEFAULT_ALARM_RULES.limits,
        hr: { ...hr, low: null, high: { medium: 110, high: 130, inclusive: false, noDelay: null } },
      },
    };
    expect(limitBands('hr', 'HR', rules)).toEqual([
      { from: 110, side: 'above', label: 'HR > 110' },
    ]);
  });
});

describe('phase and alarm markers', () => {
  it('marks start, pause, resume and stop, not discharge', () => {
    const events: Session['events'] = [
      { type: 'infusion-started', at: '2026-11-21T09:00:00.000Z', by: 'n' },
      { type: 'infusion-paused', at: '2026-11-21T09:10:00.000Z', by: 'n' },
      { type: 'infusion-resumed', at: '2026-11-21T09:12:00.000Z', by: 'n' },
      { type: 'infusion-stopped', at: '2026-11-21T09:40:00.000Z', by: 'n' },
      { type: 'discharged', at: '2026-11-21T10:00:00.000Z', by: 'n' },
    ];
    const session = { events } as Session;
    expect(phaseMarkers(session).map((m) => m.label)).toEqual([
      '▶ Start',
      '❚❚ Pause',
      '▶ Resume',
      '■ Stop',
    ]);
    expect(phaseMarkers(null)).toEqual([]);
  });

  it("puts a chair's alerts on the chart of their parameter", () => {
    const alert = (id: string, chairId: string, parameter: string): Alert =>
      ({
        id,
        chairId,
        parameter,
        message: `${parameter} alarm`,
        raisedAt: '2026-11-21T09:30:00.000Z',
      }) as Alert;
    const alerts = [
      alert('a', 'c1', 'spo2'),
      alert('b', 'c2', 'spo2'),
      alert('c', 'c1', 'sedation'),
    ];
    expect(alarmMarkers(alerts, 'c1', ['spo2'])).toEqual([
      { t: Date.parse('2026-11-21T09:30:00.000Z'), label: '⚠ spo2 alarm', kind: 'alarm' },
    ]);
    expect(alarmMarkers(alerts, 'c1', ['moaas', 'rass']).map((m) => m.label)).toEqual([
      '⚠ sedation alarm',
    ]);
  });
});

describe('rangeWindow', () => {
  it('asks for 15 min, 1 h, or everything since the session opened', () => {
    expect(rangeWindow('15m', NOW, null)).toEqual({ from: NOW - 900_000, to: NOW, limit: 2000 });
    expect(rangeWindow('1h', NOW, null).from).toBe(NOW - 3_600_000);
    expect(rangeWindow('session', NOW, '2026-11-21T06:00:00.000Z')).toEqual({
      from: Date.parse('2026-11-21T06:00:00.000Z'),
      to: NOW,
      limit: 20_000,
    });
  });
});
