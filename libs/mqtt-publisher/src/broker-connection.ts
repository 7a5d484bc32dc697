import type { BrokerConfig } from '@app/config';
import { MqttRecordBuilder } from '@nestjs/microservices';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { lastValueFrom } from 'rxjs';
import { BridgeClientMqtt } from './bridge-client-mqtt';
import type { BrokerStatus } from './broker-status';
import { clientMqttOptions, type LastWill } from './client-options';
import { summarizeError, urlWithoutCredentials } from './error-summary';
import { LatestValueOutbox } from './latest-value-outbox';
import { refusalReason } from './message-limits';
import { effectiveLimits, type EffectiveLimits } from './profile-limits';
import type { PublishOutcome } from './publish-outcome';
import { ReconnectBackoff } from './reconnect-backoff';
import { TokenBucket } from './token-bucket';

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
}

/** Event passed to `onConnected` listeners. */
export interface ConnectedEvent {
  /** False on the first connection of this BrokerConnection, true afterwards. */
  reconnect: boolean;
}

const DEFAULT_OUTBOX_MAX_TOPICS = 250_000;
const OVERFLOW_LOG_INTERVAL_MS = 60_000;
const ERROR_LOG_INTERVAL_MS = 60_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const EMPTY = Buffer.alloc(0);
// MQTT 3.1.1 CONNACK "unacceptable protocol version" and MQTT 5 "unsupported protocol version".
const PROTOCOL_REFUSED_CODES = new Set([1, 0x84]);

/** One connection attempt: a fresh ClientMqtt and its mqtt.js client. */
interface Attempt {
  readonly client: BridgeClientMqtt;
  readonly raw: MqttClient;
  readonly protocolVersion: 4 | 5;
  ended: boolean;
  /** Whether the broker accepted the CONNECT (CONNACK 0). */
  accepted: boolean;
  /** Whether an error was recorded for this attempt (else a silent close gets a description). */
  errorSeen: boolean;
}

interface InFlight {
  readonly topic: string;
  readonly payload: Buffer;
  readonly attempt: Attempt;
}

interface Waiter {
  resolve(value: boolean): void;
  timer: NodeJS.Timeout;
}

