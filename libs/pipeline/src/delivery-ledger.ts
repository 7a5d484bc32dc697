import { DigestTable } from './digest-table';
import { hash53 } from './string-hash';

/** Marks a topic a drop rule keeps from the broker (it holds nothing there, on purpose). */
const DROPPED = -1;
/** Seeds the value digest apart from the topic key, so the two never coincide by construction. */
const VALUE_SEED = 0x5eed;

/**
 * What each broker currently holds, per canonical topic: a digest of the value text last handed
 * to it (or "dropped", or nothing). It lets a rule change re-publish only the topics whose
 * filtered output actually changed, and lets a drop clear only topics that hold something.
 * Topics are kept as 53-bit hashes in a DigestTable per broker: at a million topics that is
 * a few tens of megabytes and nothing for the garbage collector to trace.
 */
export class DeliveryLedger {
  private readonly held = new Map<string, DigestTable>();

  /** The key of a canonical topic in the ledger (and in the leak findings). */
  static topicKey(canonicalTopic: string): number {
    return hash53(canonicalTopic);
  }

  /**
   * The digest of a value as a broker receives it: its JSON text, never the time (an unchanged
   * value re-read later is not a change). The destination topic is fixed per canonical topic
   * and broker for the life of the process, so it needs no place in the digest.
   */
  static digest(valueJson: string): number {
    return hash53(valueJson, VALUE_SEED);
  }

  private forBroker(brokerId: string): DigestTable {
    let table = this.held.get(brokerId);
    if (!table) {
      table = new DigestTable();
      this.held.set(brokerId, table);
    }
    return table;
  }

  /** True when the broker already holds exactly this digest for the topic. */
  holds(brokerId: string, topicKey: number, digest: number): boolean {
    return this.held.get(brokerId)?.get(topicKey) === digest;
  }

  /** True when the broker may hold a retained value for the topic that a clear must remove. */
  mayHoldValue(brokerId: string, topicKey: number): boolean {
    const current = this.held.get(brokerId)?.get(topicKey);
    return current !== undefined && current !== DROPPED;
  }

  isDropped(brokerId: string, topicKey: number): boolean {
    return this.held.get(brokerId)?.get(topicKey) === DROPPED;
  }

  recordPublished(brokerId: string, topicKey: number, digest: number): void {
    this.forBroker(brokerId).set(topicKey, digest);
  }

  recordDropped(brokerId: string, topicKey: number): void {
    this.forBroker(brokerId).set(topicKey, DROPPED);
  }

  recordCleared(brokerId: string, topicKey: number): void {
    this.held.get(brokerId)?.delete(topicKey);
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
