import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Express } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { AlarmService } from './alarms/service';
import { loadOrCreateTokenSecret } from './domain/auth';
import type { AuthContext } from './domain/auth';
import { createDomainEvents } from './domain/context';
import type { DomainEvents } from './domain/context';
import { ensureAdmin } from './domain/users';
import { alarmsRouter } from './http/alarm-routes';
import { auditRouter } from './http/audit-routes';
import { simulatorRouter } from './http/simulator-routes';
import { apiNotFound, errorHandler, requireJsonBody } from './http/errors';
import { buildOpenApiDocument } from './http/openapi';
import { requestLog } from './http/request-log';
import {
  DEFAULT_LOGIN_RATE_LIMIT,
  chairsRouter,
  publicRouter,
  sessionsRouter,
  usersRouter,
  vitalsRouter,
} from './http/routes';
import type { LoginRateLimit } from './http/routes';
import { createRealtime } from './realtime/sockets';
import type { RealtimeOptions } from './realtime/sockets';
import type { Relay } from './realtime/relay';
import type { ChairsideIo } from './realtime/sockets';
import { closeStore, migrateToLatest, openStore } from './store/database';
import { ScaleOut } from './scale';
import { SimulatorHost } from './simulator/host';
import { defaultPhysioNetDir } from './simulator/players';
import type { ChairsideDb } from './store/database';

export interface ChairsideServerOptions {
  /** Folder of the embedded SQLite file (created if missing). */
  dataDir: string;
  /** `postgres://...`: store in PostgreSQL instead of the SQLite file in `dataDir`. */
  databaseUrl?: string;
  /** Epoch milliseconds; injected so tests and replays control time. */
  clock?: () => number;
  logger?: Logger;
  /** The built dashboard; `null` serves none. Default: apps/web/dist. */
  webDist?: string | null;
  /** Password for `admin` when the store has no users yet; else one is generated. */
  adminPassword?: string;
  /** Login attempts per IP address and window (default 10 per minute). */
  loginRateLimit?: LoginRateLimit;
  /** Real-time interval of the alarm tick (default 1000 ms); the tick reads `clock`. */
  alarmTickMs?: number;
  /** Folder of the PhysioNet 2012 set for `physionet:<id>` runs (default CHAIRSIDE_PHYSIONET_DIR or the shared data folder); null: none. */
  physioNetDir?: string | null;
  /** `redis://...` (REDIS_URL): several processes share one live view and one alarm owner per chair. */
  redisUrl?: string;
  /** Bounds of the relay for dashboards that fall behind (tests make them small). */
  relay?: RealtimeOptions['relay'];
  /** Prefix of the Redis keys and channels (default `chairside:`; tests use one of their own). */
  redisKeyPrefix?: string;
}

export interface ListeningAddress {
  url: string;
  port: number;
  /** Set once, on a first start without `adminPassword`: show it to the operator. */
  generatedAdminPassword: string | null;
}

export interface ChairsideServer {
  app: Express;
  httpServer: HttpServer;
  io: ChairsideIo;
  /** Stored samples and alert changes to the dashboards: coalescing, cursors, slow clients. */
  relay: Relay;
  db: ChairsideDb;
  /** Announcements after commit: stored samples, changed chairs (the alarm engine plugs in here). */
  events: DomainEvents;
  /** The domain context the routes use (for seeding and in-process tools). */
  context: AuthContext;
  /** The alarm engine of every chair: alerts, rules, audio pauses. */
  alarms: AlarmService;
  /** The training simulator's runs (they feed through the public socket ingest). */
  simulator: SimulatorHost;
  /** The Redis link and alarm ownership across processes; null without `redisUrl`. */
  scale: ScaleOut | null;
  logger: Logger;
  /** Migrates the store and loads the token secret; `listen` calls it. Idempotent. */
  ready(): Promise<void>;
  listen(port: number, host?: string): Promise<ListeningAddress>;
  close(): Promise<void>;
}

