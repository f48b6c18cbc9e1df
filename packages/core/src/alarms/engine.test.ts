import { describe, expect, it } from 'vitest';
import { AlertSchema } from '../alert';
import type { AlertPriority } from '../alert';
import { acknowledge, deriveAlertState, evaluateSample, evaluateTime } from './engine';
import { at, baselineSbp, Chair, sampleAt, session, summary, T0 } from './harness.test-support';
import type { Vitals } from './harness.test-support';

/** Each rule on both sides of each threshold (manual readings: no delay). */
const THRESHOLDS: [Vitals, AlertPriority | null, string | null][] = [
  [{ spo2: 94 }, null, null],
  [{ spo2: 93 }, 'medium', 'SpO2 93 < 94'],
  [{ spo2: 90 }, 'medium', 'SpO2 90 < 94'],
  [{ spo2: 89 }, 'high', 'SpO2 89 < 90'],
  [{ spo2: 85 }, 'high', 'SpO2 85 < 90'],
  [{ spo2: 84 }, 'high', 'SpO2 84 < 85'],
  [{ hr: 120 }, null, null],
  [{ hr: 121 }, 'medium', 'HR 121 > 120'],
  [{ hr: 140 }, 'medium', 'HR 140 > 120'],
  [{ hr: 141 }, 'high', 'HR 141 > 140'],
  [{ hr: 50 }, null, null],
  [{ hr: 49 }, 'medium', 'HR 49 < 50'],
  [{ hr: 40 }, 'medium', 'HR 40 < 50'],
  [{ hr: 39 }, 'high', 'HR 39 < 40'],
  [{ hr: 0 }, 'high', 'HR 0 < 40'],
  [{ sbp: 159 }, null, null],
  [{ sbp: 160 }, 'medium', 'SBP 160 >= 160'],
  [{ sbp: 179 }, 'medium', 'SBP 179 >= 160'],
  [{ sbp: 180 }, 'high', 'SBP 180 >= 180'],
  [{ sbp: 90 }, null, null],
  [{ sbp: 89 }, 'medium', 'SBP 89 < 90'],
  [{ sbp: 80 }, 'medium', 'SBP 80 < 90'],
  [{ sbp: 79 }, 'high', 'SBP 79 < 80'],
  [{ dbp: 99 }, null, null],
  [{ dbp: 100 }, 'medium', 'DBP 100 >= 100'],
  [{ dbp: 109 }, 'medium', 'DBP 109 >= 100'],
  [{ dbp: 110 }, 'high', 'DBP 110 >= 110'],
  [{ rr: 10 }, null, null],
  [{ rr: 9 }, 'medium', 'RR 9 < 10'],
  [{ rr: 8 }, 'medium', 'RR 8 < 10'],
  [{ rr: 7 }, 'high', 'RR 7 < 8'],
  [{ rr: 0 }, 'high', 'RR 0 < 8'],
  [{ rr: 30 }, null, null],
  [{ rr: 31 }, 'medium', 'RR 31 > 30'],
  [{ rr: 60 }, 'medium', 'RR 60 > 30'],
  [{ etco2: 50 }, null, null],
  [{ etco2: 51 }, 'medium', 'EtCO2 51 > 50'],
  [{ etco2: 60 }, 'medium', 'EtCO2 60 > 50'],
  [{ etco2: 61 }, 'high', 'EtCO2 61 > 60'],
  [{ sedation: { scale: 'MOAA/S', score: 4 } }, null, null],
  [{ sedation: { scale: 'MOAA/S', score: 3 } }, 'medium', 'MOAA/S 3 <= 3'],
  [{ sedation: { scale: 'MOAA/S', score: 2 } }, 'high', 'MOAA/S 2 <= 2'],
  [{ sedation: { scale: 'MOAA/S', score: 0 } }, 'high', 'MOAA/S 0 <= 2'],
  [{ sedation: { scale: 'RASS', score: -2 } }, null, null],
  [{ sedation: { scale: 'RASS', score: -3 } }, 'medium', 'RASS -3 <= -3'],
  [{ sedation: { scale: 'RASS', score: -4 } }, 'high', 'RASS -4 <= -4'],
  [{ sedation: { scale: 'RASS', score: 2 } }, null, null],
  [{ sedation: { scale: 'RASS', score: 3 } }, 'medium', 'RASS 3 >= 3'],
  [{ sedation: { scale: 'RASS', score: 4 } }, 'medium', 'RASS 4 >= 3'],
];

