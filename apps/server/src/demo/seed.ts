import type { Role, User } from '@chairside/core';
import type { DomainContext } from '../domain/context';
import { listChairs, createChair } from '../domain/chairs';
import { DomainError } from '../domain/errors';
import { createSession } from '../domain/sessions';
import { createUser, listUsers } from '../domain/users';

export const DEMO_PASSWORD = 'chairside-demo-1';
export const DEMO_ROLES: readonly Role[] = ['admin', 'nurse', 'charge', 'trainer'];
export const DEMO_CHAIR_COUNT = 6;

export interface DemoPatient {
  patientRef: string;
  weightKg: number;
}

// Fixed so that every demo looks the same and a restart seeds nothing twice.
export const DEMO_PATIENTS: readonly DemoPatient[] = [
  { patientRef: 'KET-1041', weightKg: 72 },
  { patientRef: 'KET-1042', weightKg: 88 },
  { patientRef: 'KET-1043', weightKg: 61 },
  { patientRef: 'KET-1044', weightKg: 95 },
  { patientRef: 'KET-1045', weightKg: 67 },
  { patientRef: 'KET-1046', weightKg: 80 },
];

export interface DemoSeedResult {
  createdUsers: string[];
  createdChairs: string[];
  openedSessions: string[];
}

/**
 * Seeds the demo clinic idempotently: the four demo accounts, six chairs and an open session
 * on each, before the infusion. The training simulator (demo/simulation.ts) then plays a
 * scenario on each chair and moves its session with the simulated pump. Anything already
 * there is left as it is.
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
    await createSession(ctx, system.username, chair.id, {
      patientRef: patient.patientRef,
      weightKg: patient.weightKg,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    result.openedSessions.push(patient.patientRef);
  }
  return result;
}
