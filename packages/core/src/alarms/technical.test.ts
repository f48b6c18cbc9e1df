import { describe, expect, it } from 'vitest';
import { vitalsDueIn } from './engine';
import { DEFAULT_ALARM_RULES } from './rules';
import { at, Chair, session, summary, T0 } from './harness.test-support';

const FULL_SET = { hr: 80, sbp: 125, dbp: 80, spo2: 97 };

describe('continuous feed silent (> 15 s, technical)', () => {
  it('alarms after more than 15 s of server time without a continuous sample, clears when it resumes', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    chair.feed(0, FULL_SET);
    expect(chair.tick(15)).toEqual([]);
    const raised = chair.tick(16);
    expect(summary(raised)).toEqual(['raised medium Feed silent for 16 s (limit 15 s)']);
    expect(raised[0]?.alert).toMatchObject({
      kind: 'technical',
      parameter: 'feed',
      raisedAt: at(16),
      value: 16,
      limit: 15,
    });
    expect(chair.tick(30)).toEqual([]);
    const cleared = chair.feed(31, FULL_SET);
    expect(cleared.map((c) => c.type)).toEqual(['cleared']);
    expect(cleared[0]?.alert).toMatchObject({ state: 'cleared', clearedAt: at(31) });
  });

  it('judges silence on receipt time, not sample time', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    // A device whose clock runs 40 s behind still counts as alive.
    chair.feed(0, FULL_SET, 'device', 40);
    expect(chair.tick(50)).toEqual([]);
  });

  it('does not apply to manual entries, without a session, or after discharge', () => {
    const manual = new Chair({ session: session('infusing') });
    manual.feed(0, FULL_SET, 'manual');
    expect(manual.tick(100).filter((c) => c.alert.parameter === 'feed')).toEqual([]);

    const noSession = new Chair();
    noSession.feed(0, FULL_SET);
    expect(noSession.tick(100)).toEqual([]);

    const discharged = new Chair({ session: session('recovery') });
    discharged.feed(0, FULL_SET);
    expect(discharged.tick(20).map((c) => c.type)).toEqual(['raised']);
    discharged.setSession({ ...session('recovery'), state: 'discharged' });
    expect(discharged.tick(21).map((c) => c.type)).toEqual(['cleared']);
  });
});

describe('a parameter stops arriving while the feed goes on (e.g. SpO2 probe off)', () => {
  it('alarms after 30 s without SpO2 while HR still arrives, clears when SpO2 returns', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    chair.stream(0, 4, { hr: 80, spo2: 97 });
    expect(chair.stream(5, 34, { hr: 80 })).toEqual([]);
    const raised = chair.feed(35, { hr: 80 });
    expect(summary(raised)).toEqual(['raised medium SpO2 not reported for 31 s (limit 30 s)']);
    expect(raised[0]?.alert).toMatchObject({
      kind: 'technical',
      parameter: 'spo2',
      rule: 'parameter-silent',
    });
    expect(chair.feed(36, { hr: 80, spo2: 97 }).map((c) => c.type)).toEqual(['cleared']);
  });

  it('waits two cuff cycles and a margin for BP', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    chair.feed(0, { hr: 80, sbp: 120, dbp: 80 });
    for (let s = 1; s <= 660; s += 5) expect(chair.feed(s, { hr: 80 })).toEqual([]);
    expect(chair.feed(661, { hr: 80 }).map((c) => `${c.alert.parameter} ${c.type}`)).toEqual([
      'sbp raised',
      'dbp raised',
    ]);
  });

  it('a feed that dies raises the feed alarm only, not one per parameter', () => {
    const chair = new Chair({ session: session('pre-infusion') });
    chair.stream(0, 4, { hr: 80, spo2: 97 });
    expect(chair.tick(19)).toEqual([]);
    expect(summary(chair.tick(20))).toEqual(['raised medium Feed silent for 16 s (limit 15 s)']);
    expect(chair.tick(60)).toEqual([]);
    expect(chair.openAlerts().map((a) => a.parameter)).toEqual(['feed']);
  });
});