function looksLikeJson(payload: Buffer): boolean {
  if (payload.length < 2) return false;
  const first = payload[0];
  const last = payload[payload.length - 1];
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

/**
 * One resilient connection to one destination broker, built on Nest's ClientMqtt.
 * `publish` never blocks: it stores the latest payload per topic in a bounded outbox that a
 * per-connection pump delivers with a bounded in-flight window and an optional rate limit.
 * The connection retries forever with jittered backoff, sends a retained `online` birth on
 * every (re)connect (a retained `offline` Last Will covers crashes), and puts messages that
 * were in flight when the connection dropped back into the outbox, so after any outage every
 * topic ends with its latest value. (At QoS 0 a message counts as sent once written to the
 * socket, so one lost with the socket is only restored by the `onConnected` re-publication.)
 */
export class BrokerConnection {
  readonly id: string;
  readonly limits: EffectiveLimits;
  /** QoS used for every publish: the configured QoS clamped to the profile's maximum. */
  readonly qos: 0 | 1 | 2;
  /** Whether messages are retained: configured retain, unless the broker does not support it. */
  readonly retain: boolean;
  readonly statusTopic: string;
  /** QoS of the birth, `offline` and Last Will messages: 1 unless the broker caps it lower. */
  private readonly statusQos: 0 | 1;

  private readonly logger: Logger;
  private readonly outbox: LatestValueOutbox;
  private readonly bucket?: TokenBucket;
  private readonly backoff: ReconnectBackoff;
  private readonly connectTimeoutMs: number;
  private readonly secrets: string[];
  private readonly displayUrl: string;

  private readonly inFlight = new Map<number, InFlight>();
  private readonly inFlightTopics = new Map<string, number>();
  private nextSequence = 0;
  private readonly connectedListeners = new Set<(event: ConnectedEvent) => void>();
  private connectWaiters = new Set<Waiter>();
  private drainWaiters = new Set<Waiter>();

  private protocolVersion: 4 | 5;
  private attempt?: Attempt;
  private online = false;
  private started = false;
  private closing = false;
  private everConnected = false;
  private reconnectTimer?: NodeJS.Timeout;
  private pumpTimer?: NodeJS.Timeout;

  private published = 0;
  private refused = 0;
  private reconnects = 0;
  private connectedSince?: string;
  private lastError?: string;
  private overflowSinceLog = 0;
  private lastOverflowLog = 0;
  private lastErrorLog = 0;

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
    this.statusQos = this.limits.maxQos === 0 ? 0 : 1;
    this.logger = options.logger.child({ broker: config.id });
    this.outbox = new LatestValueOutbox(config.outboxMaxTopics ?? DEFAULT_OUTBOX_MAX_TOPICS);
    if (this.limits.maxMessagesPerSecond !== undefined) {
      this.bucket = new TokenBucket(this.limits.maxMessagesPerSecond);
    }
    const base = Math.max(1, options.reconnectPeriodMs ?? 1000);
    this.backoff = new ReconnectBackoff(
      base,
      Math.max(base, options.maxReconnectPeriodMs ?? 30_000),
    );
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.protocolVersion = config.protocolVersion === 4 ? 4 : 5;
    this.secrets = [config.password ?? ''].filter((secret) => secret.length > 0);
    this.displayUrl = urlWithoutCredentials(config.url);
  }

  /** Begins connecting and returns at once, even when the broker is down; retries forever. */
  start(): Promise<void> {
    if (!this.started && !this.closing) {
      this.started = true;
      this.connect();
    }
    return Promise.resolve();
  }

  /** Resolves true once connected (birth sent), false after `timeoutMs`. */
  whenConnected(timeoutMs = 10_000): Promise<boolean> {
    if (this.online) return Promise.resolve(true);
    return this.wait(this.connectWaiters, timeoutMs);
  }

  /** Queues the latest payload for `topic`; never blocks or throws. */
  publish(topic: string, payload: string | Buffer): PublishOutcome {
    if (this.closing) return this.refuse('closed');
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const reason = refusalReason(topic, bytes.length, this.limits, this.config.profile);
    if (reason) return this.refuse(reason);
    // A topic whose older value is in flight is not new: its update must never be lost.
    const inFlight = this.inFlightTopics.has(topic);
    if (this.outbox.put(topic, bytes, inFlight) === 'overflow') {
      this.noteOverflow();
      return this.refuse('overflow');
    }
    this.pump();
    return 'queued';
  }

  /** Queues a zero-length retained payload, which removes the broker's retained message. */
  clear(topic: string): PublishOutcome {
    if (!this.retain) {
      // Nothing is retained on this broker, so there is nothing to remove.
      return { refused: 'retain unsupported: nothing to clear' };
    }
    return this.publish(topic, EMPTY);
  }

  /** Resolves true when the outbox is empty and nothing is in flight, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.isDrained()) return Promise.resolve(true);
    return this.wait(this.drainWaiters, timeoutMs);
  }

  /** Runs `listener` after every (re)connect, once the birth message is out. Returns an unsubscribe. */
  onConnected(listener: (event: ConnectedEvent) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  status(): BrokerStatus {
    return {
      id: this.id,
      url: this.displayUrl,
      connected: this.online,
      queued: this.outbox.size,
      inFlight: this.inFlight.size,
      published: this.published,
      refused: this.refused,
      reconnects: this.reconnects,
      connectedSince: this.connectedSince,
      lastError: this.lastError,
      protocolVersion: this.everConnected ? this.protocolVersion : undefined,
    };
  }

  /** Stops accepting, drains up to `timeoutMs`, publishes retained `offline`, disconnects. */
  async close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const deadline = Date.now() + timeoutMs;
    clearTimeout(this.reconnectTimer);
    if (this.online) await this.drain(Math.max(0, deadline - Date.now()));
    const attempt = this.attempt;
    if (this.online && attempt) {
      const sent = this.emit(
        attempt,
        this.statusTopic,
        Buffer.from('offline'),
        this.statusQos,
        this.retain,
      );
      await this.withTimeout(sent, Math.max(0, deadline - Date.now()));
    }
    clearTimeout(this.pumpTimer);
    this.online = false;
    if (attempt) {
      attempt.ended = true;
      this.attempt = undefined;
      if (attempt.raw.connected) {
        // A clean DISCONNECT, so the broker discards the Last Will: `offline` is already there.
        await this.withTimeout(
          attempt.raw.endAsync(false).catch(() => undefined),
          Math.max(100, deadline - Date.now()),
        );
      }
      attempt.raw.end(true);
    }
    this.settle(this.connectWaiters, false);
    this.settle(this.drainWaiters, this.isDrained());
    this.logger.info({ queued: this.outbox.size }, 'broker connection closed');
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (this.closing) return;
    const protocolVersion = this.protocolVersion;
    const will: LastWill = {
      topic: this.statusTopic,
      payload: 'offline',
      qos: this.statusQos,
      retain: this.retain,
    };
    const client = new BridgeClientMqtt(
      clientMqttOptions(this.config, protocolVersion, will, this.connectTimeoutMs),
      this.logger,
      this.secrets,
    );
    const connecting = client.connect() as Promise<unknown>;
    let raw: MqttClient;
    try {
      raw = client.unwrap<MqttClient>();
    } catch {
      // mqtt.js refused the options outright (e.g. an unknown URL scheme): retry later anyway,
      // the configuration may be fixed without a restart of this connection's owner.
      connecting.then(
        () => undefined,
        (error: unknown) => this.noteError(error),
      );
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
      return;
    }
    const attempt: Attempt = {
      client,
      raw,
      protocolVersion,
      ended: false,
      accepted: false,
      errorSeen: false,
    };
    this.attempt = attempt;
    // Keeps an 'error' listener for the client's whole life: an unhandled 'error' would throw.
    raw.on('error', (error) => {
      if (attempt.ended) return;
      attempt.errorSeen = true;
      // An MQTT 3.1.1 broker refusing 5 is the expected start of the fallback, not a fault.
      if (!this.fallsBack(attempt, error)) this.noteError(error);
    });
    raw.on('close', () => this.endAttempt(attempt));
    connecting.then(
      () => this.onAccepted(attempt),
      (error: unknown) => this.endAttempt(attempt, error),
    );
  }

  private onAccepted(attempt: Attempt): void {
    if (attempt.ended) return;
    attempt.accepted = true;
    const birth = this.emit(
      attempt,
      this.statusTopic,
      Buffer.from('online'),
      this.statusQos,
      this.retain,
    );
    birth.then(
      () => this.onBirthSent(attempt),
      (error: unknown) => {
        if (attempt.ended || !attempt.raw.connected) {
          this.endAttempt(attempt, error);
          return;
        }
        // The broker refused the birth itself (e.g. an ACL on the status topic) but kept the
        // connection: state delivery matters more than the status topic, so carry on.
        this.noteError(error);
        this.onBirthSent(attempt);
      },
    );
  }

  private onBirthSent(attempt: Attempt): void {
    if (attempt.ended || this.closing) return;
    const reconnect = this.everConnected;
    this.online = true;
    this.everConnected = true;
    if (reconnect) this.reconnects++;
    this.connectedSince = new Date().toISOString();
    this.backoff.reset();
    this.logger.info(
      { url: this.displayUrl, protocolVersion: attempt.protocolVersion, reconnect },
      'connected to broker',
    );
    for (const listener of [...this.connectedListeners]) {
      try {
        listener({ reconnect });
      } catch (error) {
        this.logger.error({ err: summarizeError(error) }, 'onConnected listener failed');
      }
    }
    this.settle(this.connectWaiters, true);
    this.pump();
  }

  /** Ends an attempt once (socket closed, connect refused or birth failed) and schedules the next. */
  private endAttempt(attempt: Attempt, error?: unknown): void {
    if (attempt.ended) return;
    attempt.ended = true;
    if (this.attempt === attempt) this.attempt = undefined;
    const wasOnline = this.online;
    this.online = false;
    this.requeueInFlight(attempt);
    attempt.raw.end(true);
    const fallBack = this.fallsBack(attempt, error);
    if (error !== undefined && error !== null) {
      if (!fallBack) this.noteError(error);
    } else if (!attempt.accepted && !attempt.errorSeen) {
      this.noteError('connection closed before CONNACK');
    }
    if (this.closing) return;
    if (wasOnline) this.logger.warn({ queued: this.outbox.size }, 'connection to broker lost');
    if (fallBack) {
      // The broker speaks only MQTT 3.1.1: use it from now on.
      this.protocolVersion = 4;
      this.logger.info('broker refused MQTT 5; falling back to MQTT 3.1.1');
      this.reconnectTimer = setTimeout(() => this.connect(), 0);
      return;
    }
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
  }

  /** Whether this refusal means the broker speaks only MQTT 3.1.1 and 'auto' should use it. */
  private fallsBack(attempt: Attempt, error: unknown): boolean {
    const code = errorCode(error);
    return (
      this.config.protocolVersion === 'auto' &&
      attempt.protocolVersion === 5 &&
      !attempt.accepted &&
      typeof code === 'number' &&
      PROTOCOL_REFUSED_CODES.has(code)
    );
  }

  /** Puts messages lost with the connection back, newest first, unless newer ones wait. */
  private requeueInFlight(attempt: Attempt): void {
    const lost = [...this.inFlight.entries()].filter(([, entry]) => entry.attempt === attempt);
    for (let i = lost.length - 1; i >= 0; i--) {
      const [sequence, entry] = lost[i];
      this.finishInFlight(sequence, entry);
      this.outbox.putBack(entry.topic, entry.payload);
    }
  }

  /** Delivers from the outbox while connected, within the in-flight window and rate limit. */
  private pump(): void {
    const attempt = this.attempt;
    while (this.online && attempt && !attempt.ended && this.outbox.size > 0) {
      if (this.inFlight.size >= this.limits.maxInFlight) return;
      if (this.bucket && !this.bucket.tryTake()) {
        this.schedulePump(this.bucket.msUntilNextToken());
        return;
      }
      const next = this.outbox.shift();
      if (!next) break;
      this.send(attempt, next.topic, next.payload);
    }
    if (this.isDrained()) this.settle(this.drainWaiters, true);
  }

  private schedulePump(delayMs: number): void {
    if (this.pumpTimer) return;
    this.pumpTimer = setTimeout(
      () => {
        this.pumpTimer = undefined;
        this.pump();
      },
      Math.max(1, delayMs),
    );
  }

  private send(attempt: Attempt, topic: string, payload: Buffer): void {
    const sequence = this.nextSequence++;
    const entry: InFlight = { topic, payload, attempt };
    this.inFlight.set(sequence, entry);
    this.inFlightTopics.set(topic, (this.inFlightTopics.get(topic) ?? 0) + 1);
    this.emit(attempt, topic, payload, this.qos, this.retain).then(
      () => {
        this.published++;
        if (this.finishInFlight(sequence, entry)) this.pump();
      },
      (error: unknown) => this.onSendFailed(sequence, entry, error),
    );
  }

  private onSendFailed(sequence: number, entry: InFlight, error: unknown): void {
    // A dropped connection requeues its messages in endAttempt; only a live one lands here.
    if (entry.attempt.ended || !this.finishInFlight(sequence, entry)) return;
    if (!entry.attempt.raw.connected) {
      this.outbox.putBack(entry.topic, entry.payload);
      return;
    }
    // The broker refused this message (e.g. an MQTT 5 PUBACK reason code): retrying would loop.
    this.refused++;
    this.noteError(error);
    this.pump();
  }

  /** Forgets an in-flight message; false when it was already forgotten. */
  private finishInFlight(sequence: number, entry: InFlight): boolean {
    if (!this.inFlight.delete(sequence)) return false;
    const count = (this.inFlightTopics.get(entry.topic) ?? 1) - 1;
    if (count <= 0) this.inFlightTopics.delete(entry.topic);
    else this.inFlightTopics.set(entry.topic, count);
    return true;
  }

  /** Publishes through ClientMqtt; resolves on PUBACK (QoS 1/2) or socket write (QoS 0). */
  private emit(
    attempt: Attempt,
    topic: string,
    payload: Buffer,
    qos: 0 | 1 | 2,
    retain: boolean,
  ): Promise<unknown> {
    // The payload travels inside an MqttRecord: per-message QoS/retain, and ClientMqtt's
    // `delete data.options` touches only the record, never the payload.
    const builder = new MqttRecordBuilder<Buffer>(payload).setQoS(qos).setRetain(retain);
    if (attempt.protocolVersion === 5 && looksLikeJson(payload)) {
      builder.setProperties({ contentType: 'application/json' });
    }
    try {
      return lastValueFrom(attempt.client.emit(topic, builder.build()), {
        defaultValue: undefined,
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private refuse(reason: string): PublishOutcome {
    this.refused++;
    return { refused: reason };
  }

  private noteOverflow(): void {
    this.overflowSinceLog++;
    const now = Date.now();
    if (now - this.lastOverflowLog < OVERFLOW_LOG_INTERVAL_MS) return;
    this.lastOverflowLog = now;
    this.logger.warn(
      { refusedTopics: this.overflowSinceLog, maxTopics: this.outbox.maxTopics },
      'outbox full: new topics refused until the broker catches up',
    );
    this.overflowSinceLog = 0;
  }

  private noteError(error: unknown): void {
    const summary = summarizeError(error, this.secrets);
    const changed = summary !== this.lastError;
    this.lastError = summary;
    const now = Date.now();
    if (!changed && now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog = now;
    this.logger.warn({ url: this.displayUrl, error: summary }, 'broker connection error; retrying');
  }

  private isDrained(): boolean {
    return this.outbox.size === 0 && this.inFlight.size === 0;
  }

  private wait(waiters: Set<Waiter>, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  private settle(waiters: Set<Waiter>, value: boolean): void {
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
    waiters.clear();
  }

  private async withTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([
      promise.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
    clearTimeout(timer);
  }
}
