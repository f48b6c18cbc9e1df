import { can } from '@chairside/core';
import type { Permission, User } from '@chairside/core';
import type { Request, RequestHandler } from 'express';
import { authenticate } from '../domain/auth';
import type { AuthContext } from '../domain/auth';
import { forbidden, unauthorized } from '../domain/errors';

// The authenticated user of a request, kept beside it rather than patched onto Express's types.
const users = new WeakMap<Request, User>();

/** The user `requireAuth` authenticated; calling it on an unauthenticated route is a bug. */
export function currentUser(req: Request): User {
  const user = users.get(req);
  if (user === undefined) throw unauthorized();
  return user;
}

export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export function requireAuth(ctx: AuthContext): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (token === null)
      throw unauthorized(
        'missing bearer token: send Authorization: Bearer <token> from POST /api/v1/auth/login',
      );
    users.set(req, await authenticate(ctx, token));
    next();
  };
}

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!can(user.role, permission)) {
      throw forbidden(`role "${user.role}" may not do this (needs permission ${permission})`);
    }
    next();
  };
}
