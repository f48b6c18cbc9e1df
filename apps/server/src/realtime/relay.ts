import type { Alert, StoredSample, User, VitalsMessage } from '@chairside/core';
import type { Logger } from 'pino';
import type { ChairsideDb } from '../store/database';
import { toAlert } from '../alarms/store';
import { toStoredSample } from '../domain/vitals';

/**
 * The relay: how stored samples and alert changes reach the dashboards of this process.
 *
 * Why not a plain `io.to(room).emit` per stored sample (what Chairside did first):
 * - **Coalescing.** At thousands of samples a second, one message per sample per dashboard
 *   costs a write system call each. Ingest already stores all that arrived in one turn of the
 *   event loop in one transaction (group commit); the relay sends each dashboard ONE
 *   `vitals-batch` message with what that commit announced, in a microtask right after the
 *   announcements (not a later turn: waiting for the next turn made every reading wait for the
 *   other messages read meanwhile, p50 0.65 -> 1.34 ms). Nothing waits for a timer: at 1 Hz per
 *   chair a batch is usually one sample, under load it grows by itself). Dashboards with the same subscription share one encoding. Clients
 *   that did not ask for batches get the contract's `vitals` message per chair.
 * - **Cursors.** Every stored sample has a `seq` (arrival number) and every alert change one
 *   of its own. The relay remembers, per dashboard, the last of each it sent. A dashboard that
 *   reconnects hands its cursors back in `subscribe` (`since`) and receives, from the store,
 *   everything stored after them BEFORE any live message: live messages that arrive meanwhile
 *   are held and released after the replay, without what the replay already carried.
 * - **Slow or stuck dashboards.** A dashboard whose connection does not take what is sent
 *   (a frozen tablet, a saturated Wi-Fi link) would otherwise make the server buffer without
 *   bound and slow everyone. When its outgoing buffer passes a bound the relay stops sending
 *   to it (the samples are stored; nothing is lost), and when the buffer has drained it replays
 *   from the dashboard's cursors, as for a reconnect. Ingest and other dashboards never wait.
 *
 * With several processes (Redis), each process relays to its own dashboards; what another
 * process stored or raised arrives through `io.serverSideEmit` (see sockets.ts).
 *
 * Ordering: the replay is by `seq`. On SQLite one process writes, so `seq` order is commit
 * order. On PostgreSQL with several writing processes two transactions can commit out of `seq`
 * order; a sample whose commit came after a later-numbered one was delivered live can then be
 * missed by a replay (a window of milliseconds around a disconnection). The dashboard's
 * HTTP history stays complete.
 */

/** What the relay needs of a Socket.io socket (the real one in production and in tests). */
export interface ViewerSocket {
  readonly id: string;
  readonly data: { user: User };
  readonly connected: boolean;
  /**
   * The Engine.IO connection: its `writeBuffer` (packets waiting for the transport; private in
   * the typings, read through `queuedPackets`) and, with the WebSocket transport, the `ws`
   * socket with its not-yet-written bytes (`transport.socket.bufferedAmount`).
   */
  readonly conn: { transport: unknown };
  emit(event: 'vitals', message: VitalsMessage): boolean;
  emit(event: 'vitals-batch', message: { batches: VitalsMessage[] }): boolean;
  emit(event: 'alert', message: { alert: Alert; seq: number }): boolean;
}

export interface RelayCursors {
  /** The last sample `seq` the dashboard has. */
  samples: number;
  /** The last alert change `seq` the dashboard has. */
  alerts: number;
}

export interface Subscription {
  /** null: every chair. */
  chairIds: readonly string[] | null;
  /** `vitals-batch` messages instead of `vitals` per chair. */
  coalesce: boolean;
  /** Replay everything after these cursors first (a reconnect). */
  since?: RelayCursors;
}

export interface SubscribeResult {
  /** Where the dashboard stands once live: hand these back on the next reconnect. */
  cursor: RelayCursors;
  replayed: { samples: number; alerts: number };
  /** More was missed than one replay carries: the dashboard should reload its history. */
  truncated: boolean;
}

