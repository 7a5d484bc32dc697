import type { BrokerConfig } from '@app/config';
import type { Logger } from 'pino';
import type { BrokerStatus } from './broker-status';
import { secretsOfUrl, urlWithoutCredentials } from '@app/redaction';
import { payloadBytes } from './latest-value-outbox';
import { MessageProperties } from './message-properties';
import { refusalOf } from './message-limits';
import { MqttSession } from './mqtt-session';
import { OutboxPump } from './outbox-pump';
import { effectiveLimits, type EffectiveLimits } from './profile-limits';
import type { PublishOutcome } from './publish-outcome';
import { type Refusal, Refusals } from './refusals';
import { SlidingWindowLimiter } from './sliding-window-limiter';
import { Waiters } from './waiters';

/** How a BrokerConnection names itself and paces its retries. */
export interface BrokerConnectionOptions {
  /** Names this bridge replica (status topic). */
  instanceId: string;
  logger: Logger;
  /** Default: `config.statusTopic`, else `placeos/_bridge/<instanceId>/status`. */
  statusTopic?: string;
  /** First reconnect delay; later ones double up to `maxReconnectPeriodMs`, jittered. Default 1000. */
  reconnectPeriodMs?: number;
  /** Default 30000. */
  maxReconnectPeriodMs?: number;
  /** Time allowed for TCP/TLS/WebSocket connect plus CONNACK. Default 10000. */
  connectTimeoutMs?: number;
  /**
   * The connection (0…count-1) a topic travels on, the same for a topic in every process and
   * version. Required with `connections` > 1: the bridge passes its one stable hash (FNV-1a).
   */
  shardOf?: (topic: string, count: number) => number;
}

/** Event passed to `onConnected` listeners. */
export interface ConnectedEvent {
  /** False on the first connection of this client connection, true afterwards. */
  reconnect: boolean;
  /** Which of the broker's client connections came up (0 unless `connections` > 1). */
  connection: number;
}

interface Member {
  readonly session: MqttSession;
  readonly pump: OutboxPump;
}

const DEFAULT_OUTBOX_MAX_TOPICS = 250_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const EMPTY = Buffer.alloc(0);

/**
 * Everything the bridge sends to one broker, over `connections` client connections (default
 * one; ids `<clientId>-<n>` when more). Each topic always travels on the same connection, so
 * its order holds while per-connection quotas add up. `publish` never blocks: the topic's
 * connection queues its latest value and delivers it within the broker's limits (see
 * OutboxPump). Connection 0 alone announces the instance: retained `online` on every
 * (re)connect, `offline` as its Last Will and on close; the status topic is per instance, and
 * one of several connections dropping does not make the instance offline.
 */
export class BrokerConnection {
  readonly id: string;
  readonly limits: EffectiveLimits;
  /** QoS used for every publish: the configured QoS clamped to the profile's maximum. */
  readonly qos: 0 | 1 | 2;
  /** Whether messages are retained: configured retain, unless the broker does not support it. */
  readonly retain: boolean;
  readonly statusTopic: string;

  private readonly logger: Logger;
  private readonly members: Member[];
  private readonly refusals: Refusals;
  private readonly properties: MessageProperties;
  private readonly shardOf: (topic: string, count: number) => number;
  private readonly connectedListeners = new Set<(event: ConnectedEvent) => void>();
  private readonly connectWaiters = new Waiters();
  private readonly displayUrl: string;
  private started = false;
  private closing = false;
  private lastError?: string;
  /** One-shot listeners for the backlog falling to a threshold (see whenBacklogAtMost). */
  private backlogListeners: Array<{ threshold: number; listener: () => void }> = [];

