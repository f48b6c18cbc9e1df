import { describe, expect, it } from 'vitest';
import { BURST_PULSES, SILENT, tickSound } from './schedule';
import type { Burst, SoundInput, SoundState } from './schedule';

const T0 = 1_000_000;

/** Ticks every 250 ms from `from` to `to` (ms after T0) with inputs from `at`, returns bursts. */
function run(
  from: number,
  to: number,
  at: (t: number) => Omit<SoundInput, 'now'>,
  start: SoundState = SILENT,
): { bursts: Burst[]; state: SoundState } {
  let state = start;
  const bursts: Burst[] = [];
  for (let t = from; t <= to; t += 250) {
    const result = tickSound(state, { now: T0 + t, ...at(t) });
    state = result.state;
    bursts.push(...result.bursts.map((b) => ({ ...b, at: b.at - T0 })));
  }
  return { bursts, state };
}

const quiet = { alarms: [], pauses: {}, connectionLost: false };

describe('tickSound', () => {
  it('plays a high alarm as a burst every 10 s from the moment it sounds', () => {
    const { bursts } = run(0, 35_000, () => ({
      ...quiet,
      alarms: [{ id: 'a', chairId: 'c1', priority: 'high' }],
    }));
    expect(bursts).toEqual([
      { at: 0, pattern: 'high' },
      { at: 10_000, pattern: 'high' },
      { at: 20_000, pattern: 'high' },
      { at: 30_000, pattern: 'high' },
    ]);
  });

  it('plays a medium alarm every 25 s and a low alarm once', () => {
    expect(
      run(0, 60_000, () => ({ ...quiet, alarms: [{ id: 'm', chairId: 'c1', priority: 'medium' }] }))
        .bursts,
    ).toEqual([
      { at: 0, pattern: 'medium' },
      { at: 25_000, pattern: 'medium' },
      { at: 50_000, pattern: 'medium' },
    ]);
    expect(
      run(0, 60_000, () => ({ ...quiet, alarms: [{ id: 'l', chairId: 'c1', priority: 'low' }] }))
        .bursts,
    ).toEqual([{ at: 0, pattern: 'low' }]);
  });

  it('lets a new high alarm break through a medium cycle at once; only the loudest sounds', () => {
    const { bursts } = run(0, 22_000, (t) => ({
      ...quiet,
      alarms: [
        { id: 'm', chairId: 'c1', priority: 'medium' },
        ...(t >= 7_000 ? [{ id: 'h', chairId: 'c2', priority: 'high' as const }] : []),
      ],
    }));
    expect(bursts).toEqual([
      { at: 0, pattern: 'medium' },
      { at: 7_000, pattern: 'high' },
      { at: 17_000, pattern: 'high' },
    ]);
  });

  it('stays silent for a paused chair until the pause ends, then sounds at once', () => {
    const { bursts } = run(0, 130_000, () => ({
      ...quiet,
      alarms: [{ id: 'h', chairId: 'c1', priority: 'high' }],
      pauses: { c1: { untilMs: T0 + 120_000 } },
    }));
    expect(bursts).toEqual([
      { at: 120_000, pattern: 'high' },
      { at: 130_000, pattern: 'high' },
    ]);
  });

  it('lets an alarm raised during a pause break through when it is of a higher priority', () => {
    const pauses = { c1: { fromMs: T0 + 1_000, untilMs: T0 + 120_000 } };
    const { bursts } = run(0, 12_000, (t) => ({
      ...quiet,
      pauses,
      alarms: [
        { id: 'm', chairId: 'c1', priority: 'medium', raisedAtMs: T0 },
        // Same priority as what was paused: stays silent.
        ...(t >= 3_000
          ? [{ id: 'm2', chairId: 'c1', priority: 'medium' as const, raisedAtMs: T0 + 3_000 }]
          : []),
        // Higher: breaks through at once.
        ...(t >= 5_000
          ? [{ id: 'h', chairId: 'c1', priority: 'high' as const, raisedAtMs: T0 + 5_000 }]
          : []),
      ],
    }));
    expect(bursts).toEqual([{ at: 5_000, pattern: 'high' }]);
  });

  it("a pause of one chair does not silence another chair's alarm", () => {
    const { bursts } = run(0, 1_000, () => ({
      ...quiet,
      alarms: [
        { id: 'h', chairId: 'c1', priority: 'high' },
        { id: 'm', chairId: 'c2', priority: 'medium' },
      ],
      pauses: { c1: { untilMs: T0 + 120_000 } },
    }));
    expect(bursts).toEqual([{ at: 0, pattern: 'medium' }]);
  });

  it('sounds its own pattern every 15 s while the connection is lost', () => {
    const { bursts } = run(0, 31_000, () => ({ ...quiet, connectionLost: true }));
    expect(bursts).toEqual([
      { at: 0, pattern: 'connection-lost' },
      { at: 15_000, pattern: 'connection-lost' },
      { at: 30_000, pattern: 'connection-lost' },
    ]);
  });

  it('stops when the alarm is acknowledged', () => {
    const { bursts } = run(0, 40_000, (t) => ({
      ...quiet,
      alarms: t < 12_000 ? [{ id: 'h', chairId: 'c1', priority: 'high' }] : [],
    }));
    expect(bursts.map((b) => b.at)).toEqual([0, 10_000]);
  });
});

describe('BURST_PULSES', () => {
  it('has 10 pulses for high, 3 for medium, 1 for low, all between 150 Hz and 1 kHz', () => {
    expect(BURST_PULSES.high).toHaveLength(10);
    expect(BURST_PULSES.medium).toHaveLength(3);
    expect(BURST_PULSES.low).toHaveLength(1);
    for (const pulses of Object.values(BURST_PULSES)) {
      for (const p of pulses) {
        expect(p.frequency).toBeGreaterThanOrEqual(150);
        expect(p.frequency).toBeLessThanOrEqual(1000);
      }
    }
  });
});
