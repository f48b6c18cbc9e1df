import type { Role, Sample, User } from '@chairside/core';
import type { DomainContext } from '../domain/context';
import { listChairs, createChair } from '../domain/chairs';
import { DomainError } from '../domain/errors';
import { applySessionEvent, createSession } from '../domain/sessions';
import { createUser, listUsers } from '../domain/users';
import { ingestVitals } from '../domain/vitals';
import { demoBaseline } from './feed';

export const DEMO_PASSWORD = 'chairside-demo-1';
export const DEMO_ROLES: readonly Role[] = ['admin', 'nurse', 'charge', 'trainer'];
export const DEMO_CHAIR_COUNT = 6;

interface DemoPatient {
  patientRef: string;
  weightKg: number;
  /** Minutes since the infusion started, or null while still before it. */
  infusingForMinutes: number | null;
}

// Fixed so that every demo looks the same and a restart seeds nothing twice.
const DEMO_PATIENTS: readonly DemoPatient[] = [
  { patientRef: 'KET-1041', weightKg: 72, infusingForMinutes: 12 },
  { patientRef: 'KET-1042', weightKg: 88, infusingForMinutes: null },
  { patientRef: 'KET-1043', weightKg: 61, infusingForMinutes: 4 },
  { patientRef: 'KET-1044', weightKg: 95, infusingForMinutes: null },
  { patientRef: 'KET-1045', weightKg: 67, infusingForMinutes: 25 },
  { patientRef: 'KET-1046', weightKg: 80, infusingForMinutes: null },
];

export interface DemoSeedResult {
  createdUsers: string[];
  createdChairs: string[];
  openedSessions: string[];
}

/**
 * Seeds the demo clinic idempotently: the four demo accounts, six chairs and an open session
 * on each (some already infusing, with a pre-infusion baseline). Anything already there is
 * left as it is.
 */
export async function seedDemoClinic(
  ctx: DomainContext,
  options: { adminPassword?: string } = {},
): Promise<DemoSeedResult> {
  const result: DemoSeedResult = { createdUsers: [], createdChairs: [], openedSessions: [] };
  const system: User = { username: 'demo-seed', role: 'admin' };

  const existingUsers = new Set((await listUsers(ctx)).map((u) => u.username));
  for (const role of DEMO_ROLES) {
    if (existingUsers.has(role)) continue;
    const password = role === 'admin' ? (options.adminPassword ?? DEMO_PASSWORD) : DEMO_PASSWORD;
    try {
      await createUser(ctx, system.username, { username: role, role, password });
      result.createdUsers.push(role);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'username_taken')) throw error;
    }
  }

  let chairs = await listChairs(ctx);
  for (let n = 1; n <= DEMO_CHAIR_COUNT; n += 1) {
    const label = `Chair ${n}`;
    if (!chairs.some((c) => c.label === label)) {
      await createChair(ctx, system.username, { label });
      result.createdChairs.push(label);
    }
  }
  chairs = await listChairs(ctx);

  for (let n = 1; n <= DEMO_CHAIR_COUNT; n += 1) {
    const chair = chairs.find((c) => c.label === `Chair ${n}`);
    const patient = DEMO_PATIENTS[n - 1];
    if (chair === undefined || patient === undefined || chair.session !== null) continue;
    const session = await createSession(ctx, system.username, chair.id, {
      patientRef: patient.patientRef,
      weightKg: patient.weightKg,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    result.openedSessions.push(patient.patientRef);
    if (patient.infusingForMinutes === null) continue;

    // Five pre-infusion readings a minute apart, so the session has a baseline to compare to.
    const startedAt = ctx.clock() - patient.infusingForMinutes * 60_000;
    const base = demoBaseline(chair.label);
    const pre: Sample[] = [5, 4, 3, 2, 1].map((minutesBefore, i) => ({
      id: `demo-pre-${session.id}-${i}`,
      at: new Date(startedAt - minutesBefore * 60_000).toISOString(),
      hr: base.hr + (i % 3) - 1,
      sbp: base.sbp + (i % 3) - 1,
      dbp: base.dbp + (i % 2),
      spo2: base.spo2,
      rr: base.rr,
      etco2: base.etco2,
      source: 'simulator',
    }));
    await ingestVitals(ctx, { username: 'trainer', role: 'trainer' }, chair.id, pre);
    await applySessionEvent(ctx, system.username, session.id, {
      type: 'infusion-started',
      at: new Date(startedAt).toISOString(),
    });
  }
  return result;
}
