import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_RULES } from '@chairside/core';
import type { AlertRecord, AuditEntry, AuditPage, ErrorBody, Role, Session } from '@chairside/core';
import { recordAudit } from '../domain/audit';
import { testClock } from '../testing/context';
import { call, createChair, startTestServer, tokensForAllRoles } from '../testing/harness';
import type { TestServer } from '../testing/harness';

/**
 * `GET /audit` over real HTTP on the real store (SQLite here, PostgreSQL in server-pg): a
 * clinic morning done through the API, then read back by the charge nurse and the admin.
 */

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const clock = testClock(T0);
const iso = (ms: number): string => new Date(ms).toISOString();
const min = (m: number): number => T0 + m * 60_000;

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;
let chairA = '';
let chairB = '';
let sessionA = '';
let sessionB = '';
let alertId = '';

const get = (path: string, role: Role = 'charge') =>
  call<AuditPage>(url, 'GET', path, { token: tokens[role] });
const errorOf = (body: unknown) => (body as ErrorBody).error;
const pairs = (entries: AuditEntry[]) => entries.map((e) => [e.actor, e.action]);

async function ok<T>(res: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  t = await startTestServer({ clock });
  url = t.url;
  // 08:00 admin signs in and creates nurse1, charge1, trainer1, who sign in.
  tokens = await tokensForAllRoles(url);

  clock.set(min(1));
  chairA = await createChair(url, tokens.admin, 'Chair 1');
  chairB = await createChair(url, tokens.admin, 'Chair 2');

  clock.set(min(2));
  const body = (ref: string) => ({
    patientRef: ref,
    weightKg: 70,
    doseMgPerKg: 0.5,
    plannedMinutes: 40,
  });
  sessionA = (
    await ok(
      call<{ session: Session }>(url, 'POST', `/chairs/${chairA}/sessions`, {
        token: tokens.nurse,
        body: body('KET-0001'),
      }),
      201,
    )
  ).session.id;
  sessionB = (
    await ok(
      call<{ session: Session }>(url, 'POST', `/chairs/${chairB}/sessions`, {
        token: tokens.charge,
        body: body('KET-0002'),
      }),
      201,
    )
  ).session.id;

  clock.set(min(3));
  await ok(
    call(url, 'POST', `/sessions/${sessionA}/events`, {
      token: tokens.nurse,
      body: { type: 'infusion-started' },
    }),
  );

  // 08:04 a manual SpO2 of 86 on chair 1 raises a high alarm; the nurse acknowledges it.
  clock.set(min(4));
  await ok(
    call(url, 'POST', `/chairs/${chairA}/vitals`, {
      token: tokens.nurse,
      body: { id: 'm-1', at: iso(min(4)), source: 'manual', spo2: 86 },
    }),
    201,
  );
  await t.server.alarms.idle();
  const alerts = await ok(
    call<{ alerts: AlertRecord[] }>(url, 'GET', `/alerts?chairId=${chairA}`, {
      token: tokens.nurse,
    }),
  );
  expect(alerts.alerts.map((a) => a.message)).toEqual(['SpO2 86 < 90']);
  alertId = alerts.alerts[0]?.id ?? '';
  clock.set(min(5));
  await ok(call(url, 'POST', `/alerts/${alertId}/acknowledge`, { token: tokens.nurse }));

  // 08:06 the charge nurse lowers the clinic's SpO2 warning limit.
  clock.set(min(6));
  const rules = structuredClone(DEFAULT_ALARM_RULES);
  if (rules.limits.spo2.low !== null) rules.limits.spo2.low.medium = 93;
  await ok(call(url, 'PUT', '/alarm-rules', { token: tokens.charge, body: rules }));

  // 08:07 chair 2 through recovery; a discharge at Aldrete 7 is refused.
  clock.set(min(7));
  for (const type of ['infusion-started', 'infusion-stopped']) {
    await ok(
      call(url, 'POST', `/sessions/${sessionB}/events`, { token: tokens.charge, body: { type } }),
    );
  }
  clock.set(min(8));
  const refused = await call(url, 'POST', `/sessions/${sessionB}/events`, {
    token: tokens.nurse,
    body: {
      type: 'discharged',
      aldrete: { activity: 1, respiration: 2, circulation: 1, consciousness: 1, spo2: 2, total: 7 },
    },
  });
  expect(refused.status).toBe(409);

  // 08:09 someone types a name that does not exist.
  clock.set(min(9));
  expect(
    (await call(url, 'POST', '/auth/login', { body: { username: 'nobody', password: 'x' } }))
      .status,
  ).toBe(401);
});

