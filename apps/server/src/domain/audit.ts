import type { ChairsideDb } from '../store/database';

/** Appends to the audit trail (who did what, when); called inside the action's transaction. */
export async function recordAudit(
  db: ChairsideDb,
  entry: { who: string; at: number; action: string; detail: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      who: entry.who,
      at: entry.at,
      action: entry.action,
      detail: JSON.stringify(entry.detail),
    })
    .execute();
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
