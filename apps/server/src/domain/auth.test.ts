import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthContext } from './auth';
import {
  TOKEN_TTL_SECONDS,
  authenticate,
  hashPassword,
  issueToken,
  login,
  verifyPassword,
  verifyToken,
} from './auth';
import { DomainError } from './errors';
import { createUser } from './users';
import { createTestContext, testClock } from '../testing/context';
import type { TestClock } from '../testing/context';

describe('password hashing', () => {
  it('hashes with argon2id and a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct-horse-1');
    const b = await hashPassword('correct-horse-1');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct-horse-1', a)).toBe(true);
    expect(await verifyPassword('correct-horse-2', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('hashes with argon2id at the OWASP minimum cost (19 MiB, 2 passes) and a fresh salt each time', async () => {
    // The cost is asserted from the hash itself, not timed: a timing test flakes on a busy core.
    const a = await hashPassword('same-password-1');
    const b = await hashPassword('same-password-1');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
  });
});

describe('tokens', () => {
  const secret = new Uint8Array(32).fill(7);
  const t0 = Date.parse('2026-11-21T08:00:00Z');

  it('carries username and role and is valid until 12 h later on the injected clock', async () => {
    const token = await issueToken(secret, { username: 'nurse1', role: 'nurse' }, t0);
    expect(await verifyToken(secret, token, t0 + 60_000)).toEqual({
      username: 'nurse1',
      role: 'nurse',
    });
    expect(await verifyToken(secret, token, t0 + (TOKEN_TTL_SECONDS - 1) * 1000)).toEqual({
      username: 'nurse1',
      role: 'nurse',
    });
    await expect(verifyToken(secret, token, t0 + (TOKEN_TTL_SECONDS + 1) * 1000)).rejects.toThrow(
      'expired',
    );
  });

  it('refuses a token signed with another secret or altered', async () => {
    const token = await issueToken(secret, { username: 'nurse1', role: 'nurse' }, t0);
    await expect(verifyToken(new Uint8Array(32).fill(8), token, t0)).rejects.toMatchObject({
      status: 401,
    });
    const [h, , s] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'nurse1', role: 'admin', exp: 9_999_999_999 }),
    ).toString('base64url');
    await expect(
      verifyToken(secret, `${h ?? ''}.${forgedPayload}.${s ?? ''}`, t0),
    ).rejects.toBeInstanceOf(DomainError);
  });
});

describe('login and authenticate', () => {
  let ctx: AuthContext;
  let clock: TestClock;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    clock = testClock(Date.parse('2026-11-21T08:00:00Z'));
    ({ ctx, dispose } = await createTestContext(clock));
    await createUser(ctx, 'test', {
      username: 'charge1',
      password: 'charge-pass-1',
      role: 'charge',
    });
  });
  afterEach(async () => {
    await dispose();
  });

  it('logs in with the right password and the token authenticates', async () => {
    const { token, user } = await login(ctx, { username: 'charge1', password: 'charge-pass-1' });
    expect(user).toEqual({ username: 'charge1', role: 'charge' });
    expect(await authenticate(ctx, token)).toEqual({ username: 'charge1', role: 'charge' });
  });

  it('refuses wrong password and unknown user with the same 401', async () => {
    const wrong = login(ctx, { username: 'charge1', password: 'nope-nope-1' });
    await expect(wrong).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    await expect(login(ctx, { username: 'ghost', password: 'nope-nope-1' })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
  });

  it('reads the role from the store: a token of a removed account stops working', async () => {
    const { token } = await login(ctx, { username: 'charge1', password: 'charge-pass-1' });
    await ctx.db.deleteFrom('users').where('username', '=', 'charge1').execute();
    await expect(authenticate(ctx, token)).rejects.toMatchObject({ status: 401 });
  });

  it('expires tokens on the injected clock', async () => {
    const { token } = await login(ctx, { username: 'charge1', password: 'charge-pass-1' });
    clock.advance(13 * 3600_000);
    await expect(authenticate(ctx, token)).rejects.toThrow('expired');
  });
});
