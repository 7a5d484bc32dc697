/** How many recently published topics are remembered to spot the ones that repeat. */
const SEEN_CAPACITY = 4096;

/**
 * Which topics get one of the few topic aliases a broker grants (CONNACK Topic Alias Maximum;
 * mosquitto and Azure Event Grid: 10). mqtt.js's `autoAssignTopicAlias` hands them out
 * least-recently-used, which with more topics than aliases (always, here) re-registers on nearly
 * every message and costs 3 bytes more than no alias at all. Instead a topic gets an alias the
 * second time it is published on the connection, while aliases are free, and keeps it for the
 * connection's life: the topics that change often end up aliased, and every later message on
 * them sends two bytes instead of the topic (MqttSession sends an empty topic with the alias;
 * mqtt.js's own `autoUseTopicAlias` would look every topic up in its LRU cache first).
 */
export class TopicAliases {
  private readonly aliases = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(readonly maximum: number) {}

  get assigned(): number {
    return this.aliases.size;
  }

  /** The alias `topic` holds on this connection, if any. */
  aliasOf(topic: string): number | undefined {
    return this.aliases.get(topic);
  }

  /** The alias to register with this publish of `topic`, or undefined (none, or already set). */
  register(topic: string): number | undefined {
    if (this.aliases.size >= this.maximum || this.aliases.has(topic)) return undefined;
    if (!this.seen.has(topic)) {
      if (this.seen.size >= SEEN_CAPACITY) this.seen.clear();
      this.seen.add(topic);
      return undefined;
    }
    this.seen.delete(topic);
    const alias = this.aliases.size + 1;
    this.aliases.set(topic, alias);
    return alias;
  }
}
