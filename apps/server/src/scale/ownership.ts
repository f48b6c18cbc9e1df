import { randomUUID } from 'node:crypto';
import type {
  Alert,
  AudioPause,
  Chair,
  ChairAlarmState,
  StoredSample,
  User,
} from '@chairside/core';
import type { Logger } from 'pino';
import { AlarmService } from '../alarms/service';
import type { AlarmServiceOptions } from '../alarms/service';
import type { ClinicAlarmRules, SessionAlarmRules } from '../alarms/rules';
import { findAlert } from '../alarms/store';
import type { DomainContext } from '../domain/context';
import { DomainError, notFound } from '../domain/errors';
import type { RedisLink, RedisStatus } from './link';

/**
 * Alarm ownership across server processes: each alarm episode is raised ONCE, not once per
 * process.
 *
 * Every process stores what it ingests (one shared PostgreSQL) and broadcasts vitals through
 * the Socket.io Redis adapter, but exactly one process evaluates a given chair's alarms: the
 * holder of the chair's lease, a Redis key `<prefix>alarm-owner:<chairId>` whose value is the
 * holder's process id and which expires after LEASE_TTL_MS.
 * - Every LEASE_RENEW_MS each process runs one script per chair: renew the lease if it holds it,
 *   take it if nobody does (a fresh chair, a process that stopped or died), else leave it. A
 *   lease taken means the chair's engine state is rebuilt from the store (its open alerts and
 *   recent samples: the restart logic of AlarmService), so an episode the previous owner raised
 *   goes on as the same alert instead of being raised again. A lease lost means the state is
 *   dropped. The first process up takes the free chairs; a killed owner's chairs move within
 *   LEASE_TTL_MS + LEASE_RENEW_MS, a stopped one's within LEASE_RENEW_MS (it deletes its leases).
 * - Samples stored by a process that is not the owner are published on `<prefix>alarm-events`
 *   in storage order; the owner evaluates them as its own. A sample published while nobody
 *   held the lease is not lost: the next owner's rebuild reads it from the store.
 * - Acknowledgements, audio pauses and the alarm state of a chair asked of a non-owner are
 *   requests to the owner (`<prefix>alarm-process:<ownerId>`, answered on the asker's own
 *   channel); the owner stores the change and broadcasts it, so every viewer on every process
 *   sees it. With no owner at all the asker takes the lease and answers itself.
 * - Session changes and rule changes are announced on the same channel: the owner reloads.
 *
 * Redis lost: `owns` is true for every chair this process hears of, so the chairs fed here keep
 * their alarms (evaluated locally, their state rebuilt from the store on first use); nothing is
 * forwarded. When Redis is back the leases are contended again and the state of chairs another
 * process took meanwhile is dropped. Only a chair fed through two processes at once during a
 * Redis outage can have an episode raised by both.
 */

export const LEASE_TTL_MS = 10_000;
export const LEASE_RENEW_MS = 3000;
const REQUEST_TIMEOUT_MS = 5000;

// Holds or takes the lease: renewed when ours, taken when free; 1 when ours afterwards.
const HOLD_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Operation =
  | { op: 'acknowledge'; alertId: string; user: User }
  | { op: 'pause'; user: User }
  | { op: 'state' };

type ChannelMessage =
  | { t: 'samples'; from: string; chairId: string; samples: StoredSample[] }
  | { t: 'chair'; from: string; chair: Chair }
  | { t: 'rules'; from: string };

type ProcessMessage =
  | ({ t: 'request'; id: string; from: string; chairId: string } & Operation)
  | { t: 'reply'; id: string; ok: true; value: unknown }
  | { t: 'reply'; id: string; ok: false; status: number; code: string; message: string };

const unavailable = (chairId: string): DomainError =>
  new DomainError(
    503,
    'alarm_owner_unavailable',
    `the process evaluating the alarms of chair "${chairId}" did not answer; try again in a few seconds`,
  );

export interface AlarmOwnershipOptions {
  link: RedisLink;
  ctx: DomainContext;
  logger: Logger;
}