export const API_BASE = '/api/v1';
const BODY_LIMIT = '1mb';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chairside</title></head>
<body style="background:#111;color:#ddd;font:16px system-ui;padding:2rem">
<h1>Chairside</h1><p>dashboard not built: run pnpm build (or pnpm demo) from the repository root.</p>
<p>The API is up at <code>${API_BASE}</code>; see <code>${API_BASE}/openapi.json</code>.</p>
</body></html>`;

function serveDashboard(app: Express, webDist: string | null): void {
  if (webDist !== null) app.use(express.static(webDist, { index: 'index.html' }));
  // SPA fallback: every other GET outside the API and the socket path is the app's own route.
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/socket.io')) {
      next();
      return;
    }
    // A missing file (an old asset hash) is a 404, not the app's HTML served as script.
    if (/\.[a-z0-9]+$/i.test(req.path)) {
      res.status(404).type('text').send('not found');
      return;
    }
    const index = webDist === null ? null : join(webDist, 'index.html');
    if (index !== null && existsSync(index)) res.sendFile(index);
    else res.type('html').send(NOT_BUILT_PAGE);
  });
}

/**
 * Builds the whole Chairside server (HTTP API, dashboard, Socket.io) over one store. Nothing
 * listens until `listen`; port 0 picks a free port.
 */
export function createChairsideServer(options: ChairsideServerOptions): ChairsideServer {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? pino({ level: process.env['LOG_LEVEL'] ?? 'info' });
  const webDist = options.webDist === undefined ? DEFAULT_WEB_DIST : options.webDist;
  const db = openStore({
    ...options,
    onConnectionError: (error) => {
      logger.warn({ err: error }, 'database connection lost; it is reopened on next use');
    },
    onCheckpointError: (message) => {
      logger.warn(
        { reason: message },
        'SQLite checkpoint worker failed; the store checkpoints itself',
      );
    },
  });
  const events = createDomainEvents((error) => {
    logger.error({ err: error }, 'after-commit listener failed');
  });

  let tokenSecret: Uint8Array | null = null;
  const context: AuthContext = {
    db,
    clock,
    events,
    get tokenSecret(): Uint8Array {
      if (tokenSecret === null)
        throw new Error('the server is not ready: await ready() or listen() first');
      return tokenSecret;
    },
  };

  // With Redis, the Socket.io adapter and alarm ownership across processes (src/scale).
  const scale =
    options.redisUrl === undefined
      ? null
      : new ScaleOut({
          url: options.redisUrl,
          ...(options.redisKeyPrefix === undefined ? {} : { keyPrefix: options.redisKeyPrefix }),
          ctx: context,
          logger,
        });
  const alarmOptions = {
    ctx: context,
    logger,
    ...(options.alarmTickMs === undefined ? {} : { tickMs: options.alarmTickMs }),
  };
  const alarms = scale === null ? new AlarmService(alarmOptions) : scale.alarmService(alarmOptions);

  const simulator = new SimulatorHost({
    ctx: context,
    logger,
    physioNetDir: options.physioNetDir === undefined ? defaultPhysioNetDir() : options.physioNetDir,
    sharedStore: options.redisUrl !== undefined,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The built app has no inline scripts; charts set inline styles. 'self' covers the
          // same-origin ws: connection of Socket.io (CSP level 3).
          'script-src': ["'self'"],
          'connect-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          // A clinic LAN runs plain http: upgrading would break every request.
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: false,
    }),
  );
  app.use(requestLog(logger));

  const api = express.Router();
  api.use(requireJsonBody);
  api.use(express.json({ limit: BODY_LIMIT }));
  if (scale !== null) {
    // Same status and 200 as ever (the contract), plus whether this process reaches Redis.
    api.get('/health', (_req, res) => {
      res.json({ status: 'ok', ...scale.health() });
    });
  }
  api.use(publicRouter(context, options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT));
  const openApi = buildOpenApiDocument();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(usersRouter(context));
  api.use(chairsRouter(context));
  api.use(sessionsRouter(context));
  api.use(vitalsRouter(context));
  api.use(alarmsRouter(context, alarms));
  api.use(simulatorRouter(context, simulator));
  api.use(auditRouter(context));
  api.use(apiNotFound);
  app.use(API_BASE, api);
  app.use('/api', apiNotFound);
  serveDashboard(app, webDist);
  app.use(errorHandler(logger));

  const httpServer = createServer(app);
  const { io, relay } = createRealtime(httpServer, context, logger, alarms, {
    crossProcess: scale !== null,
    ...(options.relay === undefined ? {} : { relay: options.relay }),
  });
  scale?.attach(io);

  let readying: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    readying ??= (async () => {
      const applied = await migrateToLatest(db);
      if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
      tokenSecret = await loadOrCreateTokenSecret(db);
      // Rebuilds every chair's alarm state from the store and starts the 1 s tick.
      await scale?.connected();
      await alarms.start();
      await scale?.start();
      await simulator.start();
    })();
    return readying;
  };

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop accepting, let requests in flight finish (briefly), drop the sockets, then the store.
      const httpClosed = new Promise<void>((resolve) => {
        if (!httpServer.listening) resolve();
        else
          httpServer.close(() => {
            resolve();
          });
      });
      httpServer.closeIdleConnections();
      const force = setTimeout(() => {
        httpServer.closeAllConnections();
      }, 3000);
      force.unref();
      // Runs feed through our own sockets and write to the store: they end (and are recorded) first.
      await simulator.close();
      scale?.dropIfLost();
      relay.close();
      await io.close();
      await httpClosed;
      clearTimeout(force);
      // The tick stops and queued alarm work finishes before the store closes under it.
      await scale?.stopOwning();
      await alarms.stop();
      await scale?.close();
      await closeStore(db);
    })();
    return closing;
  };

  const listen = async (port: number, host = '127.0.0.1'): Promise<ListeningAddress> => {
    await ready();
    const { generatedPassword } = await ensureAdmin(context, options.adminPassword);
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const address = httpServer.address() as AddressInfo;
    const shownHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    simulator.setUrl(`http://${shownHost}:${address.port}`);
    return {
      url: `http://${shownHost}:${address.port}`,
      port: address.port,
      generatedAdminPassword: generatedPassword,
    };
  };

  return {
    app,
    httpServer,
    io,
    relay,
    db,
    events,
    context,
    alarms,
    simulator,
    scale,
    logger,
    ready,
    listen,
    close,
  };
}
