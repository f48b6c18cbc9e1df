import { describe, expect, it } from 'vitest';
import { episodeKeyOfAlert, evaluateSample, rebuildAlarmState } from './engine';
import type { AlarmEngineState, AlarmSample } from './engine';
import { at, Chair, sampleAt, session, summary, T0 } from './harness.test-support';
import type { Vitals } from './harness.test-support';

function samples(from: number, to: number, vitals: Vitals): AlarmSample[] {
  const out: AlarmSample[] = [];
  for (let s = from; s <= to; s++) out.push(sampleAt(s, vitals));
  return out;
}

function rebuildFrom(chair: Chair, recent: AlarmSample[], nowSec: number) {
  return rebuildAlarmState({
    chairId: 'chair-1',
    openAlerts: chair.openAlerts(),
    recentSamples: recent,
    now: T0 + nowSec * 1000,
    context: { ...chair.ctx, newAlertId: () => 'rebuilt-1' },
  });
}

function continueWith(state: AlarmEngineState, chair: Chair, sec: number, vitals: Vitals) {
  return evaluateSample(state, sampleAt(sec, vitals), chair.ctx);
}

describe('rebuildAlarmState after a restart', () => {
  it('continues an ongoing condition with its stored alert, never a duplicate', () => {
    const chair = new Chair();
    const recent = samples(0, 20, { hr: 130 });
    chair.stream(0, 20, { hr: 130 });
    const rebuilt = rebuildFrom(chair, recent, 25);
    expect(rebuilt.changes).toEqual([]);
    expect(rebuilt.state.open.map((e) => e.alert.id)).toEqual(['alert-1']);
    const more = continueWith(rebuilt.state, chair, 26, { hr: 131 });
    expect(more.changes).toEqual([]);
    const over = continueWith(more.state, chair, 27, { hr: 90 });
    expect(summary(over.changes)).toEqual(['cleared medium HR 130 > 120']);
    expect(over.changes[0]?.alert.id).toBe('alert-1');
  });

  it('ends an alert whose condition ended in samples stored while the engine was down', () => {
    const chair = new Chair();
    chair.stream(0, 20, { hr: 130 });
    const rebuilt = rebuildFrom(
      chair,
      [...samples(0, 20, { hr: 130 }), ...samples(21, 25, { hr: 90 })],
      26,
    );
    expect(
      rebuilt.changes.map((c) => `${c.type} ${c.alert.id} ${c.alert.clearedAt ?? ''}`),
    ).toEqual([`cleared alert-1 ${at(25)}`]);
  });

  it('raises an ongoing condition that has no stored alert', () => {
    const chair = new Chair();
    const rebuilt = rebuildFrom(chair, samples(0, 20, { spo2: 88 }), 21);
    expect(summary(rebuilt.changes)).toEqual(['raised high SpO2 88 < 90']);
    expect(rebuilt.changes[0]?.alert).toMatchObject({ id: 'rebuilt-1', raisedAt: at(20) });
  });

  it('keeps delay windows: a condition pending at the restart alarms on time', () => {
    const chair = new Chair();
    const rebuilt = rebuildFrom(chair, samples(0, 5, { hr: 130 }), 6);
    expect(rebuilt.changes).toEqual([]);
    let state = rebuilt.state;
    const changes = [];
    for (let s = 6; s <= 10; s++) {
      const r = continueWith(state, chair, s, { hr: 130 });
      state = r.state;
      changes.push(...r.changes);
    }
    expect(summary(changes)).toEqual(['raised medium HR 130 > 120']);
    expect(changes[0]?.alert.raisedAt).toBe(at(10));
  });

  it('keeps a latched alert waiting for acknowledgement, and a silent feed alarm', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    chair.feed(0, { spo2: 86, hr: 80 }, 'manual');
    chair.feed(5, { spo2: 97, hr: 80 });
    chair.tick(25);
    expect(chair.openAlerts().map((a) => `${a.parameter} ${a.state}`)).toEqual([
      'spo2 active',
      'feed active',
    ]);
    const recent = [sampleAt(0, { spo2: 86, hr: 80 }, 'manual'), sampleAt(5, { spo2: 97, hr: 80 })];
    const rebuilt = rebuildFrom(chair, recent, 30);
    expect(rebuilt.changes).toEqual([]);
    expect(rebuilt.state.open.map((e) => e.alert.id)).toEqual(chair.openAlerts().map((a) => a.id));
  });

  it('maps stored alerts to their episodes', () => {
    const base = { value: null, limit: null } as const;
    expect(
      episodeKeyOfAlert({
        ...base,
        kind: 'physiological',
        parameter: 'spo2',
        rule: 'spo2-low-no-delay',
      }),
    ).toBe('spo2-low');
    expect(
      episodeKeyOfAlert({
        ...base,
        kind: 'physiological',
        parameter: 'sbp',
        rule: 'sbp-rise-over-baseline',
      }),
    ).toBe('sbp-high');
    expect(
      episodeKeyOfAlert({
        ...base,
        kind: 'physiological',
        parameter: 'sedation',
        rule: 'moaas-low',
      }),
    ).toBe('sedation-low');
    expect(
      episodeKeyOfAlert({ kind: 'physiological', parameter: 'hr', value: 30, limit: 40 }),
    ).toBe('hr-low');
    expect(
      episodeKeyOfAlert({ ...base, kind: 'technical', parameter: 'feed', rule: 'feed-silent' }),
    ).toBe('feed');
    expect(
      episodeKeyOfAlert({
        ...base,
        kind: 'technical',
        parameter: 'spo2',
        rule: 'parameter-silent',
      }),
    ).toBe('spo2-silent');
  });
});