describe('absolute limits (CLINICAL.md 6)', () => {
  it.each(THRESHOLDS)('%j -> %s %s', (vitals, priority, message) => {
    const chair = new Chair();
    const changes = chair.feed(0, vitals, 'manual');
    if (priority === null) {
      expect(changes).toEqual([]);
      return;
    }
    expect(changes).toHaveLength(1);
    const alert = changes[0]!.alert;
    expect(changes[0]!.type).toBe('raised');
    expect(alert.priority).toBe(priority);
    expect(alert.message).toBe(message);
    expect(alert.kind).toBe('physiological');
    expect(alert.state).toBe('active');
    expect(alert.raisedAt).toBe(at(0));
    expect(alert.value).toBe(
      Object.values(vitals).map((v) => (typeof v === 'number' ? v : v.score))[0],
    );
    expect(alert.parameter).toBe(Object.keys(vitals)[0]);
    expect(AlertSchema.parse(alert)).toEqual(alert);
  });

  it('names value, limit and rule in the contract shape', () => {
    const chair = new Chair();
    const [change] = chair.feed(0, { spo2: 86 }, 'manual');
    expect(change?.alert).toEqual({
      id: 'alert-1',
      chairId: 'chair-1',
      sessionId: null,
      kind: 'physiological',
      parameter: 'spo2',
      priority: 'high',
      rule: 'spo2-low',
      message: 'SpO2 86 < 90',
      value: 86,
      limit: 90,
      state: 'active',
      raisedAt: at(0),
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalatedAt: null,
    });
  });
});

describe('condition delay for continuous sources', () => {
  it('does not alarm when the condition held just under 10 s of sample time', () => {
    const chair = new Chair();
    expect(chair.feed(0, { hr: 130 })).toEqual([]);
    expect(chair.feed(9.999, { hr: 131 })).toEqual([]);
    // The run breaks: a new run starts and needs its own 10 s.
    expect(chair.feed(10, { hr: 110 })).toEqual([]);
    expect(chair.feed(19, { hr: 130 })).toEqual([]);
    expect(chair.feed(28.9, { hr: 130 })).toEqual([]);
  });

  it('alarms once the condition held 10 s, on the time of the sample that completed it', () => {
    const chair = new Chair();
    expect(chair.stream(0, 9, { hr: 130 })).toEqual([]);
    const changes = chair.feed(10, { hr: 133 });
    expect(summary(changes)).toEqual(['raised medium HR 133 > 120']);
    expect(changes[0]?.alert.raisedAt).toBe(at(10));
  });

  it('applies to the simulator as to a device', () => {
    const chair = new Chair();
    expect(chair.stream(0, 9, { etco2: 55 }, 'simulator')).toEqual([]);
    expect(summary(chair.feed(10, { etco2: 55 }, 'simulator'))).toEqual([
      'raised medium EtCO2 55 > 50',
    ]);
  });

  it('raises SpO2 < 85 from a device at once (no-delay row), but SpO2 88 only after 10 s', () => {
    const deep = new Chair();
    const changes = deep.feed(0, { spo2: 84 });
    expect(summary(changes)).toEqual(['raised high SpO2 84 < 85']);
    expect(changes[0]?.alert.rule).toBe('spo2-low-no-delay');

    const shallow = new Chair();
    expect(shallow.stream(0, 9, { spo2: 88 })).toEqual([]);
    expect(summary(shallow.feed(10, { spo2: 88 }))).toEqual(['raised high SpO2 88 < 90']);
  });

  it('a manual reading alarms at once, a device stream of the same value waits for the delay', () => {
    const manual = new Chair();
    expect(summary(manual.feed(0, { hr: 145 }, 'manual'))).toEqual(['raised high HR 145 > 140']);
    const device = new Chair();
    expect(device.feed(0, { hr: 145 })).toEqual([]);
    expect(device.stream(1, 9, { hr: 145 })).toEqual([]);
    expect(summary(device.feed(10, { hr: 145 }))).toEqual(['raised high HR 145 > 140']);
  });

  it('a cuff pressure or sedation score from a device alarms on its own: it is a determination, not a stream', () => {
    const chair = new Chair();
    expect(summary(chair.feed(0, { sbp: 185, dbp: 95 }))).toEqual(['raised high SBP 185 >= 180']);
    const low = new Chair();
    expect(summary(low.feed(0, { sbp: 78, dbp: 45 }, 'simulator'))).toEqual([
      'raised high SBP 78 < 80',
    ]);
    const sedated = new Chair();
    expect(
      summary(sedated.feed(0, { sedation: { scale: 'MOAA/S', score: 1 } }, 'simulator')),
    ).toEqual(['raised high MOAA/S 1 <= 2']);
  });

  it('upgrades medium to high in the same episode when high held 10 s, never a second alert', () => {
    const chair = new Chair();
    chair.stream(0, 10, { hr: 125 });
    expect(chair.stream(11, 20, { hr: 145 })).toEqual([]);
    const changes = chair.feed(21, { hr: 146 });
    expect(summary(changes)).toEqual(['priority-changed high HR 146 > 140']);
    expect(changes[0]?.alert.id).toBe('alert-1');
    expect(changes[0]?.alert.raisedAt).toBe(at(10));
    // Back to medium values: the priority is never silently lowered within the episode.
    expect(chair.stream(22, 40, { hr: 125 })).toEqual([]);
    expect(chair.log.filter((c) => c.type === 'raised')).toHaveLength(1);
    expect(chair.openAlerts().map((a) => a.priority)).toEqual(['high']);
  });

  it('upgrades at once on a no-delay value in an open medium episode', () => {
    const chair = new Chair();
    chair.stream(0, 10, { spo2: 92 });
    expect(summary(chair.feed(11, { spo2: 83 }))).toEqual(['priority-changed high SpO2 83 < 85']);
  });
});

