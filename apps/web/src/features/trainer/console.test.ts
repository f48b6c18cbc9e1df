import { describe, expect, it } from 'vitest';
import type { DebriefAlarm, SimulatorDebrief, SimulatorRun } from '@chairside/core';
import {
  DEBRIEF_CSV_COLUMNS,
  debriefToCsv,
  describeEvent,
  formatTimeToAcknowledge,
  INJECTION_PRESETS,
  runTimeline,
  validateRunForm,
} from './console';

const run: SimulatorRun = {
  id: 'run-1',
  chairId: 'c3',
  scenario: 'desaturation-hypoventilation',
  scenarioTitle: 'Desaturation with hypoventilation',
  speed: 20,
  seed: 7,
  state: 'stopped',
  startedAt: '2026-11-21T09:30:00.000Z',
  startedBy: 'tess',
  endsAt: '2026-11-21T09:33:45.000Z',
  endedAt: '2026-11-21T09:32:00.000Z',
  endedBy: 'tess',
  samplesSent: 120,
  samplesStored: 120,
  samplesRefused: 0,
  events: [
    {
      seq: 1,
      at: '2026-11-21T09:30:20.000Z',
      by: 'tess',
      type: 'desaturate',
      event: { type: 'desaturate', toSpo2: 85, overSeconds: 60 },
    },
  ],
};

const alarm = (over: Partial<DebriefAlarm>): DebriefAlarm => ({
  alertId: 'a1',
  parameter: 'spo2',
  kind: 'physiological',
  priority: 'high',
  message: 'SpO2 84 < 85',
  raisedAt: '2026-11-21T09:30:31.000Z',
  clearedAt: null,
  acknowledgedAt: '2026-11-21T09:30:43.400Z',
  acknowledgedBy: 'amy',
  timeToAcknowledgeMs: 12_400,
  ...over,
});

describe('the start form', () => {
  it('names every missing or wrong field', () => {
    expect(validateRunForm({ chairId: '', scenario: '', speed: '' })).toEqual({
      ok: false,
      errors: {
        chairId: 'Pick the chair to run the scenario on.',
        scenario: 'Pick a scenario.',
        speed: 'Speed is a number from 1 to 20 (times real time).',
      },
    });
    for (const speed of ['0', '0.5', '21', 'fast', '1e3'])
      expect(validateRunForm({ chairId: 'c1', scenario: 'vasovagal', speed })).toMatchObject({
        ok: false,
        errors: { speed: expect.stringContaining('1 to 20') as unknown },
      });
  });
  it('gives the body of POST /simulator/runs when it is right', () => {
    expect(validateRunForm({ chairId: 'c1', scenario: 'vasovagal', speed: ' 5 ' })).toEqual({
      ok: true,
      value: { chairId: 'c1', scenario: 'vasovagal', speed: 5 },
    });
    expect(validateRunForm({ chairId: 'c1', scenario: 'oversedation', speed: '20' }).ok).toBe(true);
    expect(validateRunForm({ chairId: 'c1', scenario: 'oversedation', speed: '1' }).ok).toBe(true);
    // A patient number replays the same patient; empty draws a new one.
    expect(
      validateRunForm({ chairId: 'c1', scenario: 'vasovagal', speed: '2', seed: ' 42 ' }),
    ).toEqual({
      ok: true,
      value: { chairId: 'c1', scenario: 'vasovagal', speed: 2, seed: 42 },
    });
    for (const seed of ['-1', '4.5', 'abc', '2147483648'])
      expect(
        validateRunForm({ chairId: 'c1', scenario: 'vasovagal', speed: '2', seed }),
      ).toMatchObject({
        ok: false,
        errors: { seed: expect.stringContaining('whole number') as unknown },
      });
  });
});

describe('the event buttons', () => {
  it('cover the common ones, desaturation to 85 % over 60 s first', () => {
    expect(INJECTION_PRESETS[0]?.event).toEqual({
      type: 'desaturate',
      toSpo2: 85,
      overSeconds: 60,
    });
    expect(INJECTION_PRESETS.map((p) => p.event['type'])).toEqual(
      expect.arrayContaining([
        'hypertensive-surge',
        'oversedate',
        'vasovagal',
        'probe-off',
        'probe-on',
        'feed-loss',
        'feed-restored',
        'cuff-now',
      ]),
    );
  });
});

describe('the run timeline', () => {
  it('puts injected events and alarms in time order', () => {
    const timeline = runTimeline(run.events, [
      alarm({
        alertId: 'late',
        raisedAt: '2026-11-21T09:31:00.000Z',
        acknowledgedAt: null,
        acknowledgedBy: null,
      }),
      alarm({}),
    ]);
    expect(timeline.map((e) => [e.kind, new Date(e.at).toISOString().slice(11, 19)])).toEqual([
      ['event', '09:30:20'],
      ['alarm', '09:30:31'],
      ['alarm', '09:31:00'],
    ]);
    expect(timeline[0]).toMatchObject({
      who: 'tess',
      text: 'desaturate: toSpo2 85, overSeconds 60',
    });
    expect(timeline[2]).toMatchObject({ acknowledged: false, who: null });
  });
  it('describes an event without parameters by its type', () => {
    expect(
      describeEvent({
        seq: 2,
        at: run.startedAt,
        by: 'tess',
        type: 'cuff-now',
        event: { type: 'cuff-now' },
      }),
    ).toBe('cuff-now');
  });
});

describe('the debrief', () => {
  it('says time to acknowledge in seconds or minutes, and never acknowledged in words', () => {
    expect(formatTimeToAcknowledge(12_400)).toBe('12 s');
    expect(formatTimeToAcknowledge(125_000)).toBe('2 min 05 s');
    expect(formatTimeToAcknowledge(null)).toBe('never acknowledged');
  });

  it('exports one alarm per CSV line with the run, times in ISO and the never-acknowledged flag', () => {
    const debrief: SimulatorDebrief = {
      run,
      alarms: [
        alarm({}),
        alarm({
          alertId: 'a2',
          message: 'HR 41, below 45, with "bradycardia"',
          priority: 'medium',
          parameter: 'hr',
          acknowledgedAt: null,
          acknowledgedBy: null,
          timeToAcknowledgeMs: null,
        }),
      ],
      summary: {
        count: 2,
        acknowledged: 1,
        neverAcknowledged: 1,
        medianTimeToAcknowledgeMs: 12_400,
      },
    };
    const lines = debriefToCsv(debrief, 'Chair 3').split('\r\n');
    expect(lines[0]).toBe(DEBRIEF_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      'run-1,Chair 3,desaturation-hypoventilation,20,2026-11-21T09:30:31.000Z,high,physiological,spo2,SpO2 84 < 85,amy,2026-11-21T09:30:43.400Z,12.4,no,',
    );
    expect(lines[2]).toBe(
      'run-1,Chair 3,desaturation-hypoventilation,20,2026-11-21T09:30:31.000Z,medium,physiological,hr,"HR 41, below 45, with ""bradycardia""",,,,yes,',
    );
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });
});
