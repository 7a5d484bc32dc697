import mqtt, { type MqttClient } from 'mqtt';

/** Which subject published a topic: the bridge (`placeos/…`) or the bare baseline (`bare/…`). */
export type Subject = 'bridge' | 'bare';

const subjectOf = (topic: string): Subject => (topic.startsWith('bare/') ? 'bare' : 'bridge');
const now = (): number => performance.timeOrigin + performance.now();

/**
 * The benchmark's subscriber: every state topic either subject publishes, watched for what the
 * phase at hand measures (distinct topics held, a burst's last values, stamped latencies).
 */
export class BrokerWatch {
  private topics = new Set<string>();
  private burst?: {
    subject: Subject;
    finalText: string;
    state: Map<string, boolean>;
    final: number;
    older: number;
    lastArrivalAt: number;
  };
  private latencies?: { subject: Subject; samples: number[] };

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async open(url: string): Promise<BrokerWatch> {
    const client = await mqtt.connectAsync(url, { clientId: `bench-watch-${process.pid}` });
    await client.subscribeAsync(['placeos/+/state/#', 'bare/#'], { qos: 0 });
    return new BrokerWatch(client);
  }

  /** Distinct state topics seen since the last reset. */
  get distinctTopics(): number {
    return this.topics.size;
  }

  resetTopics(): void {
    this.topics = new Set();
  }

  /** Starts watching for every burst topic of `subject` to end at `finalValue`. */
  watchBurst(subject: Subject, finalValue: string): void {
    this.burst = {
      subject,
      finalText: `"value":${JSON.stringify(finalValue)}}`,
      state: new Map(),
      final: 0,
      older: 0,
      lastArrivalAt: 0,
    };
  }

  /**
   * Topics at the burst's last value, topics at an older burst value, and when the subject's
   * last message arrived (any message: a rule may have replaced the value).
   */
  burstStatus(): { final: number; older: number; lastArrivalAt: number } {
    const { final = 0, older = 0, lastArrivalAt = 0 } = this.burst ?? {};
    return { final, older, lastArrivalAt };
  }

  /** Collects the latency of every stamped value `subject` delivers until stopLatency(). */
  watchLatency(subject: Subject): void {
    this.latencies = { subject, samples: [] };
  }

  /** The latencies collected (ms), sorted. */
  stopLatency(): number[] {
    const samples = this.latencies?.samples ?? [];
    this.latencies = undefined;
    return samples.sort((a, b) => a - b);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const arrived = now();
    this.topics.add(topic);
    const subject = subjectOf(topic);
    const latencies = this.latencies;
    if (latencies && latencies.subject === subject) {
      const text = payload.toString();
      const at = /"at":([0-9.]+)/.exec(text);
      if (at) latencies.samples.push(arrived - Number(at[1]));
    }
    const burst = this.burst;
    if (burst && burst.subject === subject) {
      burst.lastArrivalAt = arrived;
      const text = payload.toString();
      const isFinal = text.endsWith(burst.finalText);
      if (!isFinal && !text.includes('"value":"burst ')) return;
      const before = burst.state.get(topic);
      if (before === isFinal) return;
      if (before === true) burst.final--;
      if (before === false) burst.older--;
      burst.state.set(topic, isFinal);
      if (isFinal) burst.final++;
      else burst.older++;
    }
  }
}
