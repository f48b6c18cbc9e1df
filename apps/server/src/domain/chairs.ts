import { randomUUID } from 'node:crypto';
import type { Chair, ChairCreate } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import { recordAudit } from './audit';
import type { DomainContext } from './context';
import { notFound } from './errors';
import { loadSessions } from './sessions';

/** Every chair with its open session (null between patients), in label order. */
export async function listChairs(ctx: DomainContext): Promise<Chair[]> {
  const chairs = await ctx.db
    .selectFrom('chairs')
    .select(['id', 'label'])
    .orderBy('created_at')
    .orderBy('label')
    .execute();
  const openRows = await ctx.db
    .selectFrom('sessions')
    .selectAll()
    .where('state', '<>', 'discharged')
    .execute();
  const sessions = await loadSessions(ctx.db, openRows);
  const byChair = new Map(sessions.map((s) => [s.chairId, s]));
  return chairs.map((c) => ({ id: c.id, label: c.label, session: byChair.get(c.id) ?? null }));
}

export async function getChair(ctx: DomainContext, chairId: string): Promise<Chair> {
  const chairs = await listChairs(ctx);
  const chair = chairs.find((c) => c.id === chairId);
  if (chair === undefined) throw notFound(`chair "${chairId}" does not exist`);
  return chair;
}

export async function assertChairExists(db: ChairsideDb, chairId: string): Promise<void> {
  const row = await db
    .selectFrom('chairs')
    .select('id')
    .where('id', '=', chairId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(`chair "${chairId}" does not exist`);
}

/** Adds a chair (input validated with core `ChairCreateSchema`). */
export async function createChair(
  ctx: DomainContext,
  actor: string,
  input: ChairCreate,
): Promise<Chair> {
  const now = ctx.clock();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('chairs').values({ id, label: input.label, created_at: now }).execute();
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: 'chair.created',
      detail: { chairId: id, label: input.label },
    });
  });
  const chair: Chair = { id, label: input.label, session: null };
  // Open dashboards learn about the new chair without reloading.
  ctx.events.chairChanged.emit(chair);
  return chair;
}
