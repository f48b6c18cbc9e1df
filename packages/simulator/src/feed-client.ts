import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorBody,
  IngestAck,
  SampleInput,
  ServerToClientEvents,
} from '@chairside/core';

/**
 * FeedClient: how a bedside device (or the training simulator) delivers readings to Chairside
 * through the public Socket.io ingest, without losing any when the network or the server drops.
 *
 * Every reading stays in an ordered in-memory buffer per chair until the server's ack says it is
 * durably stored. One batch per chair is in flight at a time, so readings arrive in the order
 * they were taken; after a reconnect the unacknowledged ones are resent from the oldest. Resends
 * are safe because readings carry ids: the server stores an id once and counts a repeat as a
 * duplicate. A batch the server refuses as invalid is dropped (and counted), never retried
 * forever, so one bad reading cannot block a chair's feed.
 */

export type IngestError = ErrorBody['error'];

export type FeedClientEvent =
  | { readonly type: 'connected'; readonly reconnect: boolean }
  | { readonly type: 'disconnected'; readonly reason: string; readonly buffered: number }
  /** The server refused these readings for good (invalid, forbidden, unknown chair): dropped. */
  | {
      readonly type: 'rejected';
      readonly chairId: string;
      readonly count: number;
      readonly error: IngestError;
    }
  /** The server failed on its side; the batch is kept and retried after `retryInMs`. */
  | {
      readonly type: 'server-error';
      readonly chairId: string;
      readonly error: IngestError;
      readonly retryInMs: number;
    }
  /** The buffer of a chair is full: its oldest readings are being dropped (reported once per chair). */
  | { readonly type: 'buffer-full'; readonly chairId: string; readonly limit: number }
  /** The server refused the token; without `renewToken` the feed stays down. */
  | { readonly type: 'auth-failed'; readonly message: string };

export interface FeedClientOptions {
  /** Chairside base URL, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly token: string;
  /** Called when the handshake is refused (token expired): a fresh token, or a rejection. */
  readonly renewToken?: () => Promise<string>;
  readonly clock?: () => number;
  /** Readings kept per chair while the server is unreachable (default 24 h at 1 Hz). */
  readonly maxBufferedPerChair?: number;
  /** Readings per emit when backlogged (default 200). */
  readonly maxBatch?: number;
  /** How long to wait for the server's ack before resending (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** First wait after a server-side failure; doubles up to 30 s (default 1 s). */
  readonly retryDelayMs?: number;
  /** Consecutive server-side failures of one batch before it is dropped as rejected (default 10). */
  readonly maxServerErrorRetries?: number;
  /** Longest wait between reconnection attempts (default 2 s: a monitor should be back fast). */
  readonly reconnectionDelayMaxMs?: number;
  readonly onEvent?: (event: FeedClientEvent) => void;
}

export interface FeedClientStats {
  readonly connected: boolean;
  /** Readings handed to send(). */
  readonly queued: number;
  /** Readings emitted, resends included. */
  readonly sent: number;
  /** Readings the server confirmed as durably stored (new or duplicate). */
  readonly acked: number;
  readonly accepted: number;
  /** Readings the server already had (resends after a lost ack). */
  readonly duplicates: number;
  /** Readings the server refused for good, dropped. */
  readonly rejected: number;
  /** Readings dropped because a chair's buffer was full. */
  readonly dropped: number;
  /** Readings waiting for an ack, in flight included. */
  readonly buffered: number;
  readonly reconnects: number;
  /** Age of the oldest unacknowledged reading on the injected clock, or null when none. */
  readonly oldestBufferedAgeMs: number | null;
  readonly lastError: string | null;
}

interface Pending {
  readonly seq: number;
  readonly sample: SampleInput;
  readonly queuedAtMs: number;
}

interface Flight {
  readonly upToSeq: number;
  /** Sequence numbers of the batch, by position: the server's issue paths name positions. */
  readonly seqs: readonly number[];
}