export interface RelayOptions {
  db: ChairsideDb;
  logger: Logger;
  /** A dashboard counts as behind above this many bytes not yet written to its connection. */
  maxBufferedBytes?: number;
  /** ... or this many Engine.IO packets waiting for its transport. */
  maxQueuedPackets?: number;
  /** The most samples one replay sends (a dashboard keeps 15 min; older history is HTTP's). */
  maxReplaySamples?: number;
  /** How often a dashboard that fell behind is checked for having drained. */
  drainCheckMs?: number;
  /**
   * Sends one message to several of this process's sockets, encoded once (Socket.io's
   * `io.local.to(ids).emit`); without it each socket is sent its own copy.
   */
  broadcast?: Broadcast;
}

export type Broadcast = {
  (socketIds: string[], event: 'vitals', message: VitalsMessage): void;
  (socketIds: string[], event: 'vitals-batch', message: { batches: VitalsMessage[] }): void;
  (socketIds: string[], event: 'alert', message: { alert: Alert; seq: number }): void;
};

export interface RelayStats {
  viewers: number;
  /** Times a dashboard fell behind and live data to it was paused. */
  behindEpisodes: number;
  /** Samples not sent live to a dashboard that was behind (each replayed later). */
  samplesDeferred: number;
  replays: number;
  samplesReplayed: number;
}

interface AlertDelivery {
  alert: Alert;
  seq: number;
  /** Escalations also reach every charge nurse and admin, whatever they watch. */
  escalated: boolean;
}

type Held = { kind: 'samples'; chairId: string; samples: StoredSample[] } | AlertDelivery;

interface Viewer {
  socket: ViewerSocket;
  chairs: Set<string> | null;
  /** The chair list in a stable order: the key under which equal subscriptions share a message. */
  /**
   * Subscription and format: dashboards with the same one share a message. Built once at
   * subscribe: a list of 500 chair ids is an 18 kB string, not to be built and hashed anew for
   * every dashboard at every turn.
   */
  groupKey: string;
  coalesce: boolean;
  cursor: RelayCursors;
  state: 'live' | 'replaying' | 'behind';
  /** Bumped by every (re)subscription and replay: a replay that is no longer current stops. */
  generation: number;
  /** Live deliveries that arrived during a replay, released after it. */
  held: Held[];
  heldSamples: number;
  heldOverflow: boolean;
  drainTimer: NodeJS.Timeout | null;
}

const REPLAY_PAGE = 1000;
/**
 * The most samples in one `vitals-batch` message. A commit under overload announces thousands
 * of samples; as one message that is a JSON string of megabytes, which V8 allocates straight
 * in its old generation (large objects) once per commit, for the major GC to collect. Parts
 * of at most this many samples (~40 kB) are short-lived young objects like every other message.
 */
export const MAX_SAMPLES_PER_MESSAGE = 256;
/** Held live samples per replaying dashboard before the relay replays again instead. */
const MAX_HELD_SAMPLES = 20_000;
const ESCALATION_ROLES: ReadonlySet<User['role']> = new Set(['charge', 'admin']);

function queuedPackets(socket: ViewerSocket): number {
  const queue = (socket.conn as { writeBuffer?: unknown }).writeBuffer;
  return Array.isArray(queue) ? queue.length : 0;
}

function bufferedBytes(socket: ViewerSocket): number {
  const ws = (socket.conn.transport as { socket?: { bufferedAmount?: unknown } } | null)?.socket;
  const amount = ws?.bufferedAmount;
  return typeof amount === 'number' ? amount : 0;
}

