import type { DetectorName } from '@app/privacy';
import { generaliseTopic } from './topic-generalisation';

/** Personal data of one kind that reached one broker unprotected, under one topic filter. */
export interface Finding {
  broker: string;
  detector: DetectorName;
  /** The topic with its place levels generalised to `+` (see generaliseTopic). */
  topicFilter: string;
  /** Distinct values that carried it (the same value re-sent is not counted again). */
  count: number;
  /** ISO-8601 */
  firstSeen: string;
  /** ISO-8601 */
  lastSeen: string;
}

export interface LeakFindingsOptions {
  /** PLACEOS_HIERARCHY's length: where the levels of a state topic are. */
  hierarchyLength: number;
  /** Once per new finding (log it; it carries no value). */
  onNewFinding?: (finding: Readonly<Pick<Finding, 'broker' | 'detector' | 'topicFilter'>>) => void;
  /** Once per unprotected value counted, per detector (a metric). */
  onUnprotectedValue?: (broker: string, detector: DetectorName) => void;
  /** Once, when `maxFindings` is reached and new findings are no longer recorded. */
  onFull?: (maxFindings: number) => void;
  now?: () => number;
  /** Findings kept at most (memory bound); default 10,000. */
  maxFindings?: number;
  /** Leaking topics remembered per broker for de-duplication; default 100,000. */
  maxTopicsPerBroker?: number;
}

interface FindingRecord {
  broker: string;
  detector: DetectorName;
  topicFilter: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * The leak canary's tally, in memory (per replica: each replica sees what it publishes). Counts
 * each distinct value in which a detector found unprotected personal data, once per broker and
 * topic: re-publishing the same value (a rule change elsewhere, a broker reconnect) does not
 * count again, a new value does. Only leaking topics are remembered, each with the digest of
 * the value last counted; bounded, so a flood of leaks cannot exhaust memory.
 */
export class LeakFindings {
  private readonly records = new Map<string, FindingRecord>();
  private readonly countedDigest = new Map<string, Map<string, number>>();
  private readonly now: () => number;
  private readonly maxFindings: number;
  private readonly maxTopics: number;
  private full = false;

  constructor(private readonly options: LeakFindingsOptions) {
    this.now = options.now ?? Date.now;
    this.maxFindings = options.maxFindings ?? 10_000;
    this.maxTopics = options.maxTopicsPerBroker ?? 100_000;
  }

  /** True when this value was counted for this topic already: scanning it again can be skipped. */
  counted(broker: string, canonicalTopic: string, digest: number): boolean {
    return this.countedDigest.get(broker)?.get(canonicalTopic) === digest;
  }

  /** What a broker received at a topic (its digest), and which detectors found data in it. */
  observe(
    broker: string,
    canonicalTopic: string,
    digest: number,
    detectors: readonly DetectorName[],
  ): void {
    let topics = this.countedDigest.get(broker);
    if (detectors.length === 0) {
      // Protected now: a later leak of the same value there is news again.
      if (topics !== undefined && topics.size > 0) topics.delete(canonicalTopic);
      return;
    }
    if (topics === undefined) {
      topics = new Map();
      this.countedDigest.set(broker, topics);
    }
    if (topics.get(canonicalTopic) === digest) return;
    if (topics.size >= this.maxTopics) topics.clear();
    topics.set(canonicalTopic, digest);
    const topicFilter = generaliseTopic(canonicalTopic, this.options.hierarchyLength);
    const now = this.now();
    for (const detector of detectors) this.record(broker, detector, topicFilter, now);
  }

  /** Every finding, most frequent first (then by broker, detector and topic filter). */
  list(): Finding[] {
    return [...this.records.values()]
      .sort(
        (a, b) =>
          b.count - a.count ||
          compare(a.broker, b.broker) ||
          compare(a.detector, b.detector) ||
          compare(a.topicFilter, b.topicFilter),
      )
      .map((record) => ({
        broker: record.broker,
        detector: record.detector,
        topicFilter: record.topicFilter,
        count: record.count,
        firstSeen: new Date(record.firstSeen).toISOString(),
        lastSeen: new Date(record.lastSeen).toISOString(),
      }));
  }

  private record(broker: string, detector: DetectorName, topicFilter: string, now: number): void {
    this.options.onUnprotectedValue?.(broker, detector);
    const key = `${broker}\u0000${detector}\u0000${topicFilter}`;
    const existing = this.records.get(key);
    if (existing) {
      existing.count++;
      existing.lastSeen = now;
      return;
    }
    if (this.records.size >= this.maxFindings) {
      if (!this.full) this.options.onFull?.(this.maxFindings);
      this.full = true;
      return;
    }
    this.records.set(key, {
      broker,
      detector,
      topicFilter,
      count: 1,
      firstSeen: now,
      lastSeen: now,
    });
    this.options.onNewFinding?.({ broker, detector, topicFilter });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
