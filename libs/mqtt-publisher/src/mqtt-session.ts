import type { BrokerConfig } from '@app/config';
import type { Logger } from 'pino';
import type { LastWill } from './client-options';
import type { MessagePayload } from './latest-value-outbox';
import { ConnectionAttempt } from './connection-attempt';
import { summarizeError } from './error-summary';
import type { MessageProperties, PublishProperties } from './message-properties';
import { ReconnectBackoff } from './reconnect-backoff';
import type { SlidingWindowLimiter } from './sliding-window-limiter';
import { TopicAliases } from './topic-aliases';
import { settledWithin } from './waiters';

/** The instance's status topic, announced (birth, Last Will, `offline`) by one session only. */
export interface StatusAnnouncement {
  topic: string;
  qos: 0 | 1;
  retain: boolean;
}

export interface SessionOptions {
  config: BrokerConfig;
  clientId: string;
  /** Carries the broker id (and the connection number in a pool). */
  logger: Logger;
  status?: StatusAnnouncement;
  properties: MessageProperties;
  /** The connection's rate limit: status messages count against it like any other. */
  limiter: SlidingWindowLimiter;
  reconnectPeriodMs: number;
  maxReconnectPeriodMs: number;
  connectTimeoutMs: number;
  secrets: readonly string[];
  displayUrl: string;
  /** Every error worth showing as the broker's `lastError` (already summarized, secrets masked). */
  onError(summary: string): void;
}

export interface SessionEvents {
  /** Connected, CONNACK accepted, birth out: messages may flow. */
  up(reconnect: boolean): void;
  /** The connection attempt `generation` ended: what it had in flight is lost. */
  down(generation: number): void;
}

/** What the broker's CONNACK granted (MQTT 5): the pump and the limits respect it. */
export interface ServerLimits {
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum: number;
}

const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * One client connection to a broker, built on Nest's ClientMqtt: connection attempts with
 * jittered backoff forever, the MQTT 5 → 3.1.1 fallback, and, on the session that announces the
 * instance, a retained `online` birth on every (re)connect with a retained `offline` Last Will.
 * It sends what it is given on the live connection; queueing and pacing are the OutboxPump's.
 */
export class MqttSession {
  online = false;
  everConnected = false;
  reconnects = 0;
  connectedSince?: string;
  lastError?: string;
  /** From the last CONNACK; nothing granted on MQTT 3.1.1. */
  server: ServerLimits = { topicAliasMaximum: 0 };

  private protocolVersion: 4 | 5;
  private attempt?: ConnectionAttempt;
  private generation = 0;
  private started = false;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private birthTimer?: NodeJS.Timeout;
  private readonly backoff: ReconnectBackoff;
  private lastErrorLog = 0;
  private readonly logger: Logger;

