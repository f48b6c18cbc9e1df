import {
  AlarmRuleOverrideSchema,
  DEFAULT_ALARM_RULES,
  mergeRules,
  toErrorIssues,
  validateAlarmRules,
} from '@chairside/core';
import type { AlarmRuleOverride, AlarmRuleSet } from '@chairside/core';
import { recordAudit } from '../domain/audit';
import type { DomainContext } from '../domain/context';
import { conflict, invalid, notFound } from '../domain/errors';
import type { ChairsideDb } from '../store/database';

/**
 * The clinic's alarm rule set and the per-session overrides in the store. Every change is
 * validated as a whole (core's checks), versioned, and audited with who, when, old and new.
 */

const CLINIC_SCOPE = 'clinic';

export interface ClinicAlarmRules {
  rules: AlarmRuleSet;
  /** 0 while the clinic still runs on the product defaults (CLINICAL.md section 6). */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface SessionAlarmRules {
  sessionId: string;
  /** The session's own changes; null when it runs on the clinic's rules. */
  override: AlarmRuleOverride | null;
  /** What the engine runs on for this session: the clinic's rules with the override laid over. */
  rules: AlarmRuleSet;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function loadClinicRules(db: ChairsideDb): Promise<ClinicAlarmRules> {
  const row = await db
    .selectFrom('alarm_rules')
    .selectAll()
    .where('scope', '=', CLINIC_SCOPE)
    .executeTakeFirst();
  if (row === undefined)
    return { rules: DEFAULT_ALARM_RULES, version: 0, updatedAt: null, updatedBy: null };
  const parsed = validateAlarmRules(JSON.parse(row.rules));
  // Stored sets passed the same validation when written; a failure here means a schema change
  // made an old set invalid, and the store must not silently fall back to other limits.
  if (!parsed.ok)
    throw new Error(`stored clinic alarm rules are invalid: ${JSON.stringify(parsed.issues)}`);
  return {
    rules: parsed.value,
    version: row.version,
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by,
  };
}

export async function saveClinicRules(
  ctx: DomainContext,
  actor: string,
  body: unknown,
): Promise<ClinicAlarmRules> {
  const validated = validateAlarmRules(body);
  if (!validated.ok) throw invalid(validated.issues, 'alarm rules');
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const old = await loadClinicRules(trx);
    const version = old.version + 1;
    const row = {
      scope: CLINIC_SCOPE,
      rules: JSON.stringify(validated.value),
      version,
      updated_at: now,
      updated_by: actor,
    };
    await trx
      .insertInto('alarm_rules')
      .values(row)
      .onConflict((oc) =>
        oc.column('scope').doUpdateSet({
          rules: row.rules,
          version,
          updated_at: now,
          updated_by: actor,
        }),
      )
      .execute();
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: 'alarm-rules.clinic.updated',
      detail: { version, old: old.rules, new: validated.value },
    });
    return { rules: validated.value, version, updatedAt: iso(now), updatedBy: actor };
  });
}

export async function loadSessionOverride(
  db: ChairsideDb,
  sessionId: string,
): Promise<{
  override: AlarmRuleOverride;
  version: number;
  updatedAt: number;
  updatedBy: string;
} | null> {
  const row = await db
    .selectFrom('session_alarm_rules')
    .selectAll()
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  if (row === undefined) return null;
  const parsed = AlarmRuleOverrideSchema.safeParse(JSON.parse(row.override));
  if (!parsed.success)
    throw new Error(
      `stored alarm rules of session ${sessionId} are invalid: ${JSON.stringify(toErrorIssues(parsed.error))}`,
    );
  return {
    override: parsed.data,
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** The rules a session runs on; an override the clinic's current set no longer admits is named. */
export function effectiveRules(
  clinic: AlarmRuleSet,
  override: AlarmRuleOverride | null,
): { rules: AlarmRuleSet; overrideRejected: boolean } {
  const merged = mergeRules(clinic, override);
  // The clinic set changed under the override so that both together are incoherent: run on the
  // clinic's (validated) limits rather than on none, and let the caller log it.
  return merged.ok
    ? { rules: merged.value, overrideRejected: false }
    : { rules: clinic, overrideRejected: true };
}

async function sessionRow(db: ChairsideDb, sessionId: string) {
  const row = await db
    .selectFrom('sessions')
    .select(['id', 'chair_id', 'state'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(`session "${sessionId}" does not exist`);
  return row;
}

export async function getSessionRules(
  db: ChairsideDb,
  clinic: AlarmRuleSet,
  sessionId: string,
): Promise<SessionAlarmRules> {
  await sessionRow(db, sessionId);
  const stored = await loadSessionOverride(db, sessionId);
  const override = stored?.override ?? null;
  return {
    sessionId,
    override,
    rules: effectiveRules(clinic, override).rules,
    version: stored?.version ?? 0,
    updatedAt: stored === null ? null : iso(stored.updatedAt),
    updatedBy: stored?.updatedBy ?? null,
  };
}

/** Replaces a session's override (`{}` goes back to the clinic's rules). */
export async function saveSessionRules(
  ctx: DomainContext,
  clinic: AlarmRuleSet,
  actor: string,
  sessionId: string,
  body: unknown,
): Promise<SessionAlarmRules & { chairId: string }> {
  const parsed = AlarmRuleOverrideSchema.safeParse(body);
  if (!parsed.success) throw invalid(toErrorIssues(parsed.error), 'session alarm rules');
  const override = parsed.data;
  const merged = mergeRules(clinic, override);
  if (!merged.ok)
    throw invalid(merged.issues, 'session alarm rules (merged with the clinic rules)');
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const session = await sessionRow(trx, sessionId);
    if (session.state === 'discharged')
      throw conflict(
        'session_closed',
        `session "${sessionId}" is discharged: its alarm rules can no longer change`,
      );
    const old = await loadSessionOverride(trx, sessionId);
    const version = (old?.version ?? 0) + 1;
    const json = JSON.stringify(override);
    await trx
      .insertInto('session_alarm_rules')
      .values({
        session_id: sessionId,
        override: json,
        version,
        updated_at: now,
        updated_by: actor,
      })
      .onConflict((oc) =>
        oc
          .column('session_id')
          .doUpdateSet({ override: json, version, updated_at: now, updated_by: actor }),
      )
      .execute();
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: 'alarm-rules.session.updated',
      detail: {
        sessionId,
        chairId: session.chair_id,
        version,
        old: old?.override ?? null,
        new: override,
      },
    });
    return {
      sessionId,
      chairId: session.chair_id,
      override,
      rules: merged.value,
      version,
      updatedAt: iso(now),
      updatedBy: actor,
    };
  });
}
