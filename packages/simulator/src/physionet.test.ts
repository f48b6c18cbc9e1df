import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSampleSchema, NUMERIC_PARAMETERS, validateSamples } from '@chairside/core';
import type { NumericParameter } from '@chairside/core';
import {
  listPhysioNetRecords,
  parsePhysioNetRecord,
  readPhysioNetRecord,
  replayPhysioNetRecord,
} from './physionet';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');

const SMALL_RECORD = [
  'Time,Parameter,Value',
  '00:00,RecordID,999001',
  '00:00,Age,61',
  '00:00,Gender,1',
  '00:00,Height,-1',
  '00:00,ICUType,2',
  '00:00,Weight,82.5',
  '00:07,HR,73',
  '00:07,NISysABP,147',
  '00:07,NIDiasABP,65',
  '00:07,SysABP,150',
  '00:07,RespRate,19',
  '00:07,Temp,35.1',
  '01:00,HR,350',
  '01:00,NISysABP,0',
  '01:00,NIDiasABP,0',
  '01:00,SaO2,97',
  '02:00,SysABP,120',
  '02:00,DiasABP,125',
  '02:00,RespRate,0',
  '03:00,HR,0',
  'this is not a line',
  '25:30,HR,88',
].join('\n');

describe('PhysioNet record parsing', () => {
  const record = parsePhysioNetRecord(SMALL_RECORD);

  it('reads the descriptors, treating -1 as unknown', () => {
    expect(record.recordId).toBe('999001');
    expect(record.descriptors).toEqual({ ageYears: 61, gender: 1, icuType: 2, weightKg: 82.5 });
  });

  it('reads times past 24 h and collects unreadable lines instead of crashing', () => {
    expect(record.observations.at(-1)).toEqual({
      minute: 25 * 60 + 30,
      parameter: 'HR',
      value: 88,
    });
    expect(record.malformedLines).toEqual([
      { line: 22, text: 'this is not a line', reason: 'expected "HH:MM,Parameter,number"' },
    ]);
  });

  it('replays valid moments as samples with compressed time and keeps the cuff over the arterial line', () => {
    const r = replayPhysioNetRecord(record, { startAtMs: T0, compression: 60 });
    expect(r.samples[0]).toEqual({
      id: 'physionet-999001-7',
      at: new Date(T0 + 7_000).toISOString(),
      hr: 73,
      sbp: 147,
      dbp: 65,
      rr: 19,
      source: 'simulator',
    });
    expect(r.skipped['SysABP (arterial line superseded by a cuff reading at the same time)']).toBe(
      1,
    );
    expect(r.samples.at(-1)!.at).toBe(new Date(T0 + 1530 * 1000).toISOString());
  });

  it('rejects implausible values with core reasons, keeps the rest of the moment, and invents nothing', () => {
    const r = replayPhysioNetRecord(record, { startAtMs: T0 });
    const byMinute = (m: number) => r.rejected.filter((x) => x.minute === m);
    expect(byMinute(60).map((x) => [x.field, x.value, x.rule])).toEqual([
      ['hr', 350, 'above-plausible-maximum'],
      ['sbp', 0, 'below-plausible-minimum'],
      ['dbp', 0, 'below-plausible-minimum'],
    ]);
    expect(byMinute(60)[0]!.reason).toBe('HR 350 is above the plausible maximum 300 bpm');
    // Arterial 120/125 contradicts itself: both go, the respiratory rate of 0 (apnea) stays.
    expect(byMinute(120).map((x) => [x.field, x.rule])).toEqual([
      ['sbp', 'dbp-not-below-sbp'],
      ['dbp', 'dbp-not-below-sbp'],
    ]);
    const at120 = r.samples.find((s) => s.id === 'physionet-999001-120');
    expect(at120).toEqual({
      id: 'physionet-999001-120',
      at: new Date(T0 + 120_000).toISOString(),
      rr: 0,
      source: 'simulator',
    });
    // The 01:00 moment had only rejected values (and SaO2, which is not SpO2): no sample at all.
    expect(r.samples.find((s) => s.id === 'physionet-999001-60')).toBeUndefined();
    expect(r.skipped['SaO2 (arterial blood gas, not pulse oximetry)']).toBe(1);
    expect(r.samples.some((s) => s.spo2 !== undefined)).toBe(false);
    // HR 0 is inside core's range (asystole must alarm), so it is passed on, not filtered.
    expect(r.samples.find((s) => s.id === 'physionet-999001-180')?.hr).toBe(0);
    expect(r.accepted).toEqual({ hr: 3, sbp: 1, dbp: 1, spo2: 0, rr: 2, etco2: 0 });
  });

  it('refuses a non-positive compression', () => {
    expect(() => replayPhysioNetRecord(record, { startAtMs: T0, compression: 0 })).toThrow(
      RangeError,
    );
  });
});

