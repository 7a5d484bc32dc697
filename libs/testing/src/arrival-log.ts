import { type ChildProcess, spawn } from 'node:child_process';
import mqtt from 'mqtt';
import { findMosquittoSub, type TestBroker } from './test-broker';
import { ConditionWaiters } from './condition-waiters';

/** One message as mosquitto_sub saw it: its topic and the wall-clock arrival time in ms. */
export interface Arrival {
  topic: string;
  at: number;
}

/**
 * Arrival times of every message on `filters`, stamped by a mosquitto_sub process (nanosecond
 * clock, its own process): what the broker delivered and when, unaffected by the event loop of
 * the process under test. Subscribed at QoS 0, so the broker forwards without flow control.
 */
export class ArrivalLog {
  readonly arrivals: Arrival[] = [];
  private readonly waiters = new ConditionWaiters();
  private pending = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly marker: string,
  ) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const lines = (this.pending + chunk).split('\n');
      this.pending = lines.pop() ?? '';
      for (const line of lines) {
        const space = line.indexOf(' ');
        if (space <= 0) continue;
        this.arrivals.push({
          at: Number(line.slice(0, space)) * 1000,
          topic: line.slice(space + 1),
        });
      }
      this.waiters.wake();
    });
  }

  /** Starts mosquitto_sub on `broker` and resolves once its subscription is in place. */
  static async start(broker: TestBroker, filters: string | string[]): Promise<ArrivalLog> {
    const binary = findMosquittoSub();
    if (!binary) throw new Error('mosquitto_sub is not installed');
    const marker = `arrivals-ready/${Math.random().toString(16).slice(2)}`;
    const topics = [...(Array.isArray(filters) ? filters : [filters]), marker];
    const child = spawn(
      binary,
      ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '0', '-F', '%U %t'].concat(
        topics.flatMap((t) => ['-t', t]),
      ),
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const log = new ArrivalLog(child, marker);
    // The marker arrives only once the one SUBSCRIBE (all filters) is in effect.
    const probe = await mqtt.connectAsync(broker.url);
    try {
      const deadline = Date.now() + 5000;
      while (!log.arrivals.some((a) => a.topic === marker)) {
        if (Date.now() > deadline) throw new Error('mosquitto_sub did not subscribe');
        await probe.publishAsync(marker, 'x');
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await probe.endAsync(true);
    }
    return log;
  }

  /** Arrivals on the filters (the readiness marker left out), optionally only matching `keep`. */
  messages(keep: (topic: string) => boolean = () => true): Arrival[] {
    return this.arrivals.filter((a) => a.topic !== this.marker && keep(a.topic));
  }

  /** The most messages that arrived within any `windowMs` (default one second). */
  static maxInWindow(arrivals: readonly Arrival[], windowMs = 1000): number {
    const times = arrivals.map((a) => a.at).sort((a, b) => a - b);
    let best = 0;
    for (let start = 0, end = 0; end < times.length; end++) {
      while (times[end] - times[start] >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  /** Resolves once `predicate` holds, re-checked on every arrival; rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    await this.waiters.until(predicate, timeoutMs, what);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}
