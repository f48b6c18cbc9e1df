import type { Alert } from '../alert';
import type { Sample, SampleSource } from '../sample';
import type { Baseline, SessionState } from '../session';
import { acknowledge, createAlarmState, evaluateSample, evaluateTime } from './engine';
import type {
  AlarmContext,
  AlarmEngineState,
  AlarmSample,
  AlarmSession,
  AlertChange,
} from './engine';
import { DEFAULT_ALARM_RULES } from './rules';
import type { AlarmRuleSet } from './rules';

/** Test support: a chair driven through the real engine, with seconds relative to T0. */
export const T0 = Date.parse('2026-11-21T09:00:00.000Z');
export const at = (sec: number): string => new Date(T0 + sec * 1000).toISOString();

export type Vitals = Partial<Omit<Sample, 'at' | 'source' | 'id'>>;

export function sampleAt(
  sec: number,
  vitals: Vitals,
  source: SampleSource = 'device',
  receivedSec = sec,
): AlarmSample {
  return { at: at(sec), source, receivedAt: at(receivedSec), ...vitals };
}

export function session(
  state: SessionState,
  baseline: Baseline | null = null,
  startedSec = 0,
): AlarmSession {
  return {
    id: 'session-1',
    state,
    baseline,
    events:
      state === 'pre-infusion'
        ? []
        : [{ type: 'infusion-started', at: at(startedSec), by: 'nurse.ana' }],
  };
}

export function baselineSbp(sbp: number): Baseline {
  return { hr: 70, sbp, dbp: 80, spo2: 98, rr: 14, samples: 3 };
}

export class Chair {
  state: AlarmEngineState;
  readonly log: AlertChange[] = [];
  readonly ctx: AlarmContext;
  private next = 0;

  constructor(opts: { rules?: AlarmRuleSet; session?: AlarmSession | null } = {}) {
    const s = opts.session ?? null;
    this.ctx = {
      rules: opts.rules ?? DEFAULT_ALARM_RULES,
      session: s,
      newAlertId: () => `alert-${++this.next}`,
    };
    this.state = createAlarmState('chair-1', s?.id ?? null);
  }

  setSession(s: AlarmSession | null): void {
    this.ctx.session = s;
  }

  feed(
    sec: number,
    vitals: Vitals,
    source: SampleSource = 'device',
    receivedSec = sec,
  ): AlertChange[] {
    return this.take(
      evaluateSample(this.state, sampleAt(sec, vitals, source, receivedSec), this.ctx),
    );
  }

  /** The same vitals every second from `fromSec` to `toSec` inclusive. */
  stream(
    fromSec: number,
    toSec: number,
    vitals: Vitals,
    source: SampleSource = 'device',
  ): AlertChange[] {
    const out: AlertChange[] = [];
    for (let s = fromSec; s <= toSec; s++) out.push(...this.feed(s, vitals, source));
    return out;
  }

  tick(sec: number): AlertChange[] {
    return this.take(evaluateTime(this.state, T0 + sec * 1000, this.ctx));
  }

  ack(alertId: string, by: string, sec: number): AlertChange[] {
    const r = acknowledge(this.state, alertId, by, T0 + sec * 1000);
    return this.take(r);
  }

  openAlerts(): Alert[] {
    return this.state.open.map((e) => e.alert);
  }

  private take(r: { state: AlarmEngineState; changes: AlertChange[] }): AlertChange[] {
    this.state = r.state;
    this.log.push(...r.changes);
    return r.changes;
  }
}

export const summary = (changes: readonly AlertChange[]): string[] =>
  changes.map((c) => `${c.type} ${c.alert.priority} ${c.alert.message}`);