export class AlarmOwnership {
  readonly #link: RedisLink;
  readonly #ctx: DomainContext;
  readonly #logger: Logger;
  readonly #owned = new Set<string>();
  readonly #pending = new Map<string, (message: ProcessMessage & { t: 'reply' }) => void>();
  #alarms: ScaledAlarmService | null = null;
  #started = false;
  #timer: NodeJS.Timeout | null = null;
  #passing: Promise<void> | null = null;
  #unsubscribe: (() => void)[] = [];

  constructor(options: AlarmOwnershipOptions) {
    this.#link = options.link;
    this.#ctx = options.ctx;
    this.#logger = options.logger;
  }

  get processId(): string {
    return this.#link.processId;
  }

  leaseKey(chairId: string): string {
    return this.#link.key(`alarm-owner:${chairId}`);
  }

  /** Whether this process evaluates the chair's alarms now. */
  owns(chairId: string): boolean {
    // Before start nothing is ours (AlarmService.start rebuilds no chair here; the first lease
    // pass adopts). With Redis lost, every chair fed here is ours.
    if (!this.#started) return false;
    return this.#link.status === 'lost' || this.#owned.has(chairId);
  }

  /** The chairs whose lease this process holds. */
  ownedChairs(): string[] {
    return [...this.#owned];
  }

  bind(alarms: ScaledAlarmService): void {
    this.#alarms = alarms;
  }

  /** Subscribes, takes the free leases and starts renewing (after `AlarmService.start`). */
  async start(): Promise<void> {
    const { events } = this.#ctx;
    this.#unsubscribe.push(
      events.samplesStored.add((chairId, samples) => {
        if (!this.owns(chairId))
          this.#announce({ t: 'samples', from: this.processId, chairId, samples });
      }),
      events.chairChanged.add((chair) => {
        if (!this.owns(chair.id)) this.#announce({ t: 'chair', from: this.processId, chair });
      }),
    );
    // Subscriptions wait for the connection (queued): never block the start on Redis.
    this.#link.sub
      .subscribe(this.#link.key('alarm-events'), (message) => {
        this.#safely(() => {
          this.#onChannel(message);
        });
      })
      .catch((error: unknown) => {
        if (!this.#link.closed)
          this.#logger.warn({ err: error }, 'subscribing to the alarm channel failed');
      });
    this.#link.sub
      .subscribe(this.#processChannel(this.processId), (message) => {
        this.#safely(() => {
          this.#onProcessMessage(message);
        });
      })
      .catch((error: unknown) => {
        if (!this.#link.closed)
          this.#logger.warn({ err: error }, 'subscribing to the process channel failed');
      });
    this.#link.onStatusChange((status: RedisStatus) => {
      if (status === 'connected') {
        void this.pass();
        return;
      }
      // Our leases lapse meanwhile, and other processes evaluate what they ingest: every chair
      // we get back is rebuilt from the store (adopted) at the first round after the outage.
      this.#owned.clear();
    });
    this.#started = true;
    await this.pass();
    this.#timer = setInterval(() => {
      void this.pass();
    }, LEASE_RENEW_MS);
  }

  /** One round of the leases: renew ours, take the free ones, drop the state of the others. */
  pass(): Promise<void> {
    this.#passing ??= this.#pass()
      .catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'alarm lease round failed');
      })
      .finally(() => {
        this.#passing = null;
      });
    return this.#passing;
  }

  async #pass(): Promise<void> {
    const alarms = this.#alarms;
    if (alarms === null || this.#link.status !== 'connected') return;
    const chairs = await this.#ctx.db.selectFrom('chairs').select('id').execute();
    await Promise.all(
      chairs.map(async ({ id }) => {
        const held = await this.#hold(id);
        if (held && !this.#owned.has(id)) {
          this.#owned.add(id);
          this.#logger.info({ chairId: id, processId: this.processId }, 'alarm owner of chair');
          await alarms.adopt(id);
        } else if (!held && this.#owned.has(id)) {
          this.#owned.delete(id);
          this.#logger.info({ chairId: id }, 'another process owns the alarms of chair now');
        }
      }),
    );
    // Chairs evaluated here during a Redis outage, or whose lease went elsewhere.
    await Promise.all(
      alarms
        .heldChairs()
        .filter((id) => !this.#owned.has(id) && this.#link.status === 'connected')
        .map((id) => alarms.release(id)),
    );
  }

  async #hold(chairId: string): Promise<boolean> {
    const reply = await this.#link.pub.eval(HOLD_SCRIPT, {
      keys: [this.leaseKey(chairId)],
      arguments: [this.processId, String(LEASE_TTL_MS)],
    });
    return reply === 1;
  }

  /**
   * Stops owning (no new evaluation starts here) and hands the leases back, so another process
   * takes over at its next round. Call before `AlarmService.stop`, which drains the queued work.
   */
  async close(): Promise<void> {
    this.#started = false;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    for (const off of this.#unsubscribe.splice(0)) off();
    await this.#passing;
    if (this.#link.status === 'connected') {
      await Promise.all(
        [...this.#owned].map((id) =>
          this.#link.pub
            .eval(RELEASE_SCRIPT, { keys: [this.leaseKey(id)], arguments: [this.processId] })
            .catch((error: unknown) => {
              this.#logger.warn({ err: error, chairId: id }, 'handing back an alarm lease failed');
            }),
        ),
      );
    }
    this.#owned.clear();
    for (const resolve of this.#pending.values())
      resolve({
        t: 'reply',
        id: '',
        ok: false,
        status: 503,
        code: 'shutting_down',
        message: 'shutting down',
      });
    this.#pending.clear();
  }

  /** Tells every process that rules changed in the store. */
  announceRules(): void {
    this.#announce({ t: 'rules', from: this.processId });
  }

  /**
   * Runs a chair's alarm operation where the chair's alarms are: here when this process owns
   * them (or nobody does and it takes them), else on the owner.
   */
  async run<T>(chairId: string, operation: Operation, local: () => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (this.owns(chairId)) return local();
      const owner = await this.#link.pub.get(this.leaseKey(chairId)).catch(() => null);
      if (owner === null || owner === this.processId) {
        await this.pass();
        continue;
      }
      const reply = await this.#request(owner, chairId, operation);
      if (reply === null) throw unavailable(chairId);
      if (reply.ok) return reply.value as T;
      if (reply.code === 'not_owner') continue;
      throw new DomainError(reply.status, reply.code, reply.message);
    }
    if (this.owns(chairId)) return local();
    throw unavailable(chairId);
  }

  /** A bad message (another version, someone else on the channel) is logged, never thrown. */
  #safely(handle: () => void): void {
    try {
      handle();
    } catch (error) {
      this.#logger.error({ err: error }, 'alarm message from another process failed');
    }
  }

  #processChannel(processId: string): string {
    return this.#link.key(`alarm-process:${processId}`);
  }

  #announce(message: ChannelMessage): void {
    void this.#link.publish(this.#link.key('alarm-events'), JSON.stringify(message));
  }

  async #request(
    owner: string,
    chairId: string,
    operation: Operation,
  ): Promise<(ProcessMessage & { t: 'reply' }) | null> {
    const id = randomUUID();
    const reply = new Promise<(ProcessMessage & { t: 'reply' }) | null>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(null);
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, (message) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(message);
      });
    });
    const request: ProcessMessage = {
      t: 'request',
      id,
      from: this.processId,
      chairId,
      ...operation,
    };
    const receivers = await this.#link.pub
      .publish(this.#processChannel(owner), JSON.stringify(request))
      .catch(() => 0);
    if (receivers === 0) {
      // The owner is gone (its lease has not lapsed yet): nobody will answer.
      this.#pending.get(id)?.({
        t: 'reply',
        id,
        ok: false,
        status: 503,
        code: 'alarm_owner_unavailable',
        message: unavailable(chairId).message,
      });
    }
    return reply;
  }

  #onChannel(raw: string): void {
    const alarms = this.#alarms;
    if (alarms === null) return;
    const message = JSON.parse(raw) as ChannelMessage;
    if (message.from === this.processId) return;
    switch (message.t) {
      case 'samples':
        if (this.owns(message.chairId)) alarms.evaluateSamples(message.chairId, message.samples);
        break;
      case 'chair':
        if (this.owns(message.chair.id)) alarms.chairChanged(message.chair);
        break;
      case 'rules':
        alarms.reloadRules().catch((error: unknown) => {
          this.#logger.error({ err: error }, 'reloading the alarm rules failed');
        });
        break;
    }
  }

  #onProcessMessage(raw: string): void {
    const message = JSON.parse(raw) as ProcessMessage;
    if (message.t === 'reply') {
      this.#pending.get(message.id)?.(message);
      return;
    }
    const answer = (reply: ProcessMessage): void => {
      void this.#link.publish(this.#processChannel(message.from), JSON.stringify(reply));
    };
    const alarms = this.#alarms;
    if (alarms === null || !this.owns(message.chairId)) {
      answer({
        t: 'reply',
        id: message.id,
        ok: false,
        status: 409,
        code: 'not_owner',
        message: 'not the owner',
      });
      return;
    }
    alarms.runHere(message.chairId, message).then(
      (value) => {
        answer({ t: 'reply', id: message.id, ok: true, value });
      },
      (error: unknown) => {
        if (error instanceof DomainError) {
          answer({
            t: 'reply',
            id: message.id,
            ok: false,
            status: error.status,
            code: error.code,
            message: error.message,
          });
          return;
        }
        this.#logger.error(
          { err: error, op: message.op },
          'alarm request from another process failed',
        );
        answer({
          t: 'reply',
          id: message.id,
          ok: false,
          status: 500,
          code: 'internal_error',
          message: 'something went wrong on the server; it has been logged',
        });
      },
    );
  }
}