afterAll(async () => {
  await t.stop();
});

/** The morning above, newest first. */
const MORNING: [string, string][] = [
  ['nobody', 'auth.login-failed'],
  ['nurse1', 'session.discharge-refused'],
  ['charge1', 'session.infusion-stopped'],
  ['charge1', 'session.infusion-started'],
  ['charge1', 'alarm-rules.clinic.updated'],
  ['nurse1', 'alert.acknowledged'],
  ['nurse1', 'session.infusion-started'],
  ['charge1', 'session.created'],
  ['nurse1', 'session.created'],
  ['admin', 'chair.created'],
  ['admin', 'chair.created'],
  ['trainer1', 'auth.login'],
  ['admin', 'user.created'],
  ['charge1', 'auth.login'],
  ['admin', 'user.created'],
  ['nurse1', 'auth.login'],
  ['admin', 'user.created'],
  ['admin', 'auth.login'],
  // The first start of the server creates `admin` (ADMIN_PASSWORD).
  ['system', 'user.created'],
];

describe('GET /audit: who may read it', () => {
  it('answers the charge nurse and the admin', async () => {
    for (const role of ['charge', 'admin'] as const) {
      const page = await ok(get('/audit', role));
      expect(pairs(page.entries)).toEqual(MORNING);
    }
  });

  it('refuses nurses and trainers with 403 forbidden, and a missing token with 401', async () => {
    for (const role of ['nurse', 'trainer'] as const) {
      const res = await get('/audit', role);
      expect(res.status).toBe(403);
      expect(errorOf(res.body)).toEqual({
        code: 'forbidden',
        message: `role "${role}" may not do this (needs permission audit:read)`,
      });
    }
    const anonymous = await call(url, 'GET', '/audit');
    expect(anonymous.status).toBe(401);
    expect(errorOf(anonymous.body).code).toBe('unauthorized');
  });
});

describe('GET /audit: entries', () => {
  it('lists newest first, each with seq, time, actor, action and the recorded details', async () => {
    const page = await ok(get('/audit'));
    expect(page.nextBeforeSeq).toBeNull();
    const times = page.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.entries[0]).toEqual({
      seq: expect.any(Number) as number,
      at: iso(min(9)),
      actor: 'nobody',
      action: 'auth.login-failed',
      details: { knownUser: false },
    });
    // Recorded in this order: seq falls as the list goes back in time.
    const seqs = page.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const ack = page.entries.find((e) => e.action === 'alert.acknowledged');
    expect(ack).toEqual({
      seq: expect.any(Number) as number,
      at: iso(min(5)),
      actor: 'nurse1',
      action: 'alert.acknowledged',
      details: {
        alertId,
        chairId: chairA,
        sessionId: sessionA,
        priority: 'high',
        message: 'SpO2 86 < 90',
      },
    });
    const refused = page.entries.find((e) => e.action === 'session.discharge-refused');
    expect(refused?.at).toBe(iso(min(8)));
    expect(refused?.details).toMatchObject({
      sessionId: sessionB,
      chairId: chairB,
      patientRef: 'KET-0002',
      state: 'recovery',
      aldrete: { total: 7 },
    });
    const limits = page.entries.find((e) => e.action === 'alarm-rules.clinic.updated');
    expect(limits?.details).toMatchObject({
      version: 1,
      old: { limits: { spo2: { low: { medium: 94 } } } },
      new: { limits: { spo2: { low: { medium: 93 } } } },
    });
  });
});

