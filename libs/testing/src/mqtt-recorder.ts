import mqtt, { type MqttClient } from 'mqtt';
import { ConditionWaiters } from './condition-waiters';

export interface RecordedMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: number;
  receivedAt: number;
}

/**
 * A real MQTT subscriber that records everything it receives, for assertions in tests.
 * `latest` holds the last payload per topic; a zero-length payload removes the topic from it,
 * mirroring what the broker's retained store would hold.
 */
export class MqttRecorder {
  readonly messages: RecordedMessage[] = [];
  readonly latest = new Map<string, Buffer>();
  private readonly waiters = new ConditionWaiters();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const message: RecordedMessage = {
        topic,
        payload: Buffer.from(payload),
        retain: packet.retain,
        qos: packet.qos,
        receivedAt: Date.now(),
      };
      this.messages.push(message);
      if (payload.length === 0) this.latest.delete(topic);
      else this.latest.set(topic, message.payload);
      this.waiters.wake();
    });
  }

  static async connect(url: string, filters: string | string[] = '#'): Promise<MqttRecorder> {
    const client = await mqtt.connectAsync(url, {
      reconnectPeriod: 200,
      clientId: `recorder-${Math.random().toString(16).slice(2)}`,
    });
    const recorder = new MqttRecorder(client);
    await client.subscribeAsync(filters, { qos: 1 });
    // Re-subscribe after a broker restart: a fresh broker has no session for us.
    client.on('connect', () => {
      void client.subscribeAsync(filters, { qos: 1 }).catch(() => undefined);
    });
    return recorder;
  }

  json(topic: string): unknown {
    const payload = this.latest.get(topic);
    return payload === undefined ? undefined : JSON.parse(payload.toString('utf8'));
  }

  topics(prefix = ''): string[] {
    return [...this.latest.keys()].filter((t) => t.startsWith(prefix)).sort();
  }

  /** Resolves once `predicate` holds, re-checking on every message; rejects after `timeoutMs`. */
  waitFor<T>(
    predicate: () => T | undefined | false,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<T> {
    return this.waiters.until(predicate, timeoutMs, what);
  }

  clear(): void {
    this.messages.length = 0;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