/**
 * The AlarmService of a process among several: the operations on a chair's alarms run on the
 * chair's owner (see AlarmOwnership), rule changes are announced to the others.
 */
export class ScaledAlarmService extends AlarmService {
  readonly #ownership: AlarmOwnership;
  readonly #ctx: DomainContext;

  constructor(options: AlarmServiceOptions, ownership: AlarmOwnership) {
    super({ ...options, owns: (chairId) => ownership.owns(chairId) });
    this.#ownership = ownership;
    this.#ctx = options.ctx;
    ownership.bind(this);
  }

  override async acknowledge(alertId: string, user: User): Promise<Alert> {
    const stored = await findAlert(this.#ctx.db, alertId);
    if (stored === null) throw notFound(`alert "${alertId}" does not exist`);
    return this.#ownership.run(stored.chairId, { op: 'acknowledge', alertId, user }, () =>
      super.acknowledge(alertId, user),
    );
  }

  override async pauseAudio(chairId: string, user: User): Promise<AudioPause> {
    await this.#assertChair(chairId);
    return this.#ownership.run(chairId, { op: 'pause', user }, () =>
      super.pauseAudio(chairId, user),
    );
  }

  override async chairState(chairId: string): Promise<ChairAlarmState> {
    await this.#assertChair(chairId);
    return this.#ownership.run(chairId, { op: 'state' }, () => super.chairState(chairId));
  }

  override async setClinicRules(actor: string, body: unknown): Promise<ClinicAlarmRules> {
    const saved = await super.setClinicRules(actor, body);
    this.#ownership.announceRules();
    return saved;
  }

  override async setSessionRules(
    actor: string,
    sessionId: string,
    body: unknown,
  ): Promise<SessionAlarmRules> {
    const saved = await super.setSessionRules(actor, sessionId, body);
    this.#ownership.announceRules();
    return saved;
  }

  /** An operation another process asked of this one, the owner. */
  runHere(chairId: string, operation: Operation): Promise<unknown> {
    switch (operation.op) {
      case 'acknowledge':
        return super.acknowledge(operation.alertId, operation.user);
      case 'pause':
        return super.pauseAudio(chairId, operation.user);
      case 'state':
        return super.chairState(chairId);
    }
  }

  async #assertChair(chairId: string): Promise<void> {
    const exists = await this.#ctx.db
      .selectFrom('chairs')
      .select('id')
      .where('id', '=', chairId)
      .executeTakeFirst();
    if (exists === undefined) throw notFound(`chair "${chairId}" does not exist`);
  }
}