describe('GET /audit: filters', () => {
  it('actor: one username, exactly', async () => {
    const page = await ok(get('/audit?actor=nurse1'));
    expect(pairs(page.entries)).toEqual(MORNING.filter(([who]) => who === 'nurse1'));
    expect((await ok(get('/audit?actor=nurse'))).entries).toEqual([]);
  });

  it('action: exactly one action', async () => {
    const page = await ok(get('/audit?action=alert.acknowledged'));
    expect(pairs(page.entries)).toEqual([['nurse1', 'alert.acknowledged']]);
    const created = await ok(get('/audit?action=user.created'));
    expect(created.entries.map((e) => e.details['username'])).toEqual([
      'trainer1',
      'charge1',
      'nurse1',
      'admin',
    ]);
    expect((await ok(get('/audit?action=alert'))).entries).toEqual([]);
  });

  it('chairId and sessionId: the entries whose details name that chair or session', async () => {
    const chair = await ok(get(`/audit?chairId=${chairA}`));
    expect(pairs(chair.entries)).toEqual([
      ['nurse1', 'alert.acknowledged'],
      ['nurse1', 'session.infusion-started'],
      ['nurse1', 'session.created'],
      ['admin', 'chair.created'],
    ]);
    expect(chair.entries.every((e) => e.details['chairId'] === chairA)).toBe(true);

    const session = await ok(get(`/audit?sessionId=${sessionB}`));
    expect(pairs(session.entries)).toEqual([
      ['nurse1', 'session.discharge-refused'],
      ['charge1', 'session.infusion-stopped'],
      ['charge1', 'session.infusion-started'],
      ['charge1', 'session.created'],
    ]);
  });

  it('from and to: an inclusive window, as ISO-8601 or epoch milliseconds', async () => {
    const expected = [
      ['charge1', 'alarm-rules.clinic.updated'],
      ['nurse1', 'alert.acknowledged'],
    ];
    const byIso = await ok(get(`/audit?from=${iso(min(5))}&to=${iso(min(6))}`));
    expect(pairs(byIso.entries)).toEqual(expected);
    const byMs = await ok(get(`/audit?from=${min(5)}&to=${min(6)}`));
    expect(pairs(byMs.entries)).toEqual(expected);
    const offset = await ok(get(`/audit?from=${encodeURIComponent('2026-11-21T09:05:00+01:00')}`));
    expect(offset.entries.map((e) => e.at)).toEqual([
      iso(min(9)),
      iso(min(8)),
      iso(min(7)),
      iso(min(7)),
      iso(min(6)),
      iso(min(5)),
    ]);
    expect(pairs((await ok(get(`/audit?to=${min(1) - 1}`))).entries)).toEqual(MORNING.slice(-8));
  });

  it('combines filters (all must hold) and honours limit', async () => {
    const both = await ok(get(`/audit?actor=charge1&chairId=${chairB}&from=${iso(min(7))}`));
    expect(pairs(both.entries)).toEqual([
      ['charge1', 'session.infusion-stopped'],
      ['charge1', 'session.infusion-started'],
    ]);
    const limited = await ok(get('/audit?limit=3'));
    expect(pairs(limited.entries)).toEqual(MORNING.slice(0, 3));
    expect(limited.nextBeforeSeq).toBe(limited.entries[2]?.seq);
  });
});

describe('GET /audit: 400 validation_failed naming the field', () => {
  const cases: [query: string, path: string, message: RegExp][] = [
    ['from=yesterday', 'from', /ISO-8601/],
    ['to=2026-13-45', 'to', /ISO-8601/],
    [`from=${min(6)}&to=${min(5)}`, 'from', /from must not be after to/],
    ['actor=', 'actor', /actor must not be empty/],
    ['actor=a&actor=b', 'actor', /actor must be one username/],
    ['action=Drop%20table', 'action', /action must be an action name/],
    ['chairId=', 'chairId', /chairId must not be empty/],
    ['sessionId=', 'sessionId', /sessionId must not be empty/],
    ['limit=0', 'limit', /limit must be at least 1/],
    ['limit=1001', 'limit', /limit must be at most 1000/],
    ['limit=ten', 'limit', /limit must be a whole number/],
    ['beforeSeq=-1', 'beforeSeq', /beforeSeq must be a whole number/],
    ['beforeSeq=0', 'beforeSeq', /beforeSeq must be at least 1/],
    ['beforeSeq=99999999', 'beforeSeq', /no audit entry has seq 99999999/],
    ['who=nurse1', 'who', /unknown field "who"/],
  ];
  it.each(cases)('?%s is refused naming %s', async (query, path, message) => {
    const res = await get(`/audit?${query}`);
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('validation_failed');
    expect(error.issues?.map((i) => i.path)).toEqual([path]);
    expect(error.issues?.[0]?.message).toMatch(message);
    expect(error.message).toContain(`invalid audit query at ${path}`);
  });
});