/** Codes the server uses for a request that will never succeed as sent. */
const PERMANENT_CODES = new Set(['validation_failed', 'bad_request', 'forbidden', 'not_found']);
const MAX_RETRY_DELAY_MS = 30_000;

function validIssues(issues: unknown): boolean {
  if (issues === undefined) return true;
  return (
    Array.isArray(issues) &&
    issues.every((issue: unknown) => {
      if (typeof issue !== 'object' || issue === null) return false;
      const fields = issue as Record<string, unknown>;
      return typeof fields['path'] === 'string' && typeof fields['message'] === 'string';
    })
  );
}

function isIngestAck(value: unknown): value is IngestAck {
  if (typeof value !== 'object' || value === null) return false;
  const ack = value as Record<string, unknown>;
  if (ack['ok'] === true)
    return typeof ack['accepted'] === 'number' && typeof ack['duplicates'] === 'number';
  if (ack['ok'] !== false || typeof ack['error'] !== 'object' || ack['error'] === null)
    return false;
  const error = ack['error'] as Record<string, unknown>;
  return (
    typeof error['code'] === 'string' &&
    typeof error['message'] === 'string' &&
    validIssues(error['issues'])
  );
}

/** The readings of one chair, oldest first, with the batch in flight (always a prefix). */
class ChairQueue {
  private items: Pending[] = [];
  private head = 0;
  inFlight: Flight | null = null;
  retryTimer: ReturnType<typeof setTimeout> | null = null;
  serverErrors = 0;
  reportedFull = false;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: Pending): void {
    this.items.push(item);
  }

  peek(count: number): Pending[] {
    return this.items.slice(this.head, this.head + count);
  }

  oldest(): Pending | undefined {
    return this.items[this.head];
  }

  /** Removes the oldest; returns whether there was one. */
  dropOldest(): boolean {
    if (this.size === 0) return false;
    this.head++;
    this.compact();
    return true;
  }

  /** Removes every reading up to and including seq; returns how many. */
  removeThrough(seq: number): number {
    let removed = 0;
    for (
      let item = this.items[this.head];
      item !== undefined && item.seq <= seq;
      item = this.items[this.head]
    ) {
      this.head++;
      removed++;
    }
    this.compact();
    return removed;
  }

  /** Removes the readings with these sequence numbers; returns how many. */
  removeSeqs(seqs: ReadonlySet<number>): number {
    const kept = this.items.slice(this.head).filter((item) => !seqs.has(item.seq));
    const removed = this.size - kept.length;
    this.items = kept;
    this.head = 0;
    return removed;
  }

  private compact(): void {
    // Dropping from the front by index is O(1); the array is cut down now and then.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class FeedClient {
  private readonly socket: FeedSocket;
  private readonly clock: () => number;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly ackTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly maxServerErrorRetries: number;
  private readonly renewToken: (() => Promise<string>) | undefined;
  private readonly onEvent: (event: FeedClientEvent) => void;
  private readonly queues = new Map<string, ChairQueue>();
  private readonly flushWaiters = new Set<() => void>();
  private token: string;
  private seq = 0;
  private everConnected = false;
  private renewedSinceConnect = false;
  private closed = false;
  private counts = {
    queued: 0,
    sent: 0,
    acked: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    dropped: 0,
    reconnects: 0,
  };
  private lastError: string | null = null;

  constructor(options: FeedClientOptions) {
    this.token = options.token;
    this.renewToken = options.renewToken;
    this.clock = options.clock ?? Date.now;
    this.maxBuffered = options.maxBufferedPerChair ?? 24 * 3600;
    this.maxBatch = options.maxBatch ?? 200;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.maxServerErrorRetries = options.maxServerErrorRetries ?? 10;
    this.onEvent = options.onEvent ?? (() => undefined);
    if (!(this.maxBuffered >= 1) || !(this.maxBatch >= 1))
      throw new RangeError('maxBufferedPerChair and maxBatch must be at least 1');

    this.socket = io(options.url, {
      // A function, so a renewed token is used on the next handshake.
      auth: (cb) => {
        cb({ token: this.token });
      },
      transports: ['websocket'],
      reconnectionDelayMax: options.reconnectionDelayMaxMs ?? 2000,
    });
    this.socket.on('connect', () => {
      const reconnect = this.everConnected;
      if (reconnect) this.counts.reconnects++;
      this.everConnected = true;
      this.renewedSinceConnect = false;
      this.onEvent({ type: 'connected', reconnect });
      for (const chairId of this.queues.keys()) this.pump(chairId);
    });
    this.socket.on('disconnect', (reason) => {
      // Our own close() is not a lost link.
      if (this.closed) return;
      this.onEvent({ type: 'disconnected', reason, buffered: this.bufferedCount() });
      // The server closed us on purpose (e.g. the token expired): socket.io does not retry that
      // by itself; reconnecting either works or ends in connect_error "unauthorized" below.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error) => {
      this.lastError = error.message;
      // An active socket keeps retrying by itself (server down); an inactive one was refused.
      if (this.socket.active || this.closed) return;
      this.onAuthRefused(error.message);
    });
  }

  /**
   * Queues readings for a chair; they are sent in this order as soon as the link allows. Give
   * each reading an id: a reading without one may be stored twice if its ack is lost and it is
   * resent.
   */
  send(chairId: string, samples: readonly SampleInput[]): void {
    if (this.closed) throw new Error('FeedClient is closed');
    let queue = this.queues.get(chairId);
    if (queue === undefined) {
      queue = new ChairQueue();
      this.queues.set(chairId, queue);
    }
    const now = this.clock();
    for (const sample of samples) {
      if (queue.size >= this.maxBuffered) {
        // The oldest reading goes first; a 24-hour-old reading is worth less than the next one.
        // The in-flight prefix may lose a reading too: its ack then simply removes fewer.
        if (queue.dropOldest()) this.counts.dropped++;
        if (!queue.reportedFull) {
          queue.reportedFull = true;
          this.onEvent({ type: 'buffer-full', chairId, limit: this.maxBuffered });
        }
      }
      queue.push({ seq: ++this.seq, sample, queuedAtMs: now });
      this.counts.queued++;
    }
    this.pump(chairId);
  }

  stats(): FeedClientStats {
    let oldestAt: number | null = null;
    for (const queue of this.queues.values()) {
      const oldest = queue.oldest();
      if (oldest !== undefined && (oldestAt === null || oldest.queuedAtMs < oldestAt))
        oldestAt = oldest.queuedAtMs;
    }
    return {
      connected: this.socket.connected,
      ...this.counts,
      buffered: this.bufferedCount(),
      oldestBufferedAgeMs: oldestAt === null ? null : this.clock() - oldestAt,
      lastError: this.lastError,
    };
  }

  /** Waits until every queued reading is acknowledged or refused; false if timeoutMs passed first. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.isDrained()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.flushWaiters.delete(done);
        resolve(this.isDrained());
      };
      const timer = setTimeout(done, timeoutMs);
      this.flushWaiters.add(done);
    });
  }

  /** Disconnects for good; readings still buffered are given up (see stats().buffered). */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      if (queue.retryTimer !== null) clearTimeout(queue.retryTimer);
      queue.retryTimer = null;
    }
    this.socket.close();
    for (const waiter of [...this.flushWaiters]) waiter();
  }

  private bufferedCount(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.size;
    return total;
  }

  private isDrained(): boolean {
    return this.bufferedCount() === 0;
  }

  private notifyIfDrained(): void {
    if (!this.isDrained()) return;
    for (const waiter of [...this.flushWaiters]) waiter();
  }

  /** Sends the next batch of a chair unless one is in flight, a retry is pending or the link is down. */
  private pump(chairId: string): void {
    const queue = this.queues.get(chairId);
    if (queue === undefined || this.closed || queue.inFlight !== null || queue.retryTimer !== null)
      return;
    if (!this.socket.connected) return;
    const batch = queue.peek(this.maxBatch);
    const last = batch[batch.length - 1];
    if (last === undefined) {
      this.notifyIfDrained();
      return;
    }
    const flight: Flight = { upToSeq: last.seq, seqs: batch.map((p) => p.seq) };
    queue.inFlight = flight;
    this.counts.sent += batch.length;
    this.socket
      .timeout(this.ackTimeoutMs)
      .emit(
        'vitals',
        { chairId, samples: batch.map((p) => p.sample) },
        (error: Error | null, ack: unknown) => {
          if (queue.inFlight !== flight) return;
          queue.inFlight = null;
          if (error !== null) {
            // No ack (timeout or the link dropped): the batch stays at the head and is resent,
            // now if still connected, else on the next 'connect'.
            this.lastError = error.message;
            this.pump(chairId);
            return;
          }
          // Anything can arrive; an answer that is not an ack is a failure on the server's side.
          this.onAck(
            chairId,
            queue,
            flight,
            isIngestAck(ack)
              ? ack
              : {
                  ok: false,
                  error: {
                    code: 'malformed_ack',
                    message: 'the server answered with something that is not an ingest ack',
                  },
                },
          );
        },
      );
  }

  private onAck(chairId: string, queue: ChairQueue, flight: Flight, ack: IngestAck): void {
    if (ack.ok) {
      queue.serverErrors = 0;
      this.counts.acked += queue.removeThrough(flight.upToSeq);
      this.counts.accepted += ack.accepted;
      this.counts.duplicates += ack.duplicates;
      this.pump(chairId);
      this.notifyIfDrained();
      return;
    }
    this.lastError = `${ack.error.code}: ${ack.error.message}`;
    if (PERMANENT_CODES.has(ack.error.code)) {
      this.reject(chairId, queue, flight, ack.error);
      return;
    }
    queue.serverErrors++;
    if (queue.serverErrors > this.maxServerErrorRetries) {
      this.reject(chairId, queue, flight, ack.error);
      return;
    }
    const retryInMs = Math.min(
      this.retryDelayMs * 2 ** (queue.serverErrors - 1),
      MAX_RETRY_DELAY_MS,
    );
    this.onEvent({ type: 'server-error', chairId, error: ack.error, retryInMs });
    queue.retryTimer = setTimeout(() => {
      queue.retryTimer = null;
      this.pump(chairId);
    }, retryInMs);
  }

  /**
   * Drops what the server refused. The server rejects a batch whole but names the bad readings
   * by index (`3.spo2`): only those are dropped and the rest resent. Without an index (unknown
   * chair, forbidden source) the whole batch goes.
   */
  private reject(chairId: string, queue: ChairQueue, flight: Flight, error: IngestError): void {
    queue.serverErrors = 0;
    const refused = new Set<number>();
    if (error.code === 'validation_failed') {
      for (const issue of error.issues ?? []) {
        const match = /^(\d+)(\.|$)/.exec(issue.path);
        const seq = match?.[1] === undefined ? undefined : flight.seqs[Number(match[1])];
        if (seq !== undefined) refused.add(seq);
      }
    }
    const count =
      refused.size > 0 ? queue.removeSeqs(refused) : queue.removeThrough(flight.upToSeq);
    this.counts.rejected += count;
    this.onEvent({ type: 'rejected', chairId, count, error });
    this.pump(chairId);
    this.notifyIfDrained();
  }

  private onAuthRefused(message: string): void {
    // One fresh token per refusal: if the server refuses that one too (account disabled, wrong
    // server), logging in again and again would only hammer it.
    if (this.renewToken === undefined || this.renewedSinceConnect) {
      this.onEvent({ type: 'auth-failed', message });
      return;
    }
    this.renewedSinceConnect = true;
    this.renewToken().then(
      (fresh) => {
        this.token = fresh;
        if (!this.closed) this.socket.connect();
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.lastError = reason;
        this.onEvent({
          type: 'auth-failed',
          message: `${message}; renewing the token failed: ${reason}`,
        });
      },
    );
  }
}