describe('hysteresis and clearing', () => {
  it('a value hovering at the limit neither chatters nor clears', () => {
    const chair = new Chair();
    chair.stream(0, 10, { hr: 125 });
    for (let s = 11; s < 71; s++)
      expect(chair.feed(s, { hr: s % 2 === 0 ? 119 : 121 })).toEqual([]);
    expect(chair.feed(71, { hr: 118 })).toEqual([]);
    const cleared = chair.feed(72, { hr: 117 });
    expect(summary(cleared)).toEqual(['cleared medium HR 125 > 120']);
    expect(cleared[0]?.alert).toMatchObject({
      state: 'cleared',
      clearedAt: at(72),
      raisedAt: at(10),
    });
    expect(chair.log.filter((c) => c.type === 'raised')).toHaveLength(1);
  });

  it('a value hovering at the limit before any alarm never completes the delay', () => {
    const chair = new Chair();
    for (let s = 0; s < 120; s++)
      expect(chair.feed(s, { spo2: s % 2 === 0 ? 93 : 94 })).toEqual([]);
  });

  it('medium alarms clear by themselves', () => {
    const chair = new Chair();
    chair.feed(0, { dbp: 104, sbp: 150 }, 'manual');
    const changes = chair.feed(300, { dbp: 92, sbp: 140 }, 'manual');
    expect(summary(changes)).toEqual(['cleared medium DBP 104 >= 100']);
    expect(chair.openAlerts()).toEqual([]);
  });

  it('an opposite-side reading ends the episode (HR high then low)', () => {
    const chair = new Chair();
    chair.feed(0, { hr: 130 }, 'manual');
    expect(summary(chair.feed(60, { hr: 45 }, 'manual'))).toEqual([
      'raised medium HR 45 < 50',
      'cleared medium HR 130 > 120',
    ]);
  });
});

