import { Router } from 'express';
import { AlertQuerySchema } from '@chairside/core';
import type { AlarmService } from '../alarms/service';
import { alertChangesOf, queryAlerts, toAlertRecord } from '../alarms/store';
import type { AuthContext } from '../domain/auth';
import { notFound } from '../domain/errors';
import { currentUser, requireAuth, requirePermission } from './auth-middleware';
import { pathParam } from './routes';
import { parseBody } from './validate';

/** Alerts (history, acknowledgment), alarm rules (clinic and session) and audio pauses. */
export function alarmsRouter(ctx: AuthContext, alarms: AlarmService): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  router.get('/alerts', auth, requirePermission('alerts:read'), async (req, res) => {
    const query = parseBody(AlertQuerySchema, req.query, 'alerts query');
    res.json({ alerts: await queryAlerts(ctx.db, query) });
  });
  router.get('/alerts/:alertId', auth, requirePermission('alerts:read'), async (req, res) => {
    const alertId = pathParam(req, 'alertId');
    const row = await ctx.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alertId)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`alert "${alertId}" does not exist`);
    res.json({ alert: toAlertRecord(row), changes: await alertChangesOf(ctx.db, alertId) });
  });
  router.post(
    '/alerts/:alertId/acknowledge',
    auth,
    requirePermission('alerts:acknowledge'),
    async (req, res) => {
      res.json({ alert: await alarms.acknowledge(pathParam(req, 'alertId'), currentUser(req)) });
    },
  );

  router.get('/alarm-rules', auth, requirePermission('alerts:read'), (_req, res) => {
    res.json(alarms.clinicRules());
  });
  router.put('/alarm-rules', auth, requirePermission('alarm-rules:clinic'), async (req, res) => {
    res.json(await alarms.setClinicRules(currentUser(req).username, req.body));
  });
  router.get(
    '/sessions/:sessionId/alarm-rules',
    auth,
    requirePermission('alerts:read'),
    async (req, res) => {
      res.json(await alarms.sessionRules(pathParam(req, 'sessionId')));
    },
  );
  router.put(
    '/sessions/:sessionId/alarm-rules',
    auth,
    requirePermission('alarm-rules:session'),
    async (req, res) => {
      res.json(
        await alarms.setSessionRules(
          currentUser(req).username,
          pathParam(req, 'sessionId'),
          req.body,
        ),
      );
    },
  );

  router.post(
    '/chairs/:chairId/audio-pause',
    auth,
    requirePermission('alerts:acknowledge'),
    async (req, res) => {
      res
        .status(201)
        .json({ pause: await alarms.pauseAudio(pathParam(req, 'chairId'), currentUser(req)) });
    },
  );
  router.get(
    '/chairs/:chairId/alarm-state',
    auth,
    requirePermission('alerts:read'),
    async (req, res) => {
      res.json(await alarms.chairState(pathParam(req, 'chairId')));
    },
  );
  router.get(
    '/chairs/:chairId/audio-pause',
    auth,
    requirePermission('alerts:read'),
    async (req, res) => {
      res.json({ pause: await alarms.currentPause(pathParam(req, 'chairId')) });
    },
  );
  return router;
}