export class Relay {
  readonly #db: ChairsideDb;
  readonly #logger: Logger;
  readonly #maxBufferedBytes: number;
  readonly #maxQueuedPackets: number;
  readonly #maxReplaySamples: number;
  readonly #drainCheckMs: number;
  readonly #broadcast: Broadcast | null;
  readonly #viewers = new Map<string, Viewer>();
  #pendingSamples = new Map<string, StoredSample[]>();
  #pendingAlerts: AlertDelivery[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #stats: RelayStats = {
    viewers: 0,
    behindEpisodes: 0,
    samplesDeferred: 0,
    replays: 0,
    samplesReplayed: 0,
  };

  constructor(options: RelayOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1_000_000;
    this.#maxQueuedPackets = options.maxQueuedPackets ?? 200;
    this.#maxReplaySamples = options.maxReplaySamples ?? 100_000;
    this.#drainCheckMs = options.drainCheckMs ?? 250;
    this.#broadcast = options.broadcast ?? null;
  }

  stats(): RelayStats {
    return { ...this.#stats, viewers: this.#viewers.size };
  }

  /** Samples this process or another stored, in storage order. */
  samplesStored(chairId: string, samples: StoredSample[]): void {
    if (this.#viewers.size === 0 || samples.length === 0) return;
    const pending = this.#pendingSamples.get(chairId);
    if (pending === undefined) this.#pendingSamples.set(chairId, samples.slice());
    else for (const s of samples) pending.push(s);
    this.#schedule();
  }

  /** An alert change after it was stored, with the `seq` of that change. */
  alertChanged(alert: Alert, seq: number, escalated: boolean): void {
    if (this.#viewers.size === 0) return;
    this.#pendingAlerts.push({ alert, seq, escalated });
    this.#schedule();
  }

  /**
   * Sets what a dashboard watches and brings it up to date: with `since`, everything stored
   * after those cursors is sent before any live message. Resolves when the dashboard is live.
   */
  async subscribe(socket: ViewerSocket, subscription: Subscription): Promise<SubscribeResult> {
    const chairs = subscription.chairIds === null ? null : new Set(subscription.chairIds);
    let viewer = this.#viewers.get(socket.id);
    if (viewer === undefined) {
      viewer = {
        socket,
        chairs,
        groupKey: '',
        coalesce: subscription.coalesce,
        cursor: { samples: 0, alerts: 0 },
        state: 'replaying',
        generation: 0,
        held: [],
        heldSamples: 0,
        heldOverflow: false,
        drainTimer: null,
      };
      this.#viewers.set(socket.id, viewer);
    }
    viewer.chairs = chairs;
    viewer.coalesce = subscription.coalesce;
    viewer.groupKey = `${subscription.coalesce ? 'batch' : 'each'}|${chairs === null ? '*' : [...chairs].sort().join(',')}`;
    this.#stopDrainWatch(viewer);
    // Hold live messages from now on: they come after whatever the replay (or the start of
    // the cursors) covers.
    viewer.state = 'replaying';
    viewer.held = [];
    viewer.heldSamples = 0;
    viewer.heldOverflow = false;

    if (subscription.since === undefined) {
      // A fresh view: the dashboard loads its history over HTTP; live starts here.
      const generation = ++viewer.generation;
      viewer.cursor = await this.#latestCursors();
      if (viewer.generation !== generation)
        return {
          cursor: { ...viewer.cursor },
          replayed: { samples: 0, alerts: 0 },
          truncated: false,
        };
      const result = {
        cursor: { ...viewer.cursor },
        replayed: { samples: 0, alerts: 0 },
        truncated: false,
      };
      this.#goLive(viewer);
      return result;
    }
    viewer.cursor = { ...subscription.since };
    return this.#replay(viewer);
  }

  /** The dashboard left: forget it. */
  remove(socketId: string): void {
    const viewer = this.#viewers.get(socketId);
    if (viewer === undefined) return;
    this.#stopDrainWatch(viewer);
    this.#viewers.delete(socketId);
  }

  close(): void {
    this.#closed = true;
    for (const viewer of this.#viewers.values()) this.#stopDrainWatch(viewer);
    this.#viewers.clear();
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      try {
        this.#flush();
      } catch (error) {
        // Never let a relay fault take the monitor down; the dashboards' cursors recover.
        this.#logger.error({ err: error }, 'relaying to the dashboards failed');
      }
    });
  }

  #wants(viewer: Viewer, chairId: string): boolean {
    return viewer.chairs === null || viewer.chairs.has(chairId);
  }

  #wantsAlert(viewer: Viewer, delivery: AlertDelivery): boolean {
    return (
      this.#wants(viewer, delivery.alert.chairId) ||
      (delivery.escalated && ESCALATION_ROLES.has(viewer.socket.data.user.role))
    );
  }

  #isBehind(viewer: Viewer): boolean {
    const { socket } = viewer;
    return (
      queuedPackets(socket) > this.#maxQueuedPackets ||
      bufferedBytes(socket) > this.#maxBufferedBytes
    );
  }

  #flush(): void {
    if (this.#closed) return;
    const samplesByChair = this.#pendingSamples;
    const alerts = this.#pendingAlerts;
    this.#pendingSamples = new Map();
    this.#pendingAlerts = [];

    // Dashboards with the same subscription and format share one message (and one encoding).
    const groups = new Map<
      string,
      { viewers: Viewer[]; batches: VitalsMessage[]; lastSeq: number }
    >();
    const live: Viewer[] = [];
    for (const viewer of this.#viewers.values()) {
      if (!viewer.socket.connected) continue;
      if (viewer.state === 'replaying') {
        this.#hold(viewer, samplesByChair, alerts);
        continue;
      }
      if (viewer.state === 'live' && this.#isBehind(viewer)) this.#fallBehind(viewer);
      if (viewer.state === 'behind') {
        for (const [chairId, samples] of samplesByChair)
          if (this.#wants(viewer, chairId)) this.#stats.samplesDeferred += samples.length;
        continue;
      }
      live.push(viewer);
      let group = groups.get(viewer.groupKey);
      if (group === undefined) {
        group = { viewers: [], batches: [], lastSeq: 0 };
        for (const [chairId, samples] of samplesByChair) {
          if (!this.#wants(viewer, chairId)) continue;
          group.batches.push({ chairId, samples });
          const last = samples[samples.length - 1];
          if (last?.seq !== undefined && last.seq > group.lastSeq) group.lastSeq = last.seq;
        }
        groups.set(viewer.groupKey, group);
      }
      group.viewers.push(viewer);
    }
    for (const group of groups.values()) {
      if (group.batches.length === 0) continue;
      this.#sendMany(group.viewers, group.batches);
      for (const viewer of group.viewers)
        if (group.lastSeq > viewer.cursor.samples) viewer.cursor.samples = group.lastSeq;
    }
    // Each alert change once to all its dashboards (encoded once), in change order.
    for (const delivery of alerts) {
      const to: Viewer[] = [];
      for (const viewer of live) {
        if (!this.#wantsAlert(viewer, delivery)) continue;
        to.push(viewer);
        if (delivery.seq > viewer.cursor.alerts) viewer.cursor.alerts = delivery.seq;
      }
      const message = { alert: delivery.alert, seq: delivery.seq };
      if (this.#broadcast !== null && to.length > 1)
        this.#broadcast(
          to.map((v) => v.socket.id),
          'alert',
          message,
        );
      else for (const viewer of to) viewer.socket.emit('alert', message);
    }
  }

  #send(viewer: Viewer, batches: VitalsMessage[]): void {
    if (batches.length === 0) return;
    if (viewer.coalesce) {
      for (const part of messageParts(batches))
        viewer.socket.emit('vitals-batch', { batches: part });
      return;
    }
    for (const batch of batches) viewer.socket.emit('vitals', batch);
  }

  /** Viewers of one group (same subscription and format): one broadcast encodes once for all. */
  #sendMany(viewers: Viewer[], batches: VitalsMessage[]): void {
    const first = viewers[0];
    if (first === undefined) return;
    if (this.#broadcast === null || viewers.length === 1) {
      for (const viewer of viewers) this.#send(viewer, batches);
      return;
    }
    const ids = viewers.map((v) => v.socket.id);
    if (first.coalesce) {
      for (const part of messageParts(batches))
        this.#broadcast(ids, 'vitals-batch', { batches: part });
      return;
    }
    for (const batch of batches) this.#broadcast(ids, 'vitals', batch);
  }

  #hold(
    viewer: Viewer,
    samplesByChair: Map<string, StoredSample[]>,
    alerts: AlertDelivery[],
  ): void {
    if (viewer.heldOverflow) return;
    for (const [chairId, samples] of samplesByChair) {
      if (!this.#wants(viewer, chairId)) continue;
      viewer.held.push({ kind: 'samples', chairId, samples });
      viewer.heldSamples += samples.length;
    }
    for (const delivery of alerts)
      if (this.#wantsAlert(viewer, delivery)) viewer.held.push(delivery);
    if (viewer.heldSamples > MAX_HELD_SAMPLES) {
      // Too much arrived during the replay: drop it and replay again from the store instead.
      viewer.held = [];
      viewer.heldSamples = 0;
      viewer.heldOverflow = true;
    }
  }

  #fallBehind(viewer: Viewer): void {
    viewer.state = 'behind';
    viewer.generation++;
    this.#stats.behindEpisodes++;
    this.#logger.warn(
      {
        socketId: viewer.socket.id,
        user: viewer.socket.data.user.username,
        bufferedBytes: bufferedBytes(viewer.socket),
        queuedPackets: queuedPackets(viewer.socket),
      },
      'dashboard connection is not keeping up: live data to it paused, replayed once it drains',
    );
    viewer.drainTimer = setInterval(() => {
      const { socket } = viewer;
      if (!socket.connected) {
        this.remove(socket.id);
        return;
      }
      // Resume only once (nearly) everything sent before has left: a hysteresis, so a
      // dashboard at the bound does not flap between behind and live.
      if (queuedPackets(socket) > 0 || bufferedBytes(socket) > this.#maxBufferedBytes / 4) return;
      this.#stopDrainWatch(viewer);
      viewer.state = 'replaying';
      viewer.held = [];
      viewer.heldSamples = 0;
      viewer.heldOverflow = false;
      this.#replay(viewer).catch((error: unknown) => {
        this.#logger.warn({ err: error, socketId: socket.id }, 'replay to a dashboard failed');
        // Try again at the next drain check.
        if (this.#viewers.get(socket.id) === viewer && socket.connected) this.#fallBehind(viewer);
      });
    }, this.#drainCheckMs);
    viewer.drainTimer.unref();
  }

  #stopDrainWatch(viewer: Viewer): void {
    if (viewer.drainTimer !== null) clearInterval(viewer.drainTimer);
    viewer.drainTimer = null;
  }

  #goLive(viewer: Viewer): void {
    // Release what arrived during the replay, without what the replay already carried.
    const held = viewer.held;
    viewer.held = [];
    viewer.heldSamples = 0;
    viewer.state = 'live';
    const batches: VitalsMessage[] = [];
    const flushBatches = (): void => {
      this.#send(viewer, batches.splice(0));
    };
    for (const item of held) {
      if ('kind' in item) {
        const fresh = item.samples.filter((s) => (s.seq ?? 0) > viewer.cursor.samples);
        if (fresh.length === 0) continue;
        batches.push({ chairId: item.chairId, samples: fresh });
        const last = fresh[fresh.length - 1];
        if (last?.seq !== undefined)
          viewer.cursor.samples = Math.max(viewer.cursor.samples, last.seq);
        continue;
      }
      if (item.seq <= viewer.cursor.alerts) continue;
      flushBatches();
      viewer.socket.emit('alert', { alert: item.alert, seq: item.seq });
      viewer.cursor.alerts = item.seq;
    }
    flushBatches();
  }

  /** Sends everything stored after the viewer's cursors, page by page, then goes live. */
  async #replay(viewer: Viewer): Promise<SubscribeResult> {
    this.#stats.replays++;
    const generation = ++viewer.generation;
    const current = (): boolean =>
      viewer.generation === generation &&
      viewer.socket.connected &&
      this.#viewers.get(viewer.socket.id) === viewer;
    const replayed = { samples: 0, alerts: 0 };
    let truncated = false;
    for (;;) {
      viewer.heldOverflow = false;
      for (;;) {
        if (replayed.samples >= this.#maxReplaySamples) {
          truncated = true;
          // Skip to now: the dashboard reloads its history over HTTP.
          viewer.cursor.samples = (await this.#latestCursors()).samples;
          break;
        }
        let query = this.#db
          .selectFrom('samples')
          .selectAll()
          .where('seq', '>', viewer.cursor.samples)
          .orderBy('seq')
          .limit(REPLAY_PAGE);
        if (viewer.chairs !== null) {
          if (viewer.chairs.size === 0) break;
          query = query.where('chair_id', 'in', [...viewer.chairs]);
        }
        const rows = await query.execute();
        if (!current()) return { cursor: { ...viewer.cursor }, replayed, truncated };
        this.#send(viewer, toBatches(rows.map(toStoredSample)));
        replayed.samples += rows.length;
        this.#stats.samplesReplayed += rows.length;
        const last = rows[rows.length - 1];
        if (last !== undefined) viewer.cursor.samples = last.seq;
        if (rows.length < REPLAY_PAGE) break;
        // A slow dashboard gets the replay at the pace it takes it.
        while (this.#isBehind(viewer) && current())
          await new Promise((resolve) => setTimeout(resolve, this.#drainCheckMs));
      }
      if (!current()) return { cursor: { ...viewer.cursor }, replayed, truncated };
      replayed.alerts += await this.#replayAlerts(viewer, current);
      if (!current()) return { cursor: { ...viewer.cursor }, replayed, truncated };
      // Live messages that arrived meanwhile overflowed the hold: the store has them, go again.
      // (Read through a function: flushes during the awaits above change it.)
      if (!heldOverflowed(viewer)) break;
    }
    const cursor = { ...viewer.cursor };
    this.#goLive(viewer);
    return { cursor, replayed, truncated };
  }

  /** Each alert changed after the cursor, as it stands now, in the order of its last change. */
  async #replayAlerts(viewer: Viewer, current: () => boolean): Promise<number> {
    let changed = this.#db
      .selectFrom('alert_changes')
      .select(['alert_id', (eb) => eb.fn.max('seq').as('last_seq')])
      .where('seq', '>', viewer.cursor.alerts)
      .groupBy('alert_id');
    if (viewer.chairs !== null) {
      if (viewer.chairs.size === 0) return 0;
      changed = changed.where('chair_id', 'in', [...viewer.chairs]);
    }
    const lastChanges = (await changed.execute())
      .map((r) => ({ id: r.alert_id, seq: r.last_seq }))
      .sort((a, b) => a.seq - b.seq);
    if (lastChanges.length === 0) return 0;
    const rows = await this.#db
      .selectFrom('alerts')
      .selectAll()
      .where(
        'id',
        'in',
        lastChanges.map((c) => c.id),
      )
      .execute();
    if (!current()) return 0;
    const byId = new Map(rows.map((r) => [r.id, r]));
    let sent = 0;
    for (const change of lastChanges) {
      const row = byId.get(change.id);
      if (row === undefined) continue;
      viewer.socket.emit('alert', { alert: toAlert(row), seq: change.seq });
      viewer.cursor.alerts = change.seq;
      sent++;
    }
    return sent;
  }

  async #latestCursors(): Promise<RelayCursors> {
    const [samples, alerts] = await Promise.all([
      this.#db
        .selectFrom('samples')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst(),
      this.#db
        .selectFrom('alert_changes')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst(),
    ]);
    return { samples: samples?.seq ?? 0, alerts: alerts?.seq ?? 0 };
  }
}

