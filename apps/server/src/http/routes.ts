import { Router } from 'express';
import type { Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import {
  ChairCreateSchema,
  LoginSchema,
  SessionCreateSchema,
  SessionEventInputSchema,
  UserCreateSchema,
} from '@chairside/core';
import type { AuthContext } from '../domain/auth';
import { login } from '../domain/auth';
import { createChair, getChair, listChairs } from '../domain/chairs';
import { DomainError } from '../domain/errors';
import { applySessionEvent, createSession, getSession } from '../domain/sessions';
import { createUser, listUsers } from '../domain/users';
import { queryTrend } from '../domain/trend';
import { ingestVitals, queryVitals } from '../domain/vitals';
import { currentUser, requireAuth, requirePermission } from './auth-middleware';
import { parseBody } from './validate';

/** A named path segment; Express always sets the ones in the route pattern. */
export function pathParam(req: Request, name: string): string {
  const value: unknown = req.params[name];
  if (typeof value !== 'string')
    throw new DomainError(400, 'bad_request', `missing path parameter ${name}`);
  return value;
}

export interface LoginRateLimit {
  /** Attempts allowed per IP address within `windowMs`. */
  limit: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { limit: 10, windowMs: 60_000 };

/** `/health` and `/auth/login`: the only routes without a token. */
export function publicRouter(ctx: AuthContext, loginRateLimit: LoginRateLimit): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Slows password guessing; counted per client address.
  const loginLimiter = rateLimit({
    windowMs: loginRateLimit.windowMs,
    limit: loginRateLimit.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(
        new DomainError(
          429,
          'too_many_requests',
          `too many login attempts: at most ${loginRateLimit.limit} per ${Math.round(loginRateLimit.windowMs / 1000)} s, try again shortly`,
        ),
      );
    },
  });
  router.post('/auth/login', loginLimiter, async (req, res) => {
    const input = parseBody(LoginSchema, req.body);
    res.json(await login(ctx, input));
  });
  return router;
}

export function usersRouter(ctx: AuthContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);
  router.get('/users', auth, requirePermission('users:manage'), async (_req, res) => {
    res.json({ users: await listUsers(ctx) });
  });
  router.post('/users', auth, requirePermission('users:manage'), async (req, res) => {
    const input = parseBody(UserCreateSchema, req.body);
    res.status(201).json({ user: await createUser(ctx, currentUser(req).username, input) });
  });
  return router;
}

export function chairsRouter(ctx: AuthContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);
  router.get('/chairs', auth, requirePermission('chairs:read'), async (_req, res) => {
    res.json({ chairs: await listChairs(ctx) });
  });
  router.post('/chairs', auth, requirePermission('chairs:manage'), async (req, res) => {
    const input = parseBody(ChairCreateSchema, req.body);
    res.status(201).json({ chair: await createChair(ctx, currentUser(req).username, input) });
  });
  router.get('/chairs/:chairId', auth, requirePermission('chairs:read'), async (req, res) => {
    res.json({ chair: await getChair(ctx, pathParam(req, 'chairId')) });
  });
  return router;
}

export function sessionsRouter(ctx: AuthContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);
  router.post(
    '/chairs/:chairId/sessions',
    auth,
    requirePermission('sessions:manage'),
    async (req, res) => {
      const input = parseBody(SessionCreateSchema, req.body);
      res.status(201).json({
        session: await createSession(
          ctx,
          currentUser(req).username,
          pathParam(req, 'chairId'),
          input,
        ),
      });
    },
  );
  router.get('/sessions/:sessionId', auth, requirePermission('chairs:read'), async (req, res) => {
    res.json({ session: await getSession(ctx.db, pathParam(req, 'sessionId')) });
  });
  router.post(
    '/sessions/:sessionId/events',
    auth,
    requirePermission('sessions:manage'),
    async (req, res) => {
      const input = parseBody(SessionEventInputSchema, req.body);
      res.json({
        session: await applySessionEvent(
          ctx,
          currentUser(req).username,
          pathParam(req, 'sessionId'),
          input,
        ),
      });
    },
  );
  return router;
}

export function vitalsRouter(ctx: AuthContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);
  router.post(
    '/chairs/:chairId/vitals',
    auth,
    requirePermission('vitals:ingest'),
    async (req, res) => {
      const { accepted, duplicates } = await ingestVitals(
        ctx,
        currentUser(req),
        pathParam(req, 'chairId'),
        req.body,
      );
      res.status(201).json({ accepted, duplicates });
    },
  );
  router.get(
    '/chairs/:chairId/vitals',
    auth,
    requirePermission('vitals:read'),
    async (req, res) => {
      res.json({ samples: await queryVitals(ctx, pathParam(req, 'chairId'), req.query) });
    },
  );
  // Downsampled per parameter on the server (domain/trend.ts): long windows for the charts.
  router.get(
    '/chairs/:chairId/vitals/trend',
    auth,
    requirePermission('vitals:read'),
    async (req, res) => {
      res.json({ trend: await queryTrend(ctx, pathParam(req, 'chairId'), req.query) });
    },
  );
  return router;
}