const DATA_DIR =
  process.env.CHAIRSIDE_PHYSIONET_DIR ??
  fileURLToPath(new URL('../../../../shared/data/physionet-2012-set-a', import.meta.url));
const haveData = existsSync(DATA_DIR);
if (!haveData)
  console.warn(
    `\n*** PhysioNet data not found at ${DATA_DIR}: the all-records test is SKIPPED ***\n`,
  );

describe.skipIf(!haveData)('PhysioNet replay over every record in the set', () => {
  it('parses every record, validates every value, and accounts for each one', async () => {
    const files = await listPhysioNetRecords(DATA_DIR);
    expect(files.length).toBe(200);
    const accepted: Record<NumericParameter, number> = {
      hr: 0,
      sbp: 0,
      dbp: 0,
      spo2: 0,
      rr: 0,
      etco2: 0,
    };
    const rejectedByReason = new Map<string, number>();
    const skipped = new Map<string, number>();
    let samples = 0;
    let mapped = 0;
    let malformed = 0;
    const schema = createSampleSchema(() => Number.MAX_SAFE_INTEGER);
    for (const file of files) {
      const record = await readPhysioNetRecord(file);
      malformed += record.malformedLines.length;
      mapped += record.observations.filter((o) =>
        ['HR', 'RespRate', 'NISysABP', 'NIDiasABP', 'SysABP', 'DiasABP'].includes(o.parameter),
      ).length;
      const r = replayPhysioNetRecord(record, { startAtMs: T0, compression: 60 });
      samples += r.samples.length;
      for (const p of NUMERIC_PARAMETERS) accepted[p] += r.accepted[p];
      for (const x of r.rejected) {
        const key = `${x.field} ${x.rule}`;
        rejectedByReason.set(key, (rejectedByReason.get(key) ?? 0) + 1);
      }
      for (const [k, v] of Object.entries(r.skipped)) skipped.set(k, (skipped.get(k) ?? 0) + v);
      // Every emitted sample passes core again, as the ingest would check it.
      for (let i = 0; i < r.samples.length; i += 1000) {
        expect(validateSamples(r.samples.slice(i, i + 1000), schema).ok).toBe(true);
      }
    }
    const rejectedTotal = [...rejectedByReason.values()].reduce((a, b) => a + b, 0);
    const acceptedTotal = NUMERIC_PARAMETERS.reduce((a, p) => a + accepted[p], 0);
    const mappedSkipped = [...skipped.entries()]
      .filter(([k]) => !k.startsWith('SaO2'))
      .reduce((a, [, v]) => a + v, 0);
    const lines = [
      `PhysioNet 2012 set a: ${files.length} records, ${samples} samples, ${malformed} malformed lines`,
      `accepted values: ${NUMERIC_PARAMETERS.map((p) => `${p} ${accepted[p]}`).join(', ')} (total ${acceptedTotal})`,
      `rejected values (${rejectedTotal}):`,
      ...[...rejectedByReason.entries()].sort().map(([k, v]) => `  ${k}: ${v}`),
      'skipped:',
      ...[...skipped.entries()].sort().map(([k, v]) => `  ${k}: ${v}`),
    ];
    console.log(`\n${lines.join('\n')}\n`);

    // Every mapped value is accepted, rejected with a reason, or skipped with a reason.
    expect(acceptedTotal + rejectedTotal + mappedSkipped).toBe(mapped);
    expect(malformed).toBe(0);
    expect(accepted.hr).toBeGreaterThan(10_000);
    expect(accepted.sbp).toBeGreaterThan(5_000);
    expect(accepted.rr).toBeGreaterThan(2_000);
    expect(accepted.spo2).toBe(0);
    // The set is known to chart impossible zero pressures (failed cuff cycles, flushed lines).
    expect(rejectedByReason.get('sbp below-plausible-minimum') ?? 0).toBeGreaterThan(0);
    expect(skipped.get('SaO2 (arterial blood gas, not pulse oximetry)')).toBe(410);
  });
});
