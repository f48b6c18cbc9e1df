import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { createChairsideServer } from './app';
import { DEMO_PASSWORD, DEMO_ROLES, seedDemoClinic } from './demo/seed';
import { startDemoSimulation } from './demo/simulation';
import type { DemoSimulation } from './demo/simulation';

/**
 * `pnpm start` / `pnpm demo`: reads the contract's environment variables, starts one server
 * process and shuts it down cleanly on SIGTERM / SIGINT.
 */

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be a whole number from 0 to 65535 (got "${value ?? ''}")`);
  }
  return port;
}

/** A framed block on stdout, easy to spot among the JSON log lines. */
function box(lines: readonly string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const bar = `+${'-'.repeat(width + 2)}+`;
  return [bar, ...lines.map((l) => `|  ${l.padEnd(width)}|`), bar].join('\n');
}

function accountLines(accounts: readonly string[], password: string): string[] {
  return accounts.map((a) => `  ${a.padEnd(8)} / ${password}`);
}

async function main(): Promise<void> {
  const env = process.env;
  const demo = process.argv.slice(2).includes('--demo');
  const logger = pino({ level: env['LOG_LEVEL'] ?? 'info' });
  const port = parsePort(env['PORT']);
  const host = env['HOST'] ?? '127.0.0.1';
  // `pnpm --filter` runs us in apps/server; a relative DATA_DIR means the directory the user
  // ran pnpm from (the repository root for `pnpm start`).
  const baseDir = env['INIT_CWD'] ?? process.cwd();
  const rawDataDir = env['DATA_DIR'] ?? './data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(baseDir, rawDataDir);
  const adminPassword = env['ADMIN_PASSWORD'] === '' ? undefined : env['ADMIN_PASSWORD'];

  const databaseUrl = env['DATABASE_URL'] === '' ? undefined : env['DATABASE_URL'];
  // Several processes behind a load balancer share one live view and alarm owner per chair.
  const redisUrl = env['REDIS_URL'] === '' ? undefined : env['REDIS_URL'];

  const server = createChairsideServer({
    dataDir,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(env['REDIS_KEY_PREFIX'] === undefined || env['REDIS_KEY_PREFIX'] === ''
      ? {}
      : { redisKeyPrefix: env['REDIS_KEY_PREFIX'] }),
    logger,
    ...(adminPassword === undefined ? {} : { adminPassword }),
  });
  await server.ready();
  if (demo) {
    const seeded = await seedDemoClinic(
      server.context,
      adminPassword === undefined ? {} : { adminPassword },
    );
    logger.info(seeded, 'demo clinic seeded');
  }
  const { url, generatedAdminPassword } = await server.listen(port, host);
  // Never log the URL itself: it may carry the database password.
  logger.info(
    {
      url,
      store: databaseUrl === undefined ? `sqlite in ${dataDir}` : 'postgresql',
      redis: redisUrl === undefined ? 'off' : server.scale?.link.status,
      demo,
    },
    'Chairside listening',
  );

  let feed: DemoSimulation | null = null;
  if (demo) {
    feed = await startDemoSimulation({ ctx: server.context, host: server.simulator, logger });
    const lines = [
      'Chairside demo clinic is running',
      '',
      `Open ${url}`,
      '',
      ...accountLines(
        DEMO_ROLES.filter((r) => r !== 'admin' || adminPassword === undefined),
        DEMO_PASSWORD,
      ),
      ...(adminPassword === undefined ? [] : ['  admin    / (your ADMIN_PASSWORD)']),
      '',
      'The training simulator plays ketamine infusions on Chair 1..6:',
      'typical responses, a hypertensive surge (Chair 3) and a',
      'desaturation (Chair 5) a few minutes in. Trainer console: /trainer',
    ];
    process.stdout.write(`\n${box(lines)}\n\n`);
  }
  if (generatedAdminPassword !== null) {
    // Shown exactly once: it is stored only as a hash.
    const lines = [
      'First start: admin account created',
      '',
      `Open ${url}`,
      '',
      ...accountLines(['admin'], generatedAdminPassword),
      '',
      'Write this password down now: it is shown only once.',
    ];
    process.stdout.write(`\n${box(lines)}\n\n`);
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const stopFeed = feed === null ? Promise.resolve() : feed.stop();
    stopFeed
      .then(() => server.close())
      .then(() => {
        logger.info('stopped cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Chairside failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (error instanceof Error && error.cause !== undefined)
    process.stderr.write(`  cause: ${inspect(error.cause)}\n`);
  process.exit(1);
});
