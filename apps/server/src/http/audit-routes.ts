import { Router } from 'express';
import type { AuthContext } from '../domain/auth';
import { queryAudit } from '../domain/audit';
import { requireAuth, requirePermission } from './auth-middleware';

/** The audit trail, for the charge nurse and the admin (`audit:read`). */
export function auditRouter(ctx: AuthContext): Router {
  const router = Router();
  router.get('/audit', requireAuth(ctx), requirePermission('audit:read'), async (req, res) => {
    res.json(await queryAudit(ctx.db, req.query));
  });
  return router;
}
