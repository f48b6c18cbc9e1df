import { randomBytes } from 'node:crypto';
import { PasswordSchema } from '@chairside/core';
import type { User, UserCreate } from '@chairside/core';
import { hashPassword } from './auth';
import { recordAudit } from './audit';
import type { DomainContext } from './context';
import { conflict } from './errors';

export async function listUsers(ctx: DomainContext): Promise<User[]> {
  return ctx.db.selectFrom('users').select(['username', 'role']).orderBy('username').execute();
}

export async function countUsers(ctx: DomainContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Creates an account (input already validated with core `UserCreateSchema`). */
export async function createUser(
  ctx: DomainContext,
  actor: string,
  input: UserCreate,
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('users')
      .values({
        username: input.username,
        role: input.role,
        password_hash: passwordHash,
        created_at: now,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning(['username', 'role'])
      .executeTakeFirst();
    if (inserted === undefined)
      throw conflict('username_taken', `username "${input.username}" is already taken`);
    await recordAudit(trx, {
      who: actor,
      at: now,
      action: 'user.created',
      detail: { username: input.username, role: input.role },
    });
    return inserted;
  });
}

/** A random admin password that satisfies the password rules (letters and digits, 20 chars). */
export function generateAdminPassword(): string {
  return `${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}7a`.slice(0, 22);
}

/**
 * On a start with no users, creates `admin`: with the configured password, or a generated one
 * that the caller must show once. Returns the generated password, if any.
 */
export async function ensureAdmin(
  ctx: DomainContext,
  adminPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  if ((await countUsers(ctx)) > 0) return { created: false, generatedPassword: null };
  if (adminPassword !== undefined) {
    const checked = PasswordSchema.safeParse(adminPassword);
    if (!checked.success) {
      throw new Error(
        `ADMIN_PASSWORD is too weak: ${checked.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
  }
  const generated = adminPassword === undefined ? generateAdminPassword() : null;
  await createUser(ctx, 'system', {
    username: 'admin',
    role: 'admin',
    password: adminPassword ?? generated ?? '',
  });
  return { created: true, generatedPassword: generated };
}