describe('vitals due during an infusion', () => {
  it('reminds (low) at 5 min and alarms (medium, technical) at 10 min without HR, BP and SpO2', () => {
    const chair = new Chair({ session: session('infusing') });
    expect(chair.tick(299)).toEqual([]);
    const due = chair.tick(300);
    expect(summary(due)).toEqual(['raised low Vitals due: no HR, BP, SpO2 for 5 min']);
    expect(due[0]?.alert).toMatchObject({
      kind: 'technical',
      parameter: 'manual-check',
      raisedAt: at(300),
    });
    expect(chair.tick(599)).toEqual([]);
    const overdue = chair.tick(600);
    expect(summary(overdue)).toEqual([
      'priority-changed medium Vitals overdue: no HR, BP, SpO2 for 10 min (limit 10 min)',
    ]);
    expect(overdue[0]?.alert.id).toBe(due[0]?.alert.id);
    const cleared = chair.feed(610, FULL_SET, 'manual');
    expect(cleared.map((c) => c.type)).toEqual(['cleared']);
    expect(cleared[0]?.alert.clearedAt).toBe(at(610));
  });

  it('counts from the newest reading of each of HR, BP and SpO2', () => {
    const chair = new Chair({ session: session('infusing') });
    chair.feed(200, FULL_SET, 'manual');
    chair.feed(400, { hr: 82 }, 'manual');
    expect(chair.tick(499)).toEqual([]);
    expect(summary(chair.tick(500))).toEqual(['raised low Vitals due: no BP, SpO2 for 5 min']);
    // HR alone does not renew the set.
    expect(chair.feed(550, { hr: 84, spo2: 96 }, 'manual')).toEqual([]);
    expect(summary(chair.feed(560, { sbp: 130, dbp: 82 }, 'manual'))).toEqual([
      'cleared low Vitals due: no BP, SpO2 for 5 min',
    ]);
  });

  it('applies only while infusing', () => {
    for (const state of ['pre-infusion', 'paused', 'recovery'] as const) {
      const chair = new Chair({ session: session(state) });
      expect(chair.tick(900)).toEqual([]);
    }
    const chair = new Chair({ session: session('infusing') });
    chair.tick(300);
    chair.setSession({
      ...session('infusing'),
      state: 'paused',
      events: [
        { type: 'infusion-started', at: at(0), by: 'nurse.ana' },
        { type: 'infusion-paused', at: at(301), by: 'nurse.ana' },
      ],
    });
    expect(chair.tick(302).map((c) => c.type)).toEqual(['cleared']);
  });

  it('restarts the clock on resume', () => {
    const chair = new Chair({
      session: {
        ...session('infusing'),
        events: [
          { type: 'infusion-started', at: at(0), by: 'nurse.ana' },
          { type: 'infusion-paused', at: at(100), by: 'nurse.ana' },
          { type: 'infusion-resumed', at: at(1000), by: 'nurse.ana' },
        ],
      },
    });
    expect(chair.tick(1299)).toEqual([]);
    expect(chair.tick(1300).map((c) => c.alert.priority)).toEqual(['low']);
  });
});

describe('escalation of an unacknowledged high-priority alarm', () => {
  it('escalates after 60 s, once', () => {
    const chair = new Chair();
    chair.feed(0, { spo2: 86 }, 'manual');
    expect(chair.tick(59)).toEqual([]);
    const escalated = chair.tick(60);
    expect(escalated.map((c) => c.type)).toEqual(['escalated']);
    expect(escalated[0]?.alert).toMatchObject({
      escalatedAt: at(60),
      state: 'active',
      acknowledgedAt: null,
    });
    expect(chair.tick(61)).toEqual([]);
  });

  it('does not escalate an acknowledged alarm or a medium one', () => {
    const chair = new Chair();
    const [high] = chair.feed(0, { spo2: 86 }, 'manual');
    chair.feed(0, { hr: 125 }, 'manual');
    chair.ack(high!.alert.id, 'nurse.ana', 30);
    expect(chair.tick(120)).toEqual([]);
  });

  it('escalates a latched alarm still waiting for acknowledgement', () => {
    const chair = new Chair();
    chair.feed(0, { hr: 150 }, 'manual');
    chair.feed(20, { hr: 90 }, 'manual');
    expect(chair.tick(60).map((c) => c.type)).toEqual(['escalated']);
  });

  it('runs the clock from the upgrade to high, on server time', () => {
    const chair = new Chair();
    chair.feed(0, { hr: 125 }, 'manual');
    chair.feed(30, { hr: 145 }, 'manual', 40);
    expect(chair.tick(99)).toEqual([]);
    expect(chair.tick(100).map((c) => c.type)).toEqual(['escalated']);
  });
});

describe('the end of a session', () => {
  it('ends its physiological episodes at discharge; a latched one still waits for acknowledgement', () => {
    const chair = new Chair({ session: session('recovery') });
    chair.feed(0, { hr: 125, spo2: 86 }, 'manual');
    expect(chair.openAlerts().map((a) => a.sessionId)).toEqual(['session-1', 'session-1']);
    chair.setSession({ ...session('recovery'), state: 'discharged' });
    const changes = chair.tick(30);
    expect(changes.map((c) => `${c.type} ${c.alert.parameter} ${c.alert.clearedAt ?? ''}`)).toEqual(
      [`cleared hr ${at(30)}`, `condition-ended spo2 ${at(30)}`],
    );
    // After discharge, readings still alarm (someone is in the chair) but belong to no session.
    chair.setSession(null);
    expect(chair.feed(40, { hr: 130 }, 'manual')[0]?.alert).toMatchObject({
      sessionId: null,
      priority: 'medium',
    });
    expect(chair.tick(41)).toEqual([]);
  });
});

describe('vitalsDueIn (the tile countdown)', () => {
  it('counts down to the reminder and the overdue alarm while infusing', () => {
    const chair = new Chair({ session: session('infusing') });
    chair.feed(100, { hr: 80, sbp: 120, dbp: 80, spo2: 97 }, 'manual');
    expect(vitalsDueIn(chair.state, chair.ctx.session, DEFAULT_ALARM_RULES, T0 + 160_000)).toEqual({
      reminderInMs: 240_000,
      overdueInMs: 540_000,
    });
    expect(
      vitalsDueIn(chair.state, session('paused'), DEFAULT_ALARM_RULES, T0 + 160_000),
    ).toBeNull();
  });
});