describe('latching of high-priority physiological alarms', () => {
  it('stays active after recovery until acknowledged, then clears', () => {
    const chair = new Chair();
    const [raised] = chair.feed(0, { spo2: 86 }, 'manual');
    const ended = chair.feed(60, { spo2: 97 }, 'manual');
    expect(ended.map((c) => c.type)).toEqual(['condition-ended']);
    expect(ended[0]?.alert).toMatchObject({ state: 'active', clearedAt: at(60) });
    expect(chair.openAlerts()).toHaveLength(1);
    const acked = chair.ack(raised!.alert.id, 'nurse.ana', 90);
    expect(acked[0]).toMatchObject({
      type: 'acknowledged',
      alert: {
        state: 'cleared',
        acknowledgedBy: 'nurse.ana',
        acknowledgedAt: at(90),
        clearedAt: at(60),
      },
    });
    expect(chair.openAlerts()).toEqual([]);
  });

  it('acknowledged while the condition holds, cleared when it ends', () => {
    const chair = new Chair();
    const [raised] = chair.feed(0, { sedation: { scale: 'MOAA/S', score: 1 } }, 'manual');
    expect(chair.ack(raised!.alert.id, 'nurse.ana', 10)[0]?.alert.state).toBe('acknowledged');
    const cleared = chair.feed(300, { sedation: { scale: 'MOAA/S', score: 4 } }, 'manual');
    expect(cleared[0]).toMatchObject({
      type: 'cleared',
      alert: { state: 'cleared', clearedAt: at(300) },
    });
  });

  it('a latched alert whose condition returns before acknowledgement goes on as the same alert', () => {
    const chair = new Chair();
    chair.feed(0, { hr: 150 }, 'manual');
    chair.feed(30, { hr: 90 }, 'manual');
    const back = chair.feed(60, { hr: 150 }, 'manual');
    expect(back.map((c) => c.type)).toEqual(['condition-returned']);
    expect(back[0]?.alert).toMatchObject({ id: 'alert-1', clearedAt: null, state: 'active' });
    expect(chair.log.filter((c) => c.type === 'raised')).toHaveLength(1);
  });

  it('an upgrade after acknowledgement needs a fresh acknowledgement', () => {
    const chair = new Chair();
    const [raised] = chair.feed(0, { rr: 9 }, 'manual');
    chair.ack(raised!.alert.id, 'nurse.ana', 5);
    const up = chair.feed(60, { rr: 6 }, 'manual');
    expect(up[0]).toMatchObject({
      type: 'priority-changed',
      alert: { priority: 'high', state: 'active', acknowledgedAt: null, message: 'RR 6 < 8' },
    });
  });

  it('derives the contract state from the facts', () => {
    const base = { kind: 'physiological', priority: 'high' } as const;
    expect(deriveAlertState({ ...base, clearedAt: null, acknowledgedAt: null })).toBe('active');
    expect(deriveAlertState({ ...base, clearedAt: at(1), acknowledgedAt: null })).toBe('active');
    expect(deriveAlertState({ ...base, clearedAt: null, acknowledgedAt: at(1) })).toBe(
      'acknowledged',
    );
    expect(deriveAlertState({ ...base, clearedAt: at(1), acknowledgedAt: at(1) })).toBe('cleared');
    expect(
      deriveAlertState({ ...base, priority: 'medium', clearedAt: at(1), acknowledgedAt: null }),
    ).toBe('cleared');
    expect(
      deriveAlertState({
        kind: 'technical',
        priority: 'high',
        clearedAt: at(1),
        acknowledgedAt: null,
      }),
    ).toBe('cleared');
  });
});

describe('acknowledge', () => {
  it('reports what happened and is shared state in the alert', () => {
    const chair = new Chair();
    const [raised] = chair.feed(0, { hr: 130 }, 'manual');
    const id = raised!.alert.id;
    expect(chair.ack(id, 'charge.bo', 3)).toHaveLength(1);
    expect(chair.openAlerts()[0]).toMatchObject({
      acknowledgedBy: 'charge.bo',
      state: 'acknowledged',
    });
    expect(chair.ack(id, 'nurse.ana', 4)).toEqual([]);
    expect(chair.ack('nope', 'nurse.ana', 4)).toEqual([]);
  });

  it('does not change the state it was given', () => {
    const chair = new Chair();
    const [raised] = chair.feed(0, { hr: 130 }, 'manual');
    const before = JSON.stringify(chair.state);
    chair.ack(raised!.alert.id, 'nurse.ana', 1);
    expect(JSON.stringify(chair.state)).not.toBe(before);
    expect(JSON.parse(before)).toMatchObject({ open: [{ alert: { acknowledgedAt: null } }] });
  });
});