function heldOverflowed(viewer: Viewer): boolean {
  return viewer.heldOverflow;
}

/** Consecutive samples of one chair become one batch; the seq order across chairs is kept. */
function toBatches(samples: StoredSample[]): VitalsMessage[] {
  const batches: VitalsMessage[] = [];
  for (const sample of samples) {
    const current = batches[batches.length - 1];
    if (current?.chairId === sample.chairId) current.samples.push(sample);
    else batches.push({ chairId: sample.chairId, samples: [sample] });
  }
  return batches;
}

/**
 * `batches` cut into messages of at most MAX_SAMPLES_PER_MESSAGE samples, in order; a chair's
 * batch is split across messages only when it alone is larger.
 */
export function messageParts(batches: VitalsMessage[]): VitalsMessage[][] {
  let total = 0;
  for (const b of batches) total += b.samples.length;
  if (total <= MAX_SAMPLES_PER_MESSAGE) return [batches];
  const parts: VitalsMessage[][] = [];
  let part: VitalsMessage[] = [];
  let size = 0;
  for (const batch of batches) {
    for (let from = 0; from < batch.samples.length;) {
      if (size === MAX_SAMPLES_PER_MESSAGE) {
        parts.push(part);
        part = [];
        size = 0;
      }
      const take = Math.min(batch.samples.length - from, MAX_SAMPLES_PER_MESSAGE - size);
      part.push(
        take === batch.samples.length
          ? batch
          : { ...batch, samples: batch.samples.slice(from, from + take) },
      );
      size += take;
      from += take;
    }
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