  constructor(
    private readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {
    this.logger = options.logger;
    const base = Math.max(1, options.reconnectPeriodMs);
    this.backoff = new ReconnectBackoff(base, Math.max(base, options.maxReconnectPeriodMs));
    this.protocolVersion = options.config.protocolVersion === 4 ? 4 : 5;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** The protocol of the connection in use (or last used): 5 or 4 (3.1.1). */
  get negotiatedVersion(): 4 | 5 | undefined {
    return this.everConnected ? this.protocolVersion : undefined;
  }

  get mqtt5(): boolean {
    return this.protocolVersion === 5;
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.connect();
  }

  /**
   * Publishes on the live connection; resolves on PUBACK (QoS 1/2) or socket write (QoS 0).
   * Undefined when offline. `generation` says which connection the message went out on.
   */
  send(
    topic: string,
    payload: MessagePayload,
    qos: 0 | 1 | 2,
    retain: boolean,
  ): { generation: number; done: Promise<unknown> } | undefined {
    const attempt = this.attempt;
    if (!this.online || !attempt || attempt.ended) return undefined;
    let properties: PublishProperties | undefined;
    let wireTopic = topic;
    if (attempt.protocolVersion === 5) {
      properties = this.options.properties.forMessage(payload);
      const aliases = attempt.aliases;
      if (aliases) {
        const held = aliases.aliasOf(topic);
        if (held !== undefined) {
          // The broker knows the topic by its alias: an empty topic name and two bytes.
          wireTopic = '';
          properties = { ...properties, topicAlias: held };
        } else {
          const alias = aliases.register(topic);
          if (alias !== undefined) properties = { ...properties, topicAlias: alias };
        }
      }
    }
    return {
      generation: attempt.generation,
      done: attempt.emit(wireTopic, payload, qos, retain, properties),
    };
  }

  /** Whether connection `generation` is the one in use and still up. */
  isConnected(generation: number): boolean {
    const attempt = this.attempt;
    return (
      attempt !== undefined &&
      !attempt.ended &&
      attempt.generation === generation &&
      attempt.raw.connected
    );
  }

  /** Records an error for `lastError` and logs it (a repeated error at most once a minute). */
  noteError(error: unknown): void {
    const summary = summarizeError(error, this.options.secrets);
    const changed = summary !== this.lastError;
    this.lastError = summary;
    this.options.onError(summary);
    const now = Date.now();
    if (!changed && now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog = now;
    this.logger.warn(
      { url: this.options.displayUrl, error: summary },
      'broker connection error; retrying',
    );
  }

  /** Publishes retained `offline` (if this session announces) and disconnects cleanly. */
  async close(deadline: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.birthTimer);
    const attempt = this.attempt;
    const status = this.options.status;
    if (this.online && attempt && status) {
      const bytes = this.options.properties.packetBytes(
        Buffer.byteLength(status.topic),
        7,
        status.qos,
        attempt.protocolVersion === 5,
      );
      // `offline` waits its turn in the rate limit too, as long as the grace allows.
      const wait = Math.min(this.options.limiter.delayFor(bytes), deadline - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.options.limiter.reserve(bytes);
      const sent = attempt.emit(
        status.topic,
        Buffer.from('offline'),
        status.qos,
        status.retain,
        this.statusProperties(attempt),
      );
      await settledWithin(sent, Math.max(0, deadline - Date.now()));
    }
    this.online = false;
    if (!attempt) return;
    attempt.ended = true;
    this.attempt = undefined;
    if (attempt.raw.connected) {
      // A clean DISCONNECT, so the broker discards the Last Will: `offline` is already there.
      await settledWithin(attempt.raw.endAsync(false), Math.max(100, deadline - Date.now()));
    }
    attempt.raw.end(true);
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (this.closing) return;
    const protocolVersion = this.protocolVersion;
    const status = this.options.status;
    const will: LastWill | undefined = status && {
      topic: status.topic,
      payload: 'offline',
      qos: status.qos,
      retain: status.retain,
      ...(protocolVersion === 5 ? { properties: this.options.properties.forStatus() } : {}),
    };
    const attempt = ConnectionAttempt.open(
      this.options.config,
      {
        clientId: this.options.clientId,
        protocolVersion,
        will,
        connectTimeoutMs: this.options.connectTimeoutMs,
      },
      ++this.generation,
      this.logger,
      this.options.secrets,
    );
    if (!(attempt instanceof ConnectionAttempt)) {
      // mqtt.js refused the options outright (e.g. an unknown URL scheme): retry later anyway.
      attempt.catch((error: unknown) => this.noteError(error));
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
      return;
    }
    const raw = attempt.raw;
    this.attempt = attempt;
    // Keeps an 'error' listener for the client's whole life: an unhandled 'error' would throw.
    raw.on('error', (error) => {
      if (attempt.ended) return;
      attempt.errorSeen = true;
      // An MQTT 3.1.1 broker refusing 5 is the expected start of the fallback, not a fault.
      if (!attempt.refusedMqtt5(this.options.config.protocolVersion, error)) this.noteError(error);
    });
    // The rate limit counts a send from when its bytes reach the socket, which can be well
    // after the pump decided it: ClientMqtt dispatches in a microtask, and mqtt-packet corks the
    // socket until the next tick, which waits for every queued microtask. This tick comes
    // right before that uncork.
    const limiter = this.options.limiter;
    if (limiter.limited) {
      // A write held to the end of the turn would be counted before its bytes leave.
      attempt.coalesceWrites = false;
      raw.on('packetsend', (packet) => {
        if (packet.cmd !== 'publish' || attempt.ended) return;
        process.nextTick(() => limiter.written());
      });
    }
    raw.on('close', () => this.endAttempt(attempt));
    attempt.connecting.then(
      () => this.onAccepted(attempt),
      (error: unknown) => this.endAttempt(attempt, error),
    );
  }

  private onAccepted(attempt: ConnectionAttempt): void {
    if (attempt.ended) return;
    attempt.accepted = true;
    const granted = attempt.protocolVersion === 5 ? attempt.granted : undefined;
    this.server = {
      receiveMaximum: granted?.receiveMaximum,
      maximumPacketSize: granted?.maximumPacketSize,
      topicAliasMaximum: granted?.topicAliasMaximum ?? 0,
    };
    if (this.server.topicAliasMaximum > 0) {
      attempt.aliases = new TopicAliases(this.server.topicAliasMaximum);
    }
    const status = this.options.status;
    if (!status) {
      this.onBirthSent(attempt);
      return;
    }
    const bytes = this.options.properties.packetBytes(
      Buffer.byteLength(status.topic),
      6,
      status.qos,
      attempt.protocolVersion === 5,
    );
    // The birth waits its turn in the rate limit like any message (a reconnect right after a
    // full second of sends must not add one more to that second).
    const delay = this.options.limiter.delayFor(bytes);
    this.birthTimer = setTimeout(
      () => this.sendBirth(attempt, status, bytes),
      Number.isFinite(delay) ? Math.ceil(delay) : 0,
    );
  }

  private sendBirth(attempt: ConnectionAttempt, status: StatusAnnouncement, bytes: number): void {
    if (attempt.ended || this.closing) return;
    this.options.limiter.reserve(bytes);
    const birth = attempt.emit(
      status.topic,
      Buffer.from('online'),
      status.qos,
      status.retain,
      this.statusProperties(attempt),
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

  private onBirthSent(attempt: ConnectionAttempt): void {
    if (attempt.ended || this.closing) return;
    const reconnect = this.everConnected;
    this.online = true;
    this.everConnected = true;
    if (reconnect) this.reconnects++;
    this.connectedSince = new Date().toISOString();
    this.backoff.reset();
    this.logger.info(
      {
        url: this.options.displayUrl,
        clientId: this.options.clientId,
        protocolVersion: attempt.protocolVersion,
        reconnect,
        ...(attempt.protocolVersion === 5 ? { granted: this.server } : {}),
      },
      'connected to broker',
    );
    this.events.up(reconnect);
  }

  /** Ends an attempt once (socket closed, connect refused or birth failed) and schedules the next. */
  private endAttempt(attempt: ConnectionAttempt, error?: unknown): void {
    if (attempt.ended) return;
    attempt.ended = true;
    if (this.attempt === attempt) this.attempt = undefined;
    const wasOnline = this.online;
    this.online = false;
    this.options.limiter.abandonPending();
    this.events.down(attempt.generation);
    attempt.raw.end(true);
    const fallBack = attempt.refusedMqtt5(this.options.config.protocolVersion, error);
    if (error !== undefined && error !== null) {
      if (!fallBack) this.noteError(error);
    } else if (!attempt.accepted && !attempt.errorSeen) {
      this.noteError('connection closed before CONNACK');
    }
    if (this.closing) return;
    if (wasOnline) this.logger.warn('connection to broker lost');
    if (fallBack) {
      this.protocolVersion = 4;
      this.logger.info('broker refused MQTT 5; falling back to MQTT 3.1.1');
      if (this.options.properties.needsMqtt5) {
        this.logger.warn(
          'this broker speaks only MQTT 3.1.1: messageExpirySeconds and userProperties are not sent',
        );
      }
      this.reconnectTimer = setTimeout(() => this.connect(), 0);
      return;
    }
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next());
  }

  private statusProperties(attempt: ConnectionAttempt): PublishProperties | undefined {
    return attempt.protocolVersion === 5 ? this.options.properties.forStatus() : undefined;
  }
}
