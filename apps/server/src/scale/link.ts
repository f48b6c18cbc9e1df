import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Logger } from 'pino';
import type { ChairsideIo } from '../realtime/sockets';

/**
 * The Redis link of one server process (`REDIS_URL`): two node-redis clients (Redis pub/sub
 * needs a connection of its own for subscribing), the Socket.io Redis adapter over them, and
 * whether Redis is reachable now.
 *
 * Redis is never on the critical path of a process's own clients. When it goes away:
 * - `io.to(room).emit` still reaches this process's sockets: the adapter's publish is wrapped
 *   so that it is skipped while the link is down instead of failing (the adapter does not await
 *   it, so a rejection would be an unhandled one) or queueing stale vitals for later;
 * - the clients reconnect by themselves (every 0.5-3 s) and resubscribe; `status` says
 *   `lost` meanwhile (health reports it) and the change is logged once each way.
 */

export type RedisStatus = 'connected' | 'lost';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisLinkOptions {
  url: string;
  /** Prefix of every key and channel (tests run side by side on one Redis). */
  keyPrefix: string;
  logger: Logger;
}

const reconnectStrategy = (retries: number): number => Math.min(500 + retries * 250, 3000);

export class RedisLink {
  /** Unique per process start: names this process in leases and request channels. */
  readonly processId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly keyPrefix: string;
  /** Commands and publishing; fails fast while disconnected (no offline queue). */
  readonly pub: RedisClient;
  /** Subscriptions only; they are queued until the first connection and renewed on reconnect. */
  readonly sub: RedisClient;
  readonly #logger: Logger;
  #status: RedisStatus = 'lost';
  #everConnected = false;
  #warnedUnreachable = false;
  #closed = false;
  readonly #onChange: ((status: RedisStatus) => void)[] = [];

  constructor(options: RedisLinkOptions) {
    this.keyPrefix = options.keyPrefix;
    this.#logger = options.logger;
    const socket = { reconnectStrategy, connectTimeout: 2000 };
    this.pub = createClient({ url: options.url, socket, disableOfflineQueue: true });
    this.sub = createClient({ url: options.url, socket });
    for (const [name, client] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      // Without an 'error' listener node-redis would take the process down with it.
      client.on('error', (error: unknown) => {
        this.#logger.debug({ err: error, client: name }, 'redis client error');
        this.#update(true);
      });
      client.on('ready', () => {
        this.#update();
      });
      client.on('end', () => {
        this.#update();
      });
      client.on('reconnecting', () => {
        this.#update();
      });
    }
  }

  /** Set by `close` / `dropIfLost`: errors after it are the shutdown's own. */
  get closed(): boolean {
    return this.#closed;
  }

  get status(): RedisStatus {
    return this.#status;
  }

  /** Called on every change of `status`. */
  onStatusChange(listener: (status: RedisStatus) => void): void {
    this.#onChange.push(listener);
  }

  /** Resolves once connected, or with `lost` after `ms`: a process starts without Redis. */
  waitConnected(ms: number): Promise<RedisStatus> {
    if (this.#status === 'connected') return Promise.resolve('connected');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve(this.#status);
      }, ms);
      this.onStatusChange((status) => {
        if (status !== 'connected') return;
        clearTimeout(timer);
        resolve(status);
      });
    });
  }

  /** A key or channel name of this deployment. */
  key(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  /** Starts connecting; never waits for Redis, so a process starts (and serves) without it. */
  connect(): void {
    for (const client of [this.pub, this.sub]) {
      client.connect().catch((error: unknown) => {
        if (!this.#closed) this.#logger.error({ err: error }, 'redis connection given up');
      });
    }
  }

  /** Puts the Socket.io Redis adapter on `io`: a room emit reaches the sockets of every process. */
  attach(io: ChairsideIo): void {
    const pub = this.pub;
    const safePublish = (channel: string, message: string | Buffer): Promise<number> => {
      if (!pub.isReady) return Promise.resolve(0);
      return pub.publish(channel, message).catch((error: unknown) => {
        this.#logger.debug({ err: error }, 'redis publish failed');
        return 0;
      });
    };
    // Only `publish` differs; everything else (NUMSUB, error listeners) is the real client's.
    const adapterPub = new Proxy(pub, {
      get(target, property): unknown {
        if (property === 'publish') return safePublish;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    io.adapter(createAdapter(adapterPub, this.sub, { key: this.key('socket.io') }));
  }

  /** Publishes a message of ours; false when Redis is unreachable (nothing is queued). */
  async publish(channel: string, message: string): Promise<boolean> {
    if (!this.pub.isReady) return false;
    try {
      await this.pub.publish(channel, message);
      return true;
    } catch (error) {
      this.#logger.debug({ err: error, channel }, 'redis publish failed');
      return false;
    }
  }

  /**
   * At shutdown with Redis away: drops both connections, so that nothing waits for a Redis that
   * may not come back (the adapter's unsubscribe on `io.close` would be queued until then).
   */
  dropIfLost(): void {
    if (this.#status === 'connected') return;
    this.#closed = true;
    for (const client of [this.pub, this.sub]) if (client.isOpen) client.destroy();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [this.pub, this.sub].map(async (client) => {
        try {
          if (client.isOpen) await client.close();
        } catch {
          client.destroy();
        }
      }),
    );
  }

  #update(failed = false): void {
    const status: RedisStatus = this.pub.isReady && this.sub.isReady ? 'connected' : 'lost';
    if (this.#closed) return;
    if (failed && !this.#everConnected && !this.#warnedUnreachable) {
      // Never reached at all (wrong URL, Redis down at start): say so once, keep trying.
      this.#warnedUnreachable = true;
      this.#logger.warn(
        { redis: status, processId: this.processId },
        'Redis unreachable: this process serves its own clients alone until it connects',
      );
    }
    if (status === this.#status) return;
    this.#status = status;
    if (status === 'connected') {
      this.#logger.info(
        { redis: status, processId: this.processId },
        this.#everConnected
          ? 'Redis is back: dashboards on every process share one live view again'
          : 'Redis connected: dashboards on every process share one live view',
      );
      this.#everConnected = true;
    } else {
      this.#logger.warn(
        { redis: status, processId: this.processId },
        'Redis lost: this process keeps serving its own clients and evaluates the alarms of the chairs fed here, ' +
          'but dashboards on other processes do not see its updates until Redis is back',
      );
    }
    for (const listener of this.#onChange) listener(status);
  }
}
