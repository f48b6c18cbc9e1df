import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '@chairside/core';
import type { AlertRecord, Role } from '@chairside/core';
import {
  listPhysioNetRecords,
  readPhysioNetRecord,
  replayPhysioNetRecord,
} from '@chairside/simulator';
import type { Rejection } from '@chairside/simulator';
import { testClock } from '../testing/context';
import {
  askSubscribe,
  call,
  collect,
  connectSocket,
  createChair,
  startTestServer,
  tokensForAllRoles,
  waitFor,
} from '../testing/harness';
import type { TestServer, TestSocket } from '../testing/harness';

/**
 * All 200 real ICU stays of PhysioNet 2012 set a, time-compressed (an hour of stay in a minute
 * of sample time) through the public HTTP ingest of a real server, one chair per record, as a
 * trainer's simulator feed. No sessions are opened: these are physiological alarms only.
 */

const DATA_DIR =
  process.env['CHAIRSIDE_PHYSIONET_DIR'] ??
  fileURLToPath(new URL('../../../../../shared/data/physionet-2012-set-a', import.meta.url));
const HAVE_DATA = existsSync(DATA_DIR);
if (!HAVE_DATA)
  console.warn(
    `\n*** PhysioNet replay SKIPPED: ${DATA_DIR} does not exist (set CHAIRSIDE_PHYSIONET_DIR) ***\n`,
  );

const START = Date.parse('2026-11-20T06:00:00.000Z');
const COMPRESSION = 60;
// Every replayed sample lies in the past of the server clock (a 48 h stay is 48 min here).
const clock = testClock(START + 3 * 3_600_000);
const BATCH = 500;
const PARALLEL_RECORDS = 8;

let t: TestServer;
let tokens: Record<Role, string>;
let watcher: TestSocket;

beforeAll(async () => {
  if (!HAVE_DATA) return;
  t = await startTestServer({ clock });
  tokens = await tokensForAllRoles(t.url);
  watcher = await connectSocket(t.url, tokens.charge);
  expect(await askSubscribe(watcher, {})).toMatchObject({ ok: true });
});
afterAll(async () => {
  if (!HAVE_DATA) return;
  watcher.close();
  await t.stop();
});

interface RecordOutcome {
  recordId: string;
  chairId: string;
  samples: number;
  rejected: Rejection[];
  statuses: number[];
}

async function replayOne(path: string): Promise<RecordOutcome> {
  const record = await readPhysioNetRecord(path);
  const replay = replayPhysioNetRecord(record, { startAtMs: START, compression: COMPRESSION });
  const chairId = await createChair(t.url, tokens.admin, `ICU ${record.recordId}`);
  const statuses: number[] = [];
  for (let i = 0; i < replay.samples.length; i += BATCH) {
    const res = await call(t.url, 'POST', `/chairs/${chairId}/vitals`, {
      token: tokens.trainer,
      body: replay.samples.slice(i, i + BATCH),
    });
    statuses.push(res.status);
  }
  return {
    recordId: record.recordId,
    chairId,
    samples: replay.samples.length,
    rejected: replay.rejected,
    statuses,
  };
}