describe('SBP rise over the session baseline', () => {
  it('alarms at +25 % (medium) and +40 % (high) of the baseline', () => {
    const chair = new Chair({ session: session('infusing', baselineSbp(120)) });
    expect(chair.feed(0, { sbp: 149, dbp: 80 }, 'manual')).toEqual([]);
    const medium = chair.feed(10, { sbp: 150, dbp: 80 }, 'manual');
    expect(summary(medium)).toEqual(['raised medium SBP 150 >= 150 (baseline 120 +25%)']);
    expect(medium[0]?.alert).toMatchObject({
      parameter: 'sbp',
      rule: 'sbp-rise-over-baseline',
      limit: 150,
    });
    expect(chair.feed(20, { sbp: 167, dbp: 80 }, 'manual')).toEqual([]);
    expect(summary(chair.feed(30, { sbp: 168, dbp: 80 }, 'manual'))).toEqual([
      'priority-changed high SBP 168 >= 168 (baseline 120 +40%)',
    ]);
  });

  it('shares one episode with the absolute SBP limit', () => {
    const chair = new Chair({ session: session('infusing', baselineSbp(120)) });
    const changes = chair.feed(0, { sbp: 165, dbp: 90 }, 'manual');
    // Both rules cross medium; one alert, named by the absolute limit.
    expect(summary(changes)).toEqual(['raised medium SBP 165 >= 160']);
    // Hysteresis runs on the least extreme limit: the baseline rule's 150 (-4 mmHg).
    expect(chair.feed(10, { sbp: 146, dbp: 90 }, 'manual')).toEqual([]);
    expect(summary(chair.feed(20, { sbp: 145, dbp: 90 }, 'manual'))).toEqual([
      'cleared medium SBP 165 >= 160',
    ]);
  });

  it('needs a baseline', () => {
    const chair = new Chair({ session: session('infusing', null) });
    expect(chair.feed(0, { sbp: 150, dbp: 80 }, 'manual')).toEqual([]);
    const noSbp = new Chair({ session: session('infusing', { ...baselineSbp(120), sbp: null }) });
    expect(noSbp.feed(0, { sbp: 150, dbp: 80 }, 'manual')).toEqual([]);
  });

  it('alarms on a single device cuff reading, like a manual one', () => {
    const chair = new Chair({ session: session('pre-infusion', baselineSbp(100)) });
    expect(summary(chair.feed(0, { sbp: 141, dbp: 80 }))).toEqual([
      'raised high SBP 141 >= 140 (baseline 100 +40%)',
    ]);
  });
});

