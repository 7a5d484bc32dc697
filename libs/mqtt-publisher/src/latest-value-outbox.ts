/** A payload as text (UTF-8 on the wire) or bytes. */
export type MessagePayload = string | Buffer;

/** The payload's size on the wire. */
export function payloadBytes(payload: MessagePayload): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
}

interface OutboxEntry {
  topic: string;
  payload: MessagePayload;
  prev?: OutboxEntry;
  next?: OutboxEntry;
}

/** What `put` did with a message. */
export type OutboxPutResult = 'added' | 'replaced' | 'overflow';

/**
 * Latest payload per topic waiting for delivery, oldest first. A newer value for a waiting
 * topic replaces the old one in place (keeping its position), so a backlog never holds a
 * superseded value and memory is bounded by the number of distinct topics.
 */
export class LatestValueOutbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private head?: OutboxEntry;
  private tail?: OutboxEntry;

  /** `maxTopics` bounds new topics; `put` with `allowBeyondBound` may exceed it. */
  constructor(readonly maxTopics: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(topic: string): boolean {
    return this.entries.has(topic);
  }

  /** Stores the latest payload for `topic`; a new topic beyond the bound is refused. */
  put(topic: string, payload: MessagePayload, allowBeyondBound = false): OutboxPutResult {
    const existing = this.entries.get(topic);
    if (existing) {
      existing.payload = payload;
      return 'replaced';
    }
    if (!allowBeyondBound && this.entries.size >= this.maxTopics) return 'overflow';
    const entry: OutboxEntry = { topic, payload, prev: this.tail };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.entries.set(topic, entry);
    return 'added';
  }

  /**
   * Puts a message that failed delivery back at the front, unless a newer value for its topic
   * is already waiting. It may exceed the bound: it was counted when it was first accepted.
   */
  putBack(topic: string, payload: MessagePayload): boolean {
    if (this.entries.has(topic)) return false;
    const entry: OutboxEntry = { topic, payload, next: this.head };
    if (this.head) this.head.prev = entry;
    else this.tail = entry;
    this.head = entry;
    this.entries.set(topic, entry);
    return true;
  }

  /** The oldest waiting message, left in place. */
  peek(): { topic: string; payload: MessagePayload } | undefined {
    return this.head && { topic: this.head.topic, payload: this.head.payload };
  }

  /** Removes the waiting message of `topic`; false when none waits. */
  delete(topic: string): boolean {
    const entry = this.entries.get(topic);
    if (!entry) return false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    this.entries.delete(topic);
    return true;
  }

  /** Removes and returns the oldest waiting message. */
  shift(): { topic: string; payload: MessagePayload } | undefined {
    const entry = this.head;
    if (!entry) return undefined;
    this.head = entry.next;
    if (this.head) this.head.prev = undefined;
    else this.tail = undefined;
    this.entries.delete(entry.topic);
    return { topic: entry.topic, payload: entry.payload };
  }

  /** The waiting topics, oldest first (for diagnostics and tests). */
  topics(): string[] {
    const topics: string[] = [];
    for (let entry = this.head; entry; entry = entry.next) topics.push(entry.topic);
    return topics;
  }

  clear(): void {
    this.entries.clear();
    this.head = undefined;
    this.tail = undefined;
  }
}
