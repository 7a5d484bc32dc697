import { createHash } from 'node:crypto';

/** Marks a topic a drop rule keeps from the broker (it holds nothing there, on purpose). */
const DROPPED = -1;

/** 48 bits of SHA-1: a JS number (no BigInt), and collisions stay negligible at millions of topics. */
function hash48(...parts: string[]): number {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest().readUIntBE(0, 6);
}

/**
 * What each broker currently holds, per canonical topic: a 48-bit digest of the destination
 * topic and the filtered value last handed to it (or "dropped", or nothing). It lets a rule
 * change re-publish only the topics whose filtered output actually changed, and lets a drop
 * clear only topics that hold something. Topics and digests are kept as numbers, not strings,
 * so 100,000 topics cost a few megabytes per broker.
 */
export class DeliveryLedger {
  private readonly held = new Map<string, Map<number, number>>();

  /** The digest of what a broker receives: destination topic + value text (never the time). */
  static digest(destinationTopic: string, valueText: string): number {
    return hash48(destinationTopic, valueText);
  }

  private static key(canonicalTopic: string): number {
    return hash48(canonicalTopic);
  }

  private forBroker(brokerId: string): Map<number, number> {
    let map = this.held.get(brokerId);
    if (!map) {
      map = new Map();
      this.held.set(brokerId, map);
    }
    return map;
  }

  /** True when the broker already holds exactly this digest for the topic. */
  holds(brokerId: string, canonicalTopic: string, digest: number): boolean {
    return this.held.get(brokerId)?.get(DeliveryLedger.key(canonicalTopic)) === digest;
  }

  /** True when the broker may hold a retained value for the topic that a clear must remove. */
  mayHoldValue(brokerId: string, canonicalTopic: string): boolean {
    const current = this.held.get(brokerId)?.get(DeliveryLedger.key(canonicalTopic));
    return current !== undefined && current !== DROPPED;
  }

  isDropped(brokerId: string, canonicalTopic: string): boolean {
    return this.held.get(brokerId)?.get(DeliveryLedger.key(canonicalTopic)) === DROPPED;
  }

  recordPublished(brokerId: string, canonicalTopic: string, digest: number): void {
    this.forBroker(brokerId).set(DeliveryLedger.key(canonicalTopic), digest);
  }

  recordDropped(brokerId: string, canonicalTopic: string): void {
    this.forBroker(brokerId).set(DeliveryLedger.key(canonicalTopic), DROPPED);
  }

  recordCleared(brokerId: string, canonicalTopic: string): void {
    this.held.get(brokerId)?.delete(DeliveryLedger.key(canonicalTopic));
  }

  /** Forget what a broker holds (it restarted and may have lost everything). */
  forgetBroker(brokerId: string): void {
    this.held.delete(brokerId);
  }

  /** Topics recorded for a broker (published or dropped). */
  size(brokerId: string): number {
    return this.held.get(brokerId)?.size ?? 0;
  }
}
