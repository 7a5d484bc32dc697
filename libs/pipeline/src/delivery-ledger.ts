import { createHash } from 'node:crypto';

const DROPPED = 'dropped';

/**
 * What each broker currently holds, per canonical topic, as a short digest of the last
 * destination topic + payload value handed to it (or "dropped"/absent). It lets a rule change
 * re-publish only the topics whose filtered output actually changed, and lets a drop clear
 * only topics that hold something. Digests, not payloads, so memory stays small.
 */
export class DeliveryLedger {
  private readonly held = new Map<string, Map<string, string>>();

  static digest(destinationTopic: string, payloadValue: string): string {
    return createHash('sha1')
      .update(destinationTopic)
      .update('\u0000')
      .update(payloadValue)
      .digest('base64');
  }

  private forBroker(brokerId: string): Map<string, string> {
    let map = this.held.get(brokerId);
    if (!map) {
      map = new Map();
      this.held.set(brokerId, map);
    }
    return map;
  }

  /** True when the broker already holds exactly this digest for the topic. */
  holds(brokerId: string, canonicalTopic: string, digest: string): boolean {
    return this.held.get(brokerId)?.get(canonicalTopic) === digest;
  }

  /** True when the broker may hold a retained value for the topic that a clear must remove. */
  mayHoldValue(brokerId: string, canonicalTopic: string): boolean {
    const current = this.held.get(brokerId)?.get(canonicalTopic);
    return current !== undefined && current !== DROPPED;
  }

  isDropped(brokerId: string, canonicalTopic: string): boolean {
    return this.held.get(brokerId)?.get(canonicalTopic) === DROPPED;
  }

  recordPublished(brokerId: string, canonicalTopic: string, digest: string): void {
    this.forBroker(brokerId).set(canonicalTopic, digest);
  }

  recordDropped(brokerId: string, canonicalTopic: string): void {
    this.forBroker(brokerId).set(canonicalTopic, DROPPED);
  }

  recordCleared(brokerId: string, canonicalTopic: string): void {
    this.held.get(brokerId)?.delete(canonicalTopic);
  }

  /** Forget what a broker holds (it restarted and may have lost everything). */
  forgetBroker(brokerId: string): void {
    this.held.delete(brokerId);
  }

  topicsOf(brokerId: string): IterableIterator<string> {
    return (this.held.get(brokerId) ?? new Map<string, string>()).keys();
  }
}