describe('GET /audit: paging back with beforeSeq', () => {
  const BULK_AT = min(60);
  const BULK = 230;
  beforeAll(async () => {
    // 230 more entries, three to a millisecond, so a page boundary falls inside a millisecond.
    await t.server.db.transaction().execute(async (trx) => {
      for (let i = 0; i < BULK; i++) {
        await recordAudit(trx, {
          who: `bulk${i % 2}`,
          at: BULK_AT + Math.floor(i / 3),
          action: 'auth.login',
          detail: { role: 'nurse', n: i },
        });
      }
    });
  });

  it('gives 200 entries by default and the cursor of the next page', async () => {
    const page = await ok(get('/audit'));
    expect(page.entries).toHaveLength(200);
    expect(page.entries[0]?.details['n']).toBe(BULK - 1);
    expect(page.nextBeforeSeq).toBe(page.entries[199]?.seq);
  });

  it('walks back to the first entry with nothing skipped or repeated', async () => {
    const whole = await ok(get('/audit?limit=1000'));
    expect(whole.entries).toHaveLength(BULK + MORNING.length);
    expect(whole.nextBeforeSeq).toBeNull();

    const seen: AuditEntry[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page: AuditPage = await ok(
        get(`/audit?limit=7${cursor === null ? '' : `&beforeSeq=${cursor}`}`),
      );
      expect(page.entries.length).toBeLessThanOrEqual(7);
      seen.push(...page.entries);
      cursor = page.nextBeforeSeq;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(whole.entries.length / 7));
    expect(seen).toEqual(whole.entries);
    expect(pairs(seen.slice(-MORNING.length))).toEqual(MORNING);
  });

  it('pages within a filter, the cursor keeping its place', async () => {
    const all = (await ok(get('/audit?actor=bulk1&limit=1000'))).entries;
    expect(all).toHaveLength(BULK / 2);
    const first = await ok(get('/audit?actor=bulk1&limit=50'));
    const second = await ok(
      get(`/audit?actor=bulk1&limit=50&beforeSeq=${first.nextBeforeSeq ?? ''}`),
    );
    const third = await ok(
      get(`/audit?actor=bulk1&limit=50&beforeSeq=${second.nextBeforeSeq ?? ''}`),
    );
    expect(third.entries).toHaveLength(15);
    expect(third.nextBeforeSeq).toBeNull();
    expect([...first.entries, ...second.entries, ...third.entries]).toEqual(all);
    expect(all.every((e) => e.actor === 'bulk1')).toBe(true);
  });
});

describe('GET /audit in the OpenAPI document', () => {
  it('lists the route with its filters, its roles and the entry schema', async () => {
    const doc = await ok(
      call<{
        paths: Record<string, { get?: { summary: string; parameters: { name: string }[] } }>;
        components: { schemas: Record<string, { required?: string[] }> };
      }>(url, 'GET', '/openapi.json'),
    );
    const route = doc.paths['/audit']?.get;
    expect(route?.summary).toContain('(charge, admin)');
    expect(route?.parameters.map((p) => p.name)).toEqual([
      'from',
      'to',
      'actor',
      'action',
      'chairId',
      'sessionId',
      'limit',
      'beforeSeq',
    ]);
    expect(doc.components.schemas['AuditEntry']?.required).toEqual([
      'seq',
      'at',
      'actor',
      'action',
      'details',
    ]);
  });
});