describe.skipIf(!HAVE_DATA)('PhysioNet 2012 set a through the public ingest', () => {
  it('replays all 200 records: no 5xx, implausible values refused with reasons, sane alerts', async () => {
    const seenAlerts = collect(watcher, 'alert');
    const paths = await listPhysioNetRecords(DATA_DIR);
    expect(paths).toHaveLength(200);

    const outcomes: RecordOutcome[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < paths.length; i = next++) {
        const path = paths[i];
        if (path !== undefined) outcomes.push(await replayOne(path));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_RECORDS }, worker));
    await t.server.alarms.idle();

    const statuses = outcomes.flatMap((o) => o.statuses);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const totalSamples = outcomes.reduce((n, o) => n + o.samples, 0);
    expect(totalSamples).toBeGreaterThan(10_000);

    // What the replay refused, the server refuses too, naming the field and the reason.
    const rejections = outcomes.flatMap((o) =>
      o.rejected.map((r) => ({ ...r, chairId: o.chairId })),
    );
    expect(rejections.length).toBeGreaterThan(0);
    for (const r of rejections.filter((x) => x.rule !== 'dbp-not-below-sbp').slice(0, 25)) {
      const res = await call<{
        error: { code: string; issues: { path: string; message: string }[] };
      }>(t.url, 'POST', `/chairs/${r.chairId}/vitals`, {
        token: tokens.trainer,
        body: [{ at: new Date(START).toISOString(), source: 'simulator', [r.field]: r.value }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toContainEqual({ path: `0.${r.field}`, message: r.reason });
    }

    const alerts: AlertRecord[] = [];
    for (const o of outcomes) {
      const res = await call<{ alerts: AlertRecord[] }>(
        t.url,
        'GET',
        `/alerts?chairId=${o.chairId}&limit=5000`,
        { token: tokens.charge },
      );
      expect(res.status).toBe(200);
      alerts.push(...res.body.alerts);
    }
    expect(alerts.length).toBeGreaterThan(0);

    // Every alert names its value and limit; none ends before it began; replay time only.
    for (const a of alerts) {
      expect(a.kind).toBe('physiological');
      expect(a.sessionId).toBeNull();
      expect(a.value).not.toBeNull();
      expect(a.limit).not.toBeNull();
      expect(a.message).toContain(formatNumber(a.value ?? NaN));
      expect(a.message).toContain(formatNumber(a.limit ?? NaN));
      if (a.clearedAt !== null)
        expect(Date.parse(a.clearedAt)).toBeGreaterThanOrEqual(Date.parse(a.raisedAt));
      expect(Date.parse(a.raisedAt)).toBeGreaterThanOrEqual(START);
      expect(Date.parse(a.raisedAt)).toBeLessThan(START + 3 * 3_600_000);
    }

    // The change log: each alert starts with its raise, and nothing but an acknowledgment
    // follows its clearing (an alert is never raised again after it cleared).
    const changes = await t.server.db
      .selectFrom('alert_changes')
      .select(['alert_id', 'type'])
      .orderBy('seq')
      .execute();
    const byAlert = new Map<string, string[]>();
    for (const c of changes) byAlert.set(c.alert_id, [...(byAlert.get(c.alert_id) ?? []), c.type]);
    expect(byAlert.size).toBe(alerts.length);
    for (const types of byAlert.values()) {
      expect(types[0]).toBe('raised');
      expect(types.filter((x) => x === 'raised')).toHaveLength(1);
      const cleared = types.indexOf('cleared');
      if (cleared !== -1) expect(types.slice(cleared + 1)).toEqual([]);
    }
    // Every stored change reached the watching client as an `alert` event.
    await waitFor(() => seenAlerts.length >= changes.length, 10_000, 'alert events');
    expect(new Set(seenAlerts.map((e) => e.alert.id)).size).toBe(alerts.length);

    const table = new Map<string, number>();
    for (const a of alerts) {
      const key = `${a.parameter.padEnd(8)} ${a.priority.padEnd(7)} ${a.kind.padEnd(14)} ${a.rule ?? ''}`;
      table.set(key, (table.get(key) ?? 0) + 1);
    }
    const byRule = new Map<string, number>();
    for (const r of rejections)
      byRule.set(`${r.field} ${r.rule}`, (byRule.get(`${r.field} ${r.rule}`) ?? 0) + 1);
    console.log(
      [
        '',
        `PhysioNet replay: ${outcomes.length} records, ${totalSamples} samples accepted, ${rejections.length} values refused, ${alerts.length} alerts (${alerts.filter((a) => a.state !== 'cleared').length} still open)`,
        'parameter priority kind          rule                alerts',
        ...[...table.entries()].sort().map(([k, n]) => `${k.padEnd(52)} ${String(n).padStart(6)}`),
        'refused values (field, rule):',
        ...[...byRule.entries()]
          .sort()
          .map(([k, n]) => `  ${k.padEnd(36)} ${String(n).padStart(5)}`),
        '',
      ].join('\n'),
    );
  }, 120_000);
});
