import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AldreteRecord, ErrorBody, Role, Session } from '@chairside/core';
import { listAudit } from '../domain/audit';
import { call, createChair, startTestServer, tokensForAllRoles } from '../testing/harness';
import type { TestServer } from '../testing/harness';

/** Discharge with the modified Aldrete score (CLINICAL.md section 4), over real HTTP. */

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;

const READY: AldreteRecord = {
  activity: 2,
  respiration: 2,
  circulation: 1,
  consciousness: 2,
  spo2: 2,
  total: 9,
};

beforeAll(async () => {
  t = await startTestServer();
  url = t.url;
  tokens = await tokensForAllRoles(url);
});

afterAll(async () => {
  await t.stop();
});

/** A session on a new chair, infused and stopped: the patient is in recovery. */
async function sessionInRecovery(label: string): Promise<string> {
  const chair = await createChair(url, tokens.admin, label);
  const created = await call<{ session: Session }>(url, 'POST', `/chairs/${chair}/sessions`, {
    token: tokens.nurse,
    body: { patientRef: `KET-${label}`, weightKg: 70, doseMgPerKg: 0.5, plannedMinutes: 40 },
  });
  expect(created.status).toBe(201);
  const id = created.body.session.id;
  for (const type of ['infusion-started', 'infusion-stopped']) {
    const res = await call(url, 'POST', `/sessions/${id}/events`, {
      token: tokens.nurse,
      body: { type },
    });
    expect(res.status).toBe(200);
  }
  return id;
}

const discharge = (sessionId: string, body: Record<string, unknown>, token = tokens.nurse) =>
  call<{ session: Session }>(url, 'POST', `/sessions/${sessionId}/events`, {
    token,
    body: { type: 'discharged', ...body },
  });

