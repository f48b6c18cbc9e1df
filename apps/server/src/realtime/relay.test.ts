import { describe, expect, it } from 'vitest';
import type { StoredSample, VitalsMessage } from '@chairside/core';
import { MAX_SAMPLES_PER_MESSAGE, messageParts } from './relay';

let seq = 0;
function batch(chairId: string, n: number): VitalsMessage {
  const samples = Array.from({ length: n }, (): StoredSample => ({
    seq: ++seq,
    id: `s${seq}`,
    at: '2026-11-21T09:00:00.000Z',
    receivedAt: '2026-11-21T09:00:00.000Z',
    source: 'device',
    chairId,
    sessionId: null,
    enteredBy: null,
    hr: 70,
  }));
  return { chairId, samples };
}

const ids = (parts: VitalsMessage[][]): string[] =>
  parts.flatMap((part) => part.flatMap((b) => b.samples.map((s) => s.id)));

describe('messageParts (vitals-batch messages of bounded size)', () => {
  it('keeps a commit of up to the bound as one message, untouched', () => {
    const batches = [batch('a', 100), batch('b', MAX_SAMPLES_PER_MESSAGE - 100)];
    const parts = messageParts(batches);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toBe(batches);
  });

  it('cuts a large commit into messages of at most the bound, every sample once and in order', () => {
    const batches = [batch('a', 300), batch('b', 5), batch('c', 600), batch('d', 1)];
    const parts = messageParts(batches);
    expect(parts.map((p) => p.reduce((n, b) => n + b.samples.length, 0))).toEqual([
      256, 256, 256, 138,
    ]);
    expect(ids(parts)).toEqual(ids([batches]));
    // Each part names its chairs; a chair's batch continues in the next part where it was cut.
    expect(parts[0]?.map((b) => b.chairId)).toEqual(['a']);
    expect(parts[1]?.map((b) => b.chairId)).toEqual(['a', 'b', 'c']);
    expect(parts[3]?.map((b) => b.chairId)).toEqual(['c', 'd']);
  });
});
