import { LatestValueOutbox, type MessagePayload, payloadBytes } from './latest-value-outbox';
import type { MessageProperties } from './message-properties';
import { packetRefusal } from './message-limits';
import type { MqttSession } from './mqtt-session';
import type { EffectiveLimits } from './profile-limits';
import type { Refusals } from './refusals';
import type { SlidingWindowLimiter } from './sliding-window-limiter';
import { Waiters } from './waiters';

export interface PumpOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
  limits: EffectiveLimits;
  /** Topics both outboxes may hold together; beyond it new topics are refused. */
  maxTopics: number;
  properties: MessageProperties;
  limiter: SlidingWindowLimiter;
  refusals: Refusals;
  /** After each delivery the broker acknowledged (the connection watches its backlog). */
  onDelivered?: () => void;
}

interface InFlight {
  readonly topic: string;
  readonly payload: MessagePayload;
  readonly generation: number;
  readonly resync: boolean;
}

/**
 * What one connection still has to deliver, and the loop that delivers it. Two latest-value
 * outboxes: live changes, and the re-sent state after a reconnect (resync). Live goes first,
 * so a change never waits behind a hundred thousand resync messages on a 100 msg/s broker;
 * a live value also replaces a waiting resync value of its topic. Sending stays within the
 * in-flight window (the profile's, lowered to the broker's Receive Maximum) and the connection's
 * sliding-window rate limit. Messages in flight when the connection drops go back to their
 * outbox, so after any outage every topic ends with its latest value.
 */
export class OutboxPump {
  private readonly live = new LatestValueOutbox(Infinity);
  private readonly resync = new LatestValueOutbox(Infinity);
  private readonly inFlight = new Map<number, InFlight>();
  private readonly inFlightTopics = new Map<string, number>();
  private readonly drainWaiters = new Waiters();
  private nextSequence = 0;
  private pumpTimer?: NodeJS.Timeout;
  private stopped = false;

  published = 0;
  /** Resync messages delivered since the connection last came up. */
  resyncSent = 0;

  constructor(
    private readonly session: MqttSession,
    private readonly options: PumpOptions,
  ) {}

  get queued(): number {
    return this.live.size + this.resync.size;
  }

  get resyncPending(): number {
    return this.resync.size;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** The in-flight window: the profile's, or the broker's Receive Maximum if lower. */
  get window(): number {
    return Math.min(
      this.options.limits.maxInFlight,
      this.session.server.receiveMaximum ?? Infinity,
    );
  }

  /** Queues the latest payload of `topic`; false when the outboxes are full (a new topic). */
  put(topic: string, payload: MessagePayload, resync: boolean): boolean {
    if (resync) {
      // A live value waiting for this topic is at least as new as the state being re-sent.
      if (this.live.has(topic)) return true;
      if (!this.resync.has(topic) && !this.inFlightTopics.has(topic) && this.full()) return false;
      this.resync.put(topic, payload);
    } else {
      const known =
        this.live.has(topic) || this.resync.delete(topic) || this.inFlightTopics.has(topic);
      // A topic whose older value waits or is in flight is not new: its update must never be lost.
      if (!known && this.full()) return false;
      this.live.put(topic, payload);
    }
    this.pump();
    return true;
  }

  /** Resolves true when nothing is queued or in flight, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.isDrained()) return Promise.resolve(true);
    return this.drainWaiters.wait(timeoutMs);
  }

  isDrained(): boolean {
    return this.queued === 0 && this.inFlight.size === 0;
  }

  /** Puts messages lost with connection `generation` back, newest first, unless newer ones wait. */
  requeue(generation: number): void {
    const lost = [...this.inFlight.entries()].filter(
      ([, entry]) => entry.generation === generation,
    );
    for (let i = lost.length - 1; i >= 0; i--) {
      const [sequence, entry] = lost[i];
      this.finish(sequence, entry);
      this.putBack(entry);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    this.drainWaiters.settle(this.isDrained());
  }

  /** Delivers while connected, live first, within the in-flight window and the rate limit. */
  pump(): void {
    while (!this.stopped && this.session.online && this.queued > 0) {
      if (this.inFlight.size >= this.window) return;
      const resync = this.live.size === 0;
      const outbox = resync ? this.resync : this.live;
      const next = outbox.peek();
      if (!next) break;
      const topicBytes = Buffer.byteLength(next.topic, 'utf8');
      const packetBytes = this.options.properties.packetBytes(
        topicBytes,
        payloadBytes(next.payload),
        this.options.qos,
        this.session.mqtt5,
      );
      // The rest was checked when queued; the broker's Maximum Packet Size may have been
      // unknown then (queued while offline) or changed with a reconnect.
      const refusal = packetRefusal(packetBytes, this.session.server.maximumPacketSize);
      if (refusal) {
        outbox.shift();
        this.options.refusals.refuse(refusal);
        continue;
      }
      const delay = this.options.limiter.delayFor(packetBytes);
      if (delay === Infinity) {
        // Checked when queued against a larger estimate; kept so no timer can spin on it.
        outbox.shift();
        this.options.refusals.refuse({
          reason: 'exceeds_byte_rate',
          detail: `packet is ${packetBytes} bytes, more than a second's worth`,
        });
        continue;
      }
      if (delay > 0) {
        this.schedule(delay);
        return;
      }
      outbox.shift();
      this.options.limiter.reserve(packetBytes);
      this.send(next.topic, next.payload, resync);
    }
    if (this.isDrained()) this.drainWaiters.settle(true);
  }

  private full(): boolean {
    return this.live.size + this.resync.size >= this.options.maxTopics;
  }

  private schedule(delayMs: number): void {
    if (this.pumpTimer) return;
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = undefined;
        this.pump();
      },
      Math.max(1, Math.ceil(delayMs)),
    );
  }

