import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createSampleSchema, toErrorIssues, validateSamples } from '@chairside/core';
import type { Sample, SampleSchema, StoredSample, User } from '@chairside/core';
import { assertChairExists } from './chairs';
import type { DomainContext } from './context';
import { forbidden, invalid } from './errors';
import { sampleWriterFor, toStoredSample } from './sample-writer';
import type { SampleRow } from './sample-writer';

export { toStoredSample };

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** The samples this call newly stored (not the duplicates), as broadcast. */
  stored: StoredSample[];
}

function toRow(s: Sample, chairId: string, receivedAt: number, actor: User): SampleRow {
  return {
    chair_id: chairId,
    id: s.id ?? randomUUID(),
    at: Date.parse(s.at),
    received_at: receivedAt,
    source: s.source,
    hr: s.hr ?? null,
    sbp: s.sbp ?? null,
    dbp: s.dbp ?? null,
    spo2: s.spo2 ?? null,
    rr: s.rr ?? null,
    etco2: s.etco2 ?? null,
    sedation_scale: s.sedation?.scale ?? null,
    sedation_score: s.sedation?.score ?? null,
    entered_by: s.source === 'manual' ? actor.username : null,
    // The chair's open session, read by the writer inside the storing transaction.
    session_id: null,
  };
}

// zod compiles a schema on first use: build it once per clock, not once per reading.
const sampleSchemas = new WeakMap<() => number, SampleSchema>();
function sampleSchemaFor(clock: () => number): SampleSchema {
  let schema = sampleSchemas.get(clock);
  if (schema === undefined) {
    schema = createSampleSchema(clock);
    sampleSchemas.set(clock, schema);
  }
  return schema;
}

/**
 * The one way readings enter Chairside, for HTTP and Socket.io alike: validate (core schemas,
 * the server's clock), check the sender's right to this source, then store the whole batch in
 * one transaction with the chair's open session (a resent id is skipped, not doubled; an
 * unknown chair is a 404) and, only after the commit, announce the newly stored samples.
 * The transaction may hold other callers' batches of the same moment too (group commit, see
 * SampleWriter): that changes the cost of a reading, not what any caller is told.
 */
export async function ingestVitals(
  ctx: DomainContext,
  actor: User,
  chairId: string,
  body: unknown,
): Promise<IngestResult> {
  const validated = validateSamples(body, sampleSchemaFor(ctx.clock));
  if (!validated.ok) throw invalid(validated.issues, 'samples');
  const samples = validated.value;

  if (actor.role === 'trainer') {
    const index = samples.findIndex((s) => s.source !== 'simulator');
    if (index !== -1) {
      throw forbidden(
        `a trainer may only send source "simulator"; sample ${index} has source "${samples[index]?.source ?? ''}"`,
      );
    }
  }

  const receivedAt = ctx.clock();
  const rows = samples.map((s) => toRow(s, chairId, receivedAt, actor));
  const { stored, duplicates } = await sampleWriterFor(ctx.db).write(chairId, rows);

  if (stored.length > 0) ctx.events.samplesStored.emit(chairId, stored);
  return { accepted: stored.length, duplicates, stored };
}

export const DEFAULT_VITALS_LIMIT = 1000;
export const MAX_VITALS_LIMIT = 20_000;

// ISO-8601 as the contract says; epoch milliseconds too, like a sample's `at`.
const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/)], {
    error: 'must be an ISO-8601 time (e.g. 2026-11-21T09:30:05.000Z) or epoch milliseconds',
  })
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)));

export const VitalsQuerySchema = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z
      .string({ error: 'limit must be a whole number' })
      .regex(/^\d+$/, 'limit must be a whole number')
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, 'limit must be at least 1')
          .max(MAX_VITALS_LIMIT, `limit must be at most ${MAX_VITALS_LIMIT}`),
      )
      .optional(),
    /**
     * A page cursor: the `seq` of a sample of this chair. Only samples before it in the route's
     * order (`at`, then `seq`) are returned. Paging back by `to = oldest.at - 1` would skip the
     * samples that share the oldest one's millisecond; this neither skips nor repeats them.
     */
    beforeSeq: z
      .string({ error: 'beforeSeq must be a whole number (the seq of a sample)' })
      .regex(/^\d{1,16}$/, 'beforeSeq must be a whole number (the seq of a sample)')
      .transform(Number)
      .pipe(
        z
          .number()
          // The digits are checked above: `int` fails here only past 2^53 - 1.
          .int('beforeSeq is too large')
          .min(1, 'beforeSeq must be at least 1'),
      )
      .optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['from'],
    message: 'from must not be after to',
  });
export type VitalsQuery = z.input<typeof VitalsQuerySchema>;

/**
 * The most recent `limit` samples of a chair in [from, to] (and before the `beforeSeq` sample,
 * when given), returned oldest first.
 */
export async function queryVitals(
  ctx: DomainContext,
  chairId: string,
  query: unknown,
): Promise<StoredSample[]> {
  const parsed = VitalsQuerySchema.safeParse(query);
  if (!parsed.success) throw invalid(toErrorIssues(parsed.error), 'vitals query');
  const { from, to, beforeSeq, limit = DEFAULT_VITALS_LIMIT } = parsed.data;
  await assertChairExists(ctx.db, chairId);
  let q = ctx.db.selectFrom('samples').selectAll().where('chair_id', '=', chairId);
  if (from !== undefined) q = q.where('at', '>=', from);
  if (to !== undefined) q = q.where('at', '<=', to);
  if (beforeSeq !== undefined) {
    const cursor = await ctx.db
      .selectFrom('samples')
      .select('at')
      .where('seq', '=', beforeSeq)
      .where('chair_id', '=', chairId)
      .executeTakeFirst();
    if (cursor === undefined) {
      throw invalid(
        [{ path: 'beforeSeq', message: `no sample of chair "${chairId}" has seq ${beforeSeq}` }],
        'vitals query',
      );
    }
    // Keyset on the route's order (at, seq); `at <=` first so the (chair_id, at) index serves it.
    q = q
      .where('at', '<=', cursor.at)
      .where((eb) =>
        eb.or([
          eb('at', '<', cursor.at),
          eb.and([eb('at', '=', cursor.at), eb('seq', '<', beforeSeq)]),
        ]),
      );
  }
  const rows = await q.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse().map(toStoredSample);
}
