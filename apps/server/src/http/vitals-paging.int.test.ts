import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Role, StoredSample } from '@chairside/core';
import { call, createChair, startTestServer, tokensForAllRoles } from '../testing/harness';
import type { TestServer } from '../testing/harness';

/**
 * Paging back through a chair's readings with `GET /chairs/{id}/vitals?beforeSeq=`, over real
 * HTTP on the real store: the table of the chair detail shows a page at a time this way.
 */

let t: TestServer;
let url: string;
let tokens: Record<Role, string>;
let chair: string;
let otherChair: string;

const BASE = Date.parse('2026-11-21T08:00:00.000Z');
/** Three readings share each millisecond (a monitor and a manual entry can), 300 in all. */
const COUNT = 300;
const atOf = (i: number) => BASE + Math.floor(i / 3) * 1000;

type Samples = { samples: StoredSample[] };
const get = (path: string) => call<Samples>(url, 'GET', path, { token: tokens.nurse });
const issues = (body: unknown) => (body as ErrorBody).error.issues ?? [];

beforeAll(async () => {
  t = await startTestServer();
  url = t.url;
  tokens = await tokensForAllRoles(url);
  chair = await createChair(url, tokens.admin, 'Paging chair');
  otherChair = await createChair(url, tokens.admin, 'Other chair');
  // Sent out of time order in three batches, so arrival order (seq) differs from `at` order.
  const all = Array.from({ length: COUNT }, (_, i) => ({
    id: `p-${String(i).padStart(3, '0')}`,
    at: atOf(i),
    hr: 60 + (i % 40),
    source: 'device',
  }));
  const shuffled = all
    .map((s, i) => ({ s, key: (i * 7919) % COUNT }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.s);
  for (let i = 0; i < COUNT; i += 100) {
    const res = await call(url, 'POST', `/chairs/${chair}/vitals`, {
      token: tokens.nurse,
      body: shuffled.slice(i, i + 100),
    });
    expect(res.status).toBe(201);
  }
  const other = await call(url, 'POST', `/chairs/${otherChair}/vitals`, {
    token: tokens.nurse,
    body: { id: 'o-1', at: BASE, hr: 70, source: 'device' },
  });
  expect(other.status).toBe(201);
});

afterAll(async () => {
  await t.stop();
});

describe('GET /chairs/{chairId}/vitals?beforeSeq (page cursor)', () => {
  it('pages back from the newest to the oldest with no reading skipped or repeated', async () => {
    const whole = await get(`/chairs/${chair}/vitals?limit=20000`);
    expect(whole.body.samples).toHaveLength(COUNT);

    // Pages of 7 split the groups of three readings that share a millisecond.
    const pages: StoredSample[][] = [];
    let page = (await get(`/chairs/${chair}/vitals?limit=7`)).body.samples;
    while (page.length > 0) {
      pages.push(page);
      const oldest = page[0]!;
      const res = await get(`/chairs/${chair}/vitals?limit=7&beforeSeq=${oldest.seq ?? ''}`);
      expect(res.status).toBe(200);
      page = res.body.samples;
    }
    expect(pages).toHaveLength(Math.ceil(COUNT / 7));
    // Each page is oldest first, like every answer of the route.
    for (const p of pages) {
      const times = p.map((s) => Date.parse(s.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // Some page boundary falls inside a millisecond: `to = oldest.at - 1` would lose readings there.
    expect(
      pages.some((p, i) => i > 0 && pages[i - 1]![0]!.at === p.at(-1)!.at),
      'a page boundary inside a millisecond',
    ).toBe(true);
    const paged = pages.toReversed().flat();
    expect(paged.map((s) => s.id)).toEqual(whole.body.samples.map((s) => s.id));
    expect(new Set(paged.map((s) => s.id)).size).toBe(COUNT);
  });

  it('keeps to the window: with `from` the last page ends at the window start', async () => {
    const from = new Date(atOf(270)).toISOString();
    const first = await get(`/chairs/${chair}/vitals?limit=20&from=${from}`);
    expect(first.body.samples).toHaveLength(20);
    const next = await get(
      `/chairs/${chair}/vitals?limit=20&from=${from}&beforeSeq=${first.body.samples[0]!.seq ?? ''}`,
    );
    // 30 readings from `from` on: 20, then the remaining 10.
    expect(next.body.samples).toHaveLength(10);
    expect(next.body.samples[0]!.at).toBe(from);
    // `to` still applies with the cursor.
    const to = new Date(atOf(279)).toISOString();
    const capped = await get(
      `/chairs/${chair}/vitals?from=${from}&to=${to}&beforeSeq=${first.body.samples.at(-1)!.seq ?? ''}`,
    );
    expect(capped.body.samples.map((s) => Date.parse(s.at))).toEqual(
      Array.from({ length: 30 }, (_, i) => atOf(270 + i)).filter((ms) => ms <= Date.parse(to)),
    );
  });

  it('refuses a cursor that is not a whole number, or no sample of this chair, naming beforeSeq', async () => {
    const others = await call<Samples>(url, 'GET', `/chairs/${otherChair}/vitals`, {
      token: tokens.nurse,
    });
    const foreign = others.body.samples[0]!.seq!;
    for (const [value, message] of [
      ['abc', 'beforeSeq must be a whole number (the seq of a sample)'],
      ['-3', 'beforeSeq must be a whole number (the seq of a sample)'],
      ['1.5', 'beforeSeq must be a whole number (the seq of a sample)'],
      ['', 'beforeSeq must be a whole number (the seq of a sample)'],
      ['0', 'beforeSeq must be at least 1'],
      ['9999999999999999', 'beforeSeq is too large'],
      [String(foreign), `no sample of chair "${chair}" has seq ${foreign}`],
    ] as const) {
      const res = await get(`/chairs/${chair}/vitals?beforeSeq=${value}`);
      expect(res.status, value).toBe(400);
      expect((res.body as unknown as ErrorBody).error.code, value).toBe('validation_failed');
      expect(issues(res.body), value).toEqual([{ path: 'beforeSeq', message }]);
    }
    // A repeated parameter is not a cursor either.
    const twice = await get(`/chairs/${chair}/vitals?beforeSeq=5&beforeSeq=6`);
    expect(twice.status).toBe(400);
    expect(issues(twice.body).map((i) => i.path)).toEqual(['beforeSeq']);
  });

  it('still answers 404 for an unknown chair and 401 without a token', async () => {
    expect((await get('/chairs/nope/vitals?beforeSeq=1')).status).toBe(404);
    expect((await call(url, 'GET', `/chairs/${chair}/vitals?beforeSeq=1`)).status).toBe(401);
  });
});