describe('late and out-of-order samples', () => {
  it('an older normal reading does not clear the current episode', () => {
    const chair = new Chair();
    chair.stream(0, 10, { hr: 130 });
    expect(chair.feed(5, { hr: 90 })).toEqual([]);
    expect(chair.feed(3, { hr: 90 }, 'manual')).toEqual([]);
    expect(chair.openAlerts()).toHaveLength(1);
    expect(summary(chair.feed(11, { hr: 90 }))).toEqual(['cleared medium HR 130 > 120']);
  });

  it('an older alarming device reading does not re-raise an episode that is over', () => {
    const chair = new Chair();
    chair.stream(0, 10, { hr: 130 });
    chair.feed(11, { hr: 90 });
    expect(chair.feed(8, { hr: 135 })).toEqual([]);
    expect(chair.feed(9, { hr: 145 })).toEqual([]);
    // A late manual reading inside the closed episode, no worse than it: already covered.
    expect(chair.feed(10.5, { hr: 128 }, 'manual')).toEqual([]);
    expect(chair.log.filter((c) => c.type === 'raised')).toHaveLength(1);
  });

  it('a late manual reading worse than anything alarmed is raised, not dropped', () => {
    const chair = new Chair();
    chair.stream(0, 10, { hr: 130 });
    chair.feed(11, { hr: 90 });
    expect(summary(chair.feed(9, { hr: 145 }, 'manual'))).toEqual([
      'raised high HR 145 > 140',
      'condition-ended high HR 145 > 140',
    ]);
  });

  it('a buffered batch delivered newest first alarms as it happened', () => {
    const chair = new Chair();
    const changes = [];
    for (let s = 10; s >= 0; s--) changes.push(...chair.feed(s, { hr: 130 }, 'device', 20));
    expect(summary(changes)).toEqual(['raised medium HR 130 > 120']);
    expect(changes[0]?.alert.raisedAt).toBe(at(10));
  });

  it('a late reading cannot extend a run past a reading that broke it', () => {
    const chair = new Chair();
    chair.feed(0, { hr: 130 });
    chair.feed(5, { hr: 100 });
    chair.feed(6, { hr: 130 });
    expect(chair.feed(15, { hr: 130 })).toEqual([]);
    // 2 s lies before the break at 5 s: the run since 6 s still holds only 9 s.
    expect(chair.feed(2, { hr: 130 })).toEqual([]);
    expect(summary(chair.feed(16, { hr: 130 }))).toEqual(['raised medium HR 130 > 120']);
  });

  it('a late normal reading before the run is remembered as a break', () => {
    const chair = new Chair();
    chair.feed(10, { hr: 130 });
    expect(chair.feed(5, { hr: 90 })).toEqual([]);
    for (let s = 4; s >= 0; s--) expect(chair.feed(s, { hr: 130 })).toEqual([]);
    expect(chair.feed(19, { hr: 130 })).toEqual([]);
    expect(summary(chair.feed(20, { hr: 130 }))).toEqual(['raised medium HR 130 > 120']);
  });

  it('a late manual desaturation is raised on its own time and, with newer recovery, latches', () => {
    const chair = new Chair();
    chair.stream(0, 60, { spo2: 97 });
    const changes = chair.feed(30, { spo2: 86 }, 'manual', 61);
    expect(changes.map((c) => c.type)).toEqual(['raised', 'condition-ended']);
    expect(changes[1]?.alert).toMatchObject({
      priority: 'high',
      raisedAt: at(30),
      clearedAt: at(60),
      state: 'active',
      message: 'SpO2 86 < 90',
    });
  });

  it('a late medium reading covered by no alert is raised and cleared, never lost', () => {
    const chair = new Chair();
    chair.stream(0, 60, { hr: 80 });
    const changes = chair.feed(30, { hr: 125 }, 'manual', 61);
    expect(summary(changes)).toEqual(['raised medium HR 125 > 120', 'cleared medium HR 125 > 120']);
    expect(changes[1]?.alert).toMatchObject({ raisedAt: at(30), clearedAt: at(60) });
  });
});

describe('state', () => {
  it('is never changed by the functions it is given to', () => {
    const chair = new Chair({ session: session('infusing', baselineSbp(120)) });
    chair.stream(0, 12, { hr: 150, spo2: 88, sbp: 165, dbp: 80 });
    chair.feed(13, { hr: 90, spo2: 97, sbp: 120, dbp: 80 });
    const frozen = chair.state;
    const before = JSON.stringify(frozen);
    evaluateSample(frozen, sampleAt(14, { hr: 150, spo2: 80, sbp: 190, dbp: 100 }), chair.ctx);
    evaluateSample(frozen, sampleAt(5, { hr: 40 }, 'manual'), chair.ctx);
    evaluateTime(frozen, T0 + 400_000, chair.ctx);
    for (const e of frozen.open) acknowledge(frozen, e.alert.id, 'nurse.ana', T0 + 20_000);
    expect(JSON.stringify(frozen)).toBe(before);
  });

  it('is plain JSON that round-trips', () => {
    const chair = new Chair({ session: session('infusing', baselineSbp(120)) });
    chair.stream(0, 12, { hr: 130, spo2: 88, sbp: 150, dbp: 80 });
    expect(JSON.parse(JSON.stringify(chair.state))).toEqual(chair.state);
  });
});
