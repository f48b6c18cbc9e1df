import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext } from './auth';
import { login } from './auth';
import { listAudit } from './audit';
import { createChair } from './chairs';
import { createSession, applySessionEvent } from './sessions';
import { createUser } from './users';
import { createTestContext, testClock } from '../testing/context';

let ctx: AuthContext;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ ctx, dispose } = await createTestContext(testClock(Date.parse('2026-11-21T09:00:00.000Z'))));
});
afterEach(async () => {
  await dispose();
});

describe('audit trail', () => {
  it('records who did what and when, newest first', async () => {
    await createUser(ctx, 'admin', { username: 'nurse1', password: 'nurse-pass-1', role: 'nurse' });
    await login(ctx, { username: 'nurse1', password: 'nurse-pass-1' });
    await expect(
      login(ctx, { username: 'nurse1', password: 'wrong-pass-1' }),
    ).rejects.toMatchObject({ status: 401 });
    const chair = await createChair(ctx, 'admin', { label: 'Chair 1' });
    const session = await createSession(ctx, 'nurse1', chair.id, {
      patientRef: 'KET-1',
      weightKg: 70,
      doseMgPerKg: 0.5,
      plannedMinutes: 40,
    });
    await applySessionEvent(ctx, 'nurse1', session.id, { type: 'infusion-started' });
    const entries = await listAudit(ctx.db);
    expect(entries.map((e) => [e.who, e.action])).toEqual([
      ['nurse1', 'session.infusion-started'],
      ['nurse1', 'session.created'],
      ['admin', 'chair.created'],
      ['nurse1', 'auth.login-failed'],
      ['nurse1', 'auth.login'],
      ['admin', 'user.created'],
    ]);
    expect(entries[0]).toMatchObject({
      at: '2026-11-21T09:00:00.000Z',
      detail: { sessionId: session.id, from: 'pre-infusion', to: 'infusing' },
    });
    expect(JSON.stringify(entries)).not.toContain('nurse-pass-1');
  });
});
