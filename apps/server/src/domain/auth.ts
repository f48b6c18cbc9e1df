import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { RoleSchema } from '@chairside/core';
import type { Login, User } from '@chairside/core';
import type { ChairsideDb } from '../store/database';
import { recordAudit } from './audit';
import type { DomainContext } from './context';
import { unauthorized } from './errors';

/**
 * argon2id at the OWASP minimum (19 MiB, 2 passes, 1 lane): about 50-80 ms here, slow enough
 * to make guessing expensive, fast enough for a login and for the tests.
 */
const ARGON2 = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;

export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const TOKEN_SECRET_KEY = 'token_signing_secret';

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ ...ARGON2, password, salt: randomBytes(16), outputType: 'encoded' });
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}

// Verifying against this when the username is unknown keeps the answer time the same, so
// response times do not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/** The signing secret lives in the store so tokens stay valid across restarts. */
export async function loadOrCreateTokenSecret(db: ChairsideDb): Promise<Uint8Array> {
  const fresh = randomBytes(32).toString('base64url');
  await db
    .insertInto('settings')
    .values({ key: TOKEN_SECRET_KEY, value: fresh })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', TOKEN_SECRET_KEY)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}

export async function issueToken(secret: Uint8Array, user: User, now: number): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.username)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_TTL_SECONDS)
    .sign(secret);
}

/** The token's user, or a 401 saying why (expired is worth telling apart: log in again). */
export async function verifyToken(secret: Uint8Array, token: string, now: number): Promise<User> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      currentDate: new Date(now),
    });
    const role = RoleSchema.safeParse(payload['role']);
    if (payload.sub === undefined || !role.success)
      throw unauthorized('the token does not name a user and role');
    return { username: payload.sub, role: role.data };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw unauthorized('the token has expired: log in again');
    throw unauthorized('the token is not valid: log in again');
  }
}

export interface AuthContext extends DomainContext {
  tokenSecret: Uint8Array;
}

export async function login(
  ctx: AuthContext,
  input: Login,
): Promise<{ token: string; user: User }> {
  const row = await ctx.db
    .selectFrom('users')
    .select(['username', 'role', 'password_hash'])
    .where('username', '=', input.username)
    .executeTakeFirst();
  const ok = await verifyPassword(
    input.password,
    row?.password_hash ?? (await dummyPasswordHash()),
  );
  const at = ctx.clock();
  if (row === undefined || !ok) {
    await recordAudit(ctx.db, {
      who: input.username,
      at,
      action: 'auth.login-failed',
      detail: { knownUser: row !== undefined },
    });
    throw unauthorized('wrong username or password', 'invalid_credentials');
  }
  await recordAudit(ctx.db, {
    who: row.username,
    at,
    action: 'auth.login',
    detail: { role: row.role },
  });
  const user: User = { username: row.username, role: row.role };
  return { token: await issueToken(ctx.tokenSecret, user, ctx.clock()), user };
}

/**
 * The user behind a bearer token. The role is read from the store, not trusted from the
 * token, so a removed account or changed role takes effect at once.
 */
export async function authenticate(ctx: AuthContext, token: string): Promise<User> {
  const claimed = await verifyToken(ctx.tokenSecret, token, ctx.clock());
  const row = await ctx.db
    .selectFrom('users')
    .select(['username', 'role'])
    .where('username', '=', claimed.username)
    .executeTakeFirst();
  if (row === undefined) throw unauthorized('the account behind this token no longer exists');
  return { username: row.username, role: row.role };
}
