import { AuditQuerySchema, DEFAULT_AUDIT_LIMIT, toErrorIssues } from '@chairside/core';
import type { AuditPage, AuditEntry as AuditRecord } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import { invalid } from './errors';

const idIn = (detail: Record<string, unknown>, key: string): string | null => {
  const value = detail[key];
  return typeof value === 'string' ? value : null;
};

type AuditEntryToRecord = {
  who: string;
  at: number;
  action: string;
  detail: Record<string, unknown>;
};

/** Appends to the audit trail (who did what, when); called inside the action's transaction. */
export async function recordAudit(db: ChairsideDb, entry: AuditEntryToRecord): Promise<void> {
  await auditInsert(db, entry).execute();
}

/** The insert of one audit entry, to run or to compile into a transaction's plan. */
export function auditInsert(db: ChairsideDb, entry: AuditEntryToRecord) {
  return db.insertInto('audit_log').values({
    who: entry.who,
    at: entry.at,
    action: entry.action,
    detail: JSON.stringify(entry.detail),
    // Kept beside the JSON so GET /audit can filter by chair and session on an index.
    chair_id: idIn(entry.detail, 'chairId'),
    session_id: idIn(entry.detail, 'sessionId'),
  });
}

export interface AuditEntry {
  who: string;
  at: string;
  action: string;
  detail: unknown;
}

export async function listAudit(db: ChairsideDb, limit = 100): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    who: r.who,
    at: new Date(r.at).toISOString(),
    action: r.action,
    detail: JSON.parse(r.detail) as unknown,
  }));
}

function detailsOf(json: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(json);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { value: parsed };
}

/**
 * `GET /audit`: the entries matching every filter given, newest first (by `at`, then `seq`),
 * at most `limit`, before the `beforeSeq` entry when given. Each filter has an index on
 * (column, at, seq), the unfiltered list `audit_log_by_time` (at, seq): a page reads only
 * its own rows, however long the trail.
 */
export async function queryAudit(db: ChairsideDb, query: unknown): Promise<AuditPage> {
  const parsed = AuditQuerySchema.safeParse(query);
  if (!parsed.success) throw invalid(toErrorIssues(parsed.error), 'audit query');
  const { from, to, actor, action, chairId, sessionId, beforeSeq } = parsed.data;
  const limit = parsed.data.limit ?? DEFAULT_AUDIT_LIMIT;

  let q = db.selectFrom('audit_log').select(['seq', 'at', 'who', 'action', 'detail']);
  if (from !== undefined) q = q.where('at', '>=', from);
  if (to !== undefined) q = q.where('at', '<=', to);
  if (actor !== undefined) q = q.where('who', '=', actor);
  if (action !== undefined) q = q.where('action', '=', action);
  if (chairId !== undefined) q = q.where('chair_id', '=', chairId);
  if (sessionId !== undefined) q = q.where('session_id', '=', sessionId);
  if (beforeSeq !== undefined) {
    const cursor = await db
      .selectFrom('audit_log')
      .select('at')
      .where('seq', '=', beforeSeq)
      .executeTakeFirst();
    if (cursor === undefined) {
      throw invalid(
        [{ path: 'beforeSeq', message: `no audit entry has seq ${beforeSeq}` }],
        'audit query',
      );
    }
    // Keyset on (at, seq): `at <=` first so the index range starts at the cursor.
    q = q
      .where('at', '<=', cursor.at)
      .where((eb) =>
        eb.or([
          eb('at', '<', cursor.at),
          eb.and([eb('at', '=', cursor.at), eb('seq', '<', beforeSeq)]),
        ]),
      );
  }
  // One row more than the page says whether an older page exists, without a count.
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const entries: AuditRecord[] = page.map((r) => ({
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    actor: r.who,
    action: r.action,
    details: detailsOf(r.detail),
  }));
  const last = page.at(-1);
  return { entries, nextBeforeSeq: rows.length > limit && last !== undefined ? last.seq : null };
}