  private send(topic: string, payload: MessagePayload, resync: boolean): void {
    const sent = this.session.send(topic, payload, this.options.qos, this.options.retain);
    if (!sent) {
      this.putBack({ topic, payload, generation: 0, resync });
      return;
    }
    const sequence = this.nextSequence++;
    const entry: InFlight = { topic, payload, generation: sent.generation, resync };
    this.inFlight.set(sequence, entry);
    this.inFlightTopics.set(topic, (this.inFlightTopics.get(topic) ?? 0) + 1);
    sent.done.then(
      () => {
        this.published++;
        if (resync) this.resyncSent++;
        if (this.finish(sequence, entry)) this.pump();
        this.options.onDelivered?.();
      },
      (error: unknown) => this.onSendFailed(sequence, entry, error),
    );
  }

  private onSendFailed(sequence: number, entry: InFlight, error: unknown): void {
    // A dropped connection requeues its messages (requeue); only a live one lands here.
    if (!this.finish(sequence, entry)) return;
    if (!this.session.isConnected(entry.generation)) {
      this.putBack(entry);
      return;
    }
    // The broker refused this message (e.g. an MQTT 5 PUBACK reason code): retrying would loop.
    this.options.refusals.refuse({
      reason: 'broker_refused',
      detail: `the broker refused the message: ${error instanceof Error ? error.message : String(error)}`,
    });
    this.session.noteError(error);
    this.pump();
  }

  private putBack(entry: InFlight): void {
    // A value waiting in the other outbox came later: it wins.
    if (entry.resync) {
      if (!this.live.has(entry.topic)) this.resync.putBack(entry.topic, entry.payload);
    } else if (!this.resync.has(entry.topic)) {
      this.live.putBack(entry.topic, entry.payload);
    }
  }

  /** Forgets an in-flight message; false when it was already forgotten. */
  private finish(sequence: number, entry: InFlight): boolean {
    if (!this.inFlight.delete(sequence)) return false;
    const count = (this.inFlightTopics.get(entry.topic) ?? 1) - 1;
    if (count <= 0) this.inFlightTopics.delete(entry.topic);
    else this.inFlightTopics.set(entry.topic, count);
    return true;
  }
}
