import type { Chair, User } from '@chairside/core';
import type { Logger } from 'pino';
import type { AuthContext } from '../domain/auth';
import { listChairs } from '../domain/chairs';
import { applySessionEvent, createSession } from '../domain/sessions';
import type { SimulatorHost } from '../simulator/host';
import { DEMO_CHAIR_COUNT, DEMO_PATIENTS } from './seed';

/**
 * The demo's live data: a training-simulator run on each demo chair, started through the
 * SimulatorHost, so the readings are the calibrated ketamine model's and enter through the
 * public socket ingest like a device's. The runs start in different phases (their first model
 * minutes are sent at once), so the overview shows a chair before the pump, several infusing,
 * one in recovery; a hypertensive surge and a desaturation come a few minutes in. Each chair's
 * session follows its run's pump; a finished run is followed by a fresh patient.
 */

export interface DemoRunPlan {
  label: string;
  scenario: string;
  speed: number;
  /** Model minutes already behind the run when the demo starts (5: the pump starts now). */
  backfillModelMinutes: number;
}

// Scenarios last 75 model minutes: 5 before the pump, 40 infusing, 30 of recovery. The chairs
// before or in their infusion run at 1x: the session's infusion timer on the dashboard counts
// wall-clock minutes, and at 2x it would show "20 of 40 min" when the simulated pump stops.
// Only the chair already in recovery runs faster, so a new patient sits down within minutes.
export const DEMO_RUN_PLANS: readonly DemoRunPlan[] = [
  { label: 'Chair 1', scenario: 'typical-response', speed: 1, backfillModelMinutes: 17 },
  { label: 'Chair 2', scenario: 'typical-response', speed: 1, backfillModelMinutes: 2 },
  // The surge comes at model minute 30: 3 minutes into the demo.
  { label: 'Chair 3', scenario: 'hypertensive-surge', speed: 1, backfillModelMinutes: 27 },
  { label: 'Chair 4', scenario: 'typical-response', speed: 1, backfillModelMinutes: 36 },
  // The desaturation comes at model minute 25.5: 6.5 minutes into the demo.
  {
    label: 'Chair 5',
    scenario: 'desaturation-hypoventilation',
    speed: 1,
    backfillModelMinutes: 19,
  },
  { label: 'Chair 6', scenario: 'typical-response', speed: 4, backfillModelMinutes: 50 },
];

/** The next patient on a chair whose run finished: from the start, in real time. */
const NEXT_PATIENT_SPEED = 1;

export interface DemoSimulationOptions {
  ctx: AuthContext;
  host: SimulatorHost;
  logger: Logger;
  /** The demo account the runs are started as (it must exist: the feed logs in with it). */
  trainer?: User;
  /** How often a finished run is replaced by a new patient (default 5 s). */
  recycleEveryMs?: number;
  /** The runs to start (default DEMO_RUN_PLANS). */
  plans?: readonly DemoRunPlan[];
}

export interface DemoSimulation {
  /** Run ids by chair label, as started. */
  readonly runs: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

const DEMO_ACTOR = 'demo-seed';

/** A fresh pre-infusion session on the chair: whatever was open is closed first. */
async function freshSession(ctx: AuthContext, chair: Chair, index: number): Promise<void> {
  const session = chair.session;
  if (session?.state === 'pre-infusion') return;
  if (session !== null) {
    if (session.state === 'infusing' || session.state === 'paused')
      await applySessionEvent(ctx, DEMO_ACTOR, session.id, { type: 'infusion-stopped' });
    await applySessionEvent(ctx, DEMO_ACTOR, session.id, { type: 'discharged' });
  }
  const patient = DEMO_PATIENTS[index % DEMO_PATIENTS.length];
  await createSession(ctx, DEMO_ACTOR, chair.id, {
    patientRef: patient?.patientRef ?? `KET-${1041 + index}`,
    weightKg: patient?.weightKg ?? 75,
    doseMgPerKg: 0.5,
    plannedMinutes: 40,
  });
}

export async function startDemoSimulation(options: DemoSimulationOptions): Promise<DemoSimulation> {
  const { ctx, host, logger } = options;
  const trainer = options.trainer ?? { username: 'trainer', role: 'trainer' };
  const runs = new Map<string, string>();
  const plans = options.plans ?? DEMO_RUN_PLANS;

  const startOn = async (plan: DemoRunPlan, backfill: number): Promise<void> => {
    const chairs = await listChairs(ctx);
    const chair = chairs.find((c) => c.label === plan.label);
    if (chair === undefined || host.runningOn(chair.id) !== null) return;
    await freshSession(ctx, chair, Math.max(0, Number(plan.label.replace(/\D/g, '')) - 1));
    const run = await host.startRun(
      trainer,
      { chairId: chair.id, scenario: plan.scenario, speed: plan.speed },
      { backfillModelMinutes: backfill },
    );
    runs.set(plan.label, run.id);
  };

  for (const plan of plans.slice(0, DEMO_CHAIR_COUNT))
    await startOn(plan, plan.backfillModelMinutes);
  logger.info(
    { runs: plans.map((p) => `${p.label}: ${p.scenario} ${p.speed}x`) },
    'demo: training simulator running on the demo chairs',
  );

  // A finished run leaves its chair silent: the next patient sits down and a new run begins.
  // A run a trainer stopped is not replaced: the chair is theirs for their own scenario.
  const recycle = async (): Promise<void> => {
    for (const plan of plans) {
      const runId = runs.get(plan.label);
      if (runId === undefined) continue;
      const run = await host.getRun(runId);
      if (run.state === 'finished') await startOn({ ...plan, speed: NEXT_PATIENT_SPEED }, 0);
    }
  };
  let recycling = false;
  const timer = setInterval(() => {
    if (recycling) return;
    recycling = true;
    recycle()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'demo: starting the next patient failed');
      })
      .finally(() => {
        recycling = false;
      });
  }, options.recycleEveryMs ?? 5000);
  timer.unref();

  return {
    runs,
    stop: async () => {
      clearInterval(timer);
      for (const runId of runs.values()) await host.stopRun(runId, trainer);
    },
  };
}
