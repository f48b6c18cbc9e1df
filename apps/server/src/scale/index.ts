import type { Logger } from 'pino';
import type { AlarmServiceOptions } from '../alarms/service';
import type { DomainContext } from '../domain/context';
import type { ChairsideIo } from '../realtime/sockets';
import { RedisLink } from './link';
import type { RedisStatus } from './link';
import { AlarmOwnership, ScaledAlarmService } from './ownership';

export { LEASE_RENEW_MS, LEASE_TTL_MS } from './ownership';
export type { RedisStatus } from './link';

/** How long a starting process waits for Redis before it starts alone (and says so). */
const START_WAIT_MS = 5000;

export interface ScaleOutOptions {
  /** `redis://...` (REDIS_URL). */
  url: string;
  /** Prefix of every Redis key and channel; default `chairside:`. */
  keyPrefix?: string;
  ctx: DomainContext;
  logger: Logger;
}

/** What `GET /health` adds when REDIS_URL is set. */
export interface ScaleOutHealth {
  redis: RedisStatus;
  process: string;
  /** Chairs whose alarms this process evaluates (with Redis lost: every chair fed here). */
  alarmChairs: number;
}

/**
 * Several server processes behind one load balancer (REDIS_URL): the Socket.io Redis adapter
 * and the ownership of each chair's alarms (see ownership.ts). Built before the alarm service.
 */
export class ScaleOut {
  readonly link: RedisLink;
  readonly ownership: AlarmOwnership;
  #alarms: ScaledAlarmService | null = null;

  constructor(options: ScaleOutOptions) {
    this.link = new RedisLink({
      url: options.url,
      keyPrefix: options.keyPrefix ?? 'chairside:',
      logger: options.logger,
    });
    this.ownership = new AlarmOwnership({
      link: this.link,
      ctx: options.ctx,
      logger: options.logger,
    });
    this.link.connect();
  }

  /** The alarm service of this process, routing each chair's operations to its owner. */
  alarmService(options: AlarmServiceOptions): ScaledAlarmService {
    this.#alarms = new ScaledAlarmService(options, this.ownership);
    return this.#alarms;
  }

  attach(io: ChairsideIo): void {
    this.link.attach(io);
  }

  /** Before the alarm service starts: wait (briefly) for Redis, so no chair is rebuilt twice. */
  async connected(): Promise<void> {
    await this.link.waitConnected(START_WAIT_MS);
  }

  /** After the alarm service started: subscribe and take the free chairs. */
  start(): Promise<void> {
    return this.ownership.start();
  }

  health(): ScaleOutHealth {
    const held = this.#alarms?.heldChairs().length ?? 0;
    return {
      redis: this.link.status,
      process: this.link.processId,
      alarmChairs: this.link.status === 'connected' ? this.ownership.ownedChairs().length : held,
    };
  }

  /** First step of a shutdown: a lost Redis must not hold it up. */
  dropIfLost(): void {
    this.link.dropIfLost();
  }

  /** Hands the alarm leases back (before the alarm service drains). */
  stopOwning(): Promise<void> {
    return this.ownership.close();
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