  constructor(
    private readonly config: BrokerConfig,
    options: BrokerConnectionOptions,
  ) {
    this.id = config.id;
    this.limits = effectiveLimits(config);
    this.qos = Math.min(config.qos ?? 1, this.limits.maxQos) as 0 | 1 | 2;
    this.retain = (config.retain ?? true) && this.limits.retainSupported;
    this.statusTopic =
      options.statusTopic ?? config.statusTopic ?? `placeos/_bridge/${options.instanceId}/status`;
    this.logger = options.logger.child({ broker: config.id });
    this.refusals = new Refusals(this.logger);
    this.properties = new MessageProperties(config);
    this.displayUrl = urlWithoutCredentials(config.url);
    const count = Math.max(1, Math.floor(config.connections ?? 1));
    if (count > 1 && !options.shardOf) {
      throw new Error(`broker "${config.id}": ${count} connections need options.shardOf`);
    }
    this.shardOf = options.shardOf ?? (() => 0);
    const secrets = [config.password ?? '', ...secretsOfUrl(config.url)].filter(
      (s) => s.length > 0,
    );
    const maxTopics = Math.ceil((config.outboxMaxTopics ?? DEFAULT_OUTBOX_MAX_TOPICS) / count);
    this.members = Array.from({ length: count }, (_, index) => {
      const limiter = new SlidingWindowLimiter({
        messagesPerSecond: this.limits.maxMessagesPerSecond,
        bytesPerSecond: this.limits.maxBytesPerSecond,
      });
      const logger = count > 1 ? this.logger.child({ connection: index }) : this.logger;
      const session = new MqttSession(
        {
          config,
          clientId: count > 1 ? `${config.clientId}-${index}` : config.clientId,
          logger,
          status:
            index === 0
              ? {
                  topic: this.statusTopic,
                  qos: this.limits.maxQos === 0 ? 0 : 1,
                  retain: this.retain,
                }
              : undefined,
          properties: this.properties,
          limiter,
          reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
          maxReconnectPeriodMs: options.maxReconnectPeriodMs ?? 30_000,
          connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
          secrets,
          displayUrl: this.displayUrl,
          onError: (summary) => {
            this.lastError = summary;
          },
        },
        {
          up: (reconnect) => this.onUp(index, reconnect),
          // Only called once connecting began, when `members` is complete.
          down: (generation) => this.members[index].pump.requeue(generation),
        },
      );
      const pump = new OutboxPump(session, {
        qos: this.qos,
        retain: this.retain,
        limits: this.limits,
        maxTopics,
        properties: this.properties,
        limiter,
        refusals: this.refusals,
        onDelivered: () => this.checkBacklogListeners(),
      });
      return { session, pump };
    });
  }

  /** How many client connections this broker gets. */
  get connectionCount(): number {
    return this.members.length;
  }

  /** Begins connecting and returns at once, even when the broker is down; retries forever. */
  start(): Promise<void> {
    if (this.started || this.closing) return Promise.resolve();
    this.started = true;
    if (this.config.tls?.rejectUnauthorized === false) {
      this.logger.warn(
        { url: this.displayUrl },
        `TLS certificate verification is OFF for broker "${this.id}" (rejectUnauthorized: false): ` +
          'anyone on the network path can impersonate the broker and read what it is sent',
      );
    }
    for (const member of this.members) member.session.start();
    return Promise.resolve();
  }

  /** Resolves true once every connection is up (birth sent), false after `timeoutMs`. */
  whenConnected(timeoutMs = 10_000): Promise<boolean> {
    if (this.allOnline()) return Promise.resolve(true);
    return this.connectWaiters.wait(timeoutMs);
  }

  /** Queues the latest payload for `topic`; never blocks or throws. */
  publish(topic: string, payload: string | Buffer): PublishOutcome {
    return this.enqueue(topic, payload, false);
  }

  /**
   * Queues `topic`'s current value for re-sending after a reconnect: paced like everything
   * else, but after every live change, and never over a newer live value of the topic.
   */
  publishResync(topic: string, payload: string | Buffer): PublishOutcome {
    return this.enqueue(topic, payload, true);
  }

  /** Queues a zero-length retained payload, which removes the broker's retained message. */
  clear(topic: string): PublishOutcome {
    // Nothing is retained on a broker without retain, so there is nothing to remove.
    if (!this.retain) return { refused: 'retain unsupported: nothing to clear' };
    return this.publish(topic, EMPTY);
  }

  /** Why this broker would refuse the message (the admin preview), or undefined. */
  refusalFor(topic: string, payload: string | Buffer): string | undefined {
    return this.refusalOf(topic, payloadBytes(payload), this.memberOf(topic).session)?.detail;
  }

  /** Messages queued on all of this broker's connections, not yet sent. */
  get backlog(): number {
    let queued = 0;
    for (const member of this.members) queued += member.pump.queued;
    return queued;
  }

  /** Whether every client connection of this broker is up. */
  get online(): boolean {
    return this.allOnline();
  }

  /**
   * Calls `listener` once, as soon as the backlog is at most `threshold` (at once if it is);
   * returns a function that forgets it. How a busy first sync waits for the broker to catch up.
   */
  whenBacklogAtMost(threshold: number, listener: () => void): () => void {
    if (this.backlog <= threshold) {
      listener();
      return () => undefined;
    }
    const entry = { threshold, listener };
    this.backlogListeners.push(entry);
    return () => {
      this.backlogListeners = this.backlogListeners.filter((e) => e !== entry);
    };
  }

