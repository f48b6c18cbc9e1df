import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../api/http';
import { alertsToCsv, csvCell, csvHref } from './csv';

const record = (over: Partial<AlertRecord>): AlertRecord => ({
  id: 'a1',
  chairId: 'c1',
  sessionId: 's1',
  kind: 'physiological',
  parameter: 'spo2',
  priority: 'high',
  message: 'SpO2 86 < 90',
  value: 86,
  limit: 90,
  state: 'cleared',
  raisedAt: '2026-11-21T09:30:05.000Z',
  clearedAt: '2026-11-21T09:31:00.000Z',
  acknowledgedAt: '2026-11-21T09:30:17.400Z',
  acknowledgedBy: 'amy',
  escalatedAt: null,
  timeToAcknowledgeMs: 12_400,
  ...over,
});

const context = {
  chairLabel: (id: string) => (id === 'c1' ? 'Chair 1' : id),
  patientRef: (id: string | null) => (id === 's1' ? 'MRN-0042' : ''),
};

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });
  it('keeps numbers (also negative ones) and defuses formulas in text', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-ref')).toBe("'-ref");
  });
});

describe('alertsToCsv', () => {
  it('writes a header row and one line per alert with ISO times and names', () => {
    const csv = alertsToCsv(
      [
        record({}),
        record({
          id: 'a2',
          chairId: 'c9',
          sessionId: null,
          kind: 'technical',
          parameter: 'feed',
          priority: 'medium',
          message: 'Feed silent, 16 s',
          value: null,
          limit: null,
          state: 'active',
          clearedAt: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          timeToAcknowledgeMs: null,
        }),
      ],
      context,
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'raised_at,chair,chair_id,patient_ref,session_id,priority,kind,parameter,message,value,limit,state,acknowledged_by,acknowledged_at,time_to_acknowledge_s,escalated_at,cleared_at',
    );
    expect(lines[1]).toBe(
      '2026-11-21T09:30:05.000Z,Chair 1,c1,MRN-0042,s1,high,physiological,spo2,SpO2 86 < 90,86,90,cleared,amy,2026-11-21T09:30:17.400Z,12.4,,2026-11-21T09:31:00.000Z',
    );
    expect(lines[2]).toBe(
      '2026-11-21T09:30:05.000Z,c9,c9,,,medium,technical,feed,"Feed silent, 16 s",,,active,,,,,',
    );
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });

  it('gives a header row alone for no alerts, and a data link that decodes back', () => {
    const csv = alertsToCsv([], context);
    expect(csv.split('\r\n')).toHaveLength(2);
    const href = csvHref(csv);
    expect(href.startsWith('data:text/csv;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(href.slice('data:text/csv;charset=utf-8,'.length))).toBe(csv);
  });
});