describe('discharge with the modified Aldrete score', () => {
  it('stores the score with the discharge event, returns it and audits who and when', async () => {
    const id = await sessionInRecovery('A1');
    const res = await discharge(id, { aldrete: READY }, tokens.charge);
    expect(res.status).toBe(200);
    expect(res.body.session.state).toBe('discharged');
    expect(res.body.session.events.at(-1)).toEqual({
      type: 'discharged',
      at: expect.any(String) as string,
      by: 'charge1',
      aldrete: READY,
    });
    // The other events carry no score.
    expect(res.body.session.events.slice(0, -1).map((e) => 'aldrete' in e)).toEqual([false, false]);

    const read = await call<{ session: Session }>(url, 'GET', `/sessions/${id}`, {
      token: tokens.trainer,
    });
    expect(read.body.session.events.at(-1)?.aldrete).toEqual(READY);

    const audit = await listAudit(t.server.db, 20);
    const entry = audit.find(
      (a) =>
        a.action === 'session.discharged' && (a.detail as { sessionId: string }).sessionId === id,
    );
    expect(entry).toMatchObject({
      who: 'charge1',
      at: res.body.session.events.at(-1)?.at,
      detail: { sessionId: id, from: 'recovery', to: 'discharged', aldrete: READY },
    });
  });

  it('refuses a total below 9 with 409 and a clear message, and the patient stays in recovery', async () => {
    const id = await sessionInRecovery('A2');
    const low = { ...READY, spo2: 1, total: 8 };
    const res = await discharge(id, { aldrete: low });
    expect(res.status).toBe(409);
    expect((res.body as unknown as ErrorBody).error).toEqual({
      code: 'aldrete_below_discharge_minimum',
      message:
        'discharge refused: modified Aldrete 8/10 is below 9, the minimum for discharge (Circulation 1, SpO2 1); keep the patient in recovery and score again',
    });
    // Any item at 0 is refused too (it cannot reach 9).
    const zero = await discharge(id, {
      aldrete: { activity: 0, respiration: 2, circulation: 2, consciousness: 2, spo2: 2, total: 8 },
    });
    expect(zero.status).toBe(409);
    expect((zero.body as unknown as ErrorBody).error.message).toContain('Activity 0');

    const read = await call<{ session: Session }>(url, 'GET', `/sessions/${id}`, {
      token: tokens.nurse,
    });
    expect(read.body.session.state).toBe('recovery');
    expect(read.body.session.events.map((e) => e.type)).toEqual([
      'infusion-started',
      'infusion-stopped',
    ]);
    const audit = await listAudit(t.server.db, 50);
    expect(
      audit.filter(
        (a) =>
          a.action === 'session.discharged' && (a.detail as { sessionId: string }).sessionId === id,
      ),
    ).toEqual([]);

    // Scored again later and ready: discharged.
    expect((await discharge(id, { aldrete: { ...READY, circulation: 2, total: 10 } })).status).toBe(
      200,
    );
  });

  it('audits a refused discharge with who, when, the session and the score; the 409 is unchanged', async () => {
    const id = await sessionInRecovery('A6');
    const chairId = (
      await call<{ session: Session }>(url, 'GET', `/sessions/${id}`, { token: tokens.nurse })
    ).body.session.chairId;
    const low: AldreteRecord = { ...READY, consciousness: 1, total: 8 };
    const before = Date.now();
    const res = await discharge(id, { aldrete: low }, tokens.nurse);
    const after = Date.now();
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: {
        code: 'aldrete_below_discharge_minimum',
        message:
          'discharge refused: modified Aldrete 8/10 is below 9, the minimum for discharge (Circulation 1, Consciousness 1); keep the patient in recovery and score again',
      },
    });

    const refusals = (await listAudit(t.server.db, 50)).filter(
      (a) =>
        a.action === 'session.discharge-refused' &&
        (a.detail as { sessionId: string }).sessionId === id,
    );
    expect(refusals).toHaveLength(1);
    const entry = refusals[0]!;
    expect(entry).toEqual({
      who: 'nurse1',
      at: expect.any(String) as string,
      action: 'session.discharge-refused',
      detail: {
        sessionId: id,
        chairId,
        patientRef: 'KET-A6',
        state: 'recovery',
        aldrete: low,
        reason:
          'modified Aldrete 8/10 is below 9, the minimum for discharge (Circulation 1, Consciousness 1); keep the patient in recovery and score again',
      },
    });
    // When: the server's time of the attempt.
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(entry.at)).toBeLessThanOrEqual(after + 1000);

    // Only the refusal was kept: the session did not move and no discharge was recorded.
    const read = await call<{ session: Session }>(url, 'GET', `/sessions/${id}`, {
      token: tokens.nurse,
    });
    expect(read.body.session.state).toBe('recovery');
    expect(read.body.session.events.map((e) => e.type)).toEqual([
      'infusion-started',
      'infusion-stopped',
    ]);

    // Each attempt is its own entry, with its own score and author.
    const zero: AldreteRecord = { ...READY, activity: 0, circulation: 2, total: 8 };
    expect((await discharge(id, { aldrete: zero }, tokens.charge)).status).toBe(409);
    const both = (await listAudit(t.server.db, 50)).filter(
      (a) =>
        a.action === 'session.discharge-refused' &&
        (a.detail as { sessionId: string }).sessionId === id,
    );
    expect(both.map((a) => [a.who, (a.detail as { aldrete: AldreteRecord }).aldrete])).toEqual([
      ['charge1', zero],
      ['nurse1', low],
    ]);

    // A refusal for another reason (an impossible transition) is not a refused discharge.
    const discharged = await sessionInRecovery('A7');
    expect((await discharge(discharged, { aldrete: READY })).status).toBe(200);
    expect((await discharge(discharged, { aldrete: low })).status).toBe(409);
    expect(
      (await listAudit(t.server.db, 50)).filter(
        (a) =>
          a.action === 'session.discharge-refused' &&
          (a.detail as { sessionId: string }).sessionId === discharged,
      ),
    ).toEqual([]);
  });

  it('answers 400 naming the field for a malformed score', async () => {
    const id = await sessionInRecovery('A3');
    const wrongTotal = await discharge(id, { aldrete: { ...READY, total: 10 } });
    expect(wrongTotal.status).toBe(400);
    expect((wrongTotal.body as unknown as ErrorBody).error.issues).toEqual([
      { path: 'aldrete.total', message: 'total 10 is not the sum of the five items (9)' },
    ]);
    const outOfRange = await discharge(id, { aldrete: { ...READY, activity: 3 } });
    expect(outOfRange.status).toBe(400);
    expect((outOfRange.body as unknown as ErrorBody).error.issues?.map((i) => i.path)).toEqual([
      'aldrete.activity',
    ]);
    const notWithStop = await call(url, 'POST', `/sessions/${id}/events`, {
      token: tokens.nurse,
      body: { type: 'infusion-paused', aldrete: READY },
    });
    expect(notWithStop.status).toBe(400);
  });

  it('still discharges without a score (contract v1), and a trainer may not discharge', async () => {
    const id = await sessionInRecovery('A4');
    expect((await discharge(id, { aldrete: READY }, tokens.trainer)).status).toBe(403);
    const res = await discharge(id, {});
    expect(res.status).toBe(200);
    expect(res.body.session.events.at(-1)).toEqual({
      type: 'discharged',
      at: expect.any(String) as string,
      by: 'nurse1',
    });
  });

  it('keeps the score across a restart of the server', async () => {
    const id = await sessionInRecovery('A5');
    expect((await discharge(id, { aldrete: READY })).status).toBe(200);
    await t.stop({ keepData: true });
    t = await startTestServer({ dataDir: t.dataDir });
    url = t.url;
    tokens = await tokensForAllRoles(url);
    const read = await call<{ session: Session }>(url, 'GET', `/sessions/${id}`, {
      token: tokens.nurse,
    });
    expect(read.body.session.events.at(-1)).toMatchObject({ by: 'nurse1', aldrete: READY });
  });
});