  /** Resolves true when nothing is queued or in flight on any connection, false after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    const drained = await Promise.all(this.members.map((m) => m.pump.drain(timeoutMs)));
    return drained.every(Boolean);
  }

  /** Runs `listener` after every (re)connect of each connection. Returns an unsubscribe. */
  onConnected(listener: (event: ConnectedEvent) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  status(): BrokerStatus {
    const sessions = this.members.map((m) => m.session);
    const pumps = this.members.map((m) => m.pump);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const since = sessions.map((s) => s.connectedSince).filter((s): s is string => !!s);
    return {
      id: this.id,
      url: this.displayUrl,
      connected: this.allOnline(),
      queued: sum(pumps.map((p) => p.queued)),
      inFlight: sum(pumps.map((p) => p.inFlightCount)),
      published: sum(pumps.map((p) => p.published)),
      refused: this.refusals.total,
      reconnects: sum(sessions.map((s) => s.reconnects)),
      connectedSince: since.length > 0 ? since.sort().at(-1) : undefined,
      lastError: this.lastError,
      protocolVersion: sessions[0].negotiatedVersion,
      refusedByReason: this.refusals.byReason(),
      resync: {
        pending: sum(pumps.map((p) => p.resyncPending)),
        sent: sum(pumps.map((p) => p.resyncSent)),
      },
      connections: this.members.map(({ session, pump }) => ({
        clientId: session.clientId,
        connected: session.online,
        queued: pump.queued,
        inFlight: pump.inFlightCount,
      })),
    };
  }

  /** Stops accepting, drains up to `timeoutMs`, publishes retained `offline`, disconnects. */
  async close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      this.members.map((m) =>
        m.session.online ? m.pump.drain(Math.max(0, deadline - Date.now())) : Promise.resolve(),
      ),
    );
    // `offline` goes out last, on connection 0, once the others have said goodbye.
    const [announcer, ...others] = this.members;
    await Promise.all(others.map((m) => m.session.close(deadline)));
    await announcer.session.close(deadline);
    for (const member of this.members) member.pump.stop();
    this.connectWaiters.settle(false);
    this.logger.info({ queued: this.status().queued }, 'broker connection closed');
  }

  private enqueue(topic: string, payload: string | Buffer, resync: boolean): PublishOutcome {
    if (this.closing) return this.refusals.refuse({ reason: 'closed', detail: 'closed' });
    // Text stays text until the socket: a queued string costs a fraction of a Buffer.
    const member = this.memberOf(topic);
    const refusal = this.refusalOf(topic, payloadBytes(payload), member.session);
    if (refusal) return this.refusals.refuse(refusal);
    if (!member.pump.put(topic, payload, resync)) {
      return this.refusals.refuse({
        reason: 'outbox_full',
        detail: 'outbox full: new topics are refused until the broker catches up',
      });
    }
    return 'queued';
  }

  private refusalOf(
    topic: string,
    payloadBytes: number,
    session: MqttSession,
  ): Refusal | undefined {
    const packetBytes = this.properties.packetBytes(
      Buffer.byteLength(topic, 'utf8'),
      payloadBytes,
      this.qos,
      session.mqtt5,
    );
    return refusalOf(
      { topic, payloadBytes, packetBytes },
      this.limits,
      session.server.maximumPacketSize,
    );
  }

  private memberOf(topic: string): Member {
    return this.members.length === 1
      ? this.members[0]
      : this.members[this.shardOf(topic, this.members.length)];
  }

  private checkBacklogListeners(): void {
    if (this.backlogListeners.length === 0) return;
    const backlog = this.backlog;
    const due = this.backlogListeners.filter((e) => backlog <= e.threshold);
    if (due.length === 0) return;
    this.backlogListeners = this.backlogListeners.filter((e) => backlog > e.threshold);
    for (const { listener } of due) listener();
  }

  private allOnline(): boolean {
    return this.members.every((m) => m.session.online);
  }

  private onUp(index: number, reconnect: boolean): void {
    const { pump } = this.members[index];
    pump.resyncSent = 0;
    for (const listener of [...this.connectedListeners]) {
      try {
        listener({ reconnect, connection: index });
      } catch (error) {
        this.logger.error({ err: error }, 'onConnected listener failed');
      }
    }
    if (this.allOnline()) this.connectWaiters.settle(true);
    pump.pump();
  }
}
