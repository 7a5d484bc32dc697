import type { JsonObject } from '@app/placeos-client';

/**
 * Remembers, per metadata topic, the model text last published and when the bridge first saw
 * it, so a metadata message's `time` is when the bridge learned of that version of the model.
 */
export class MetadataClock {
  private readonly seen = new Map<string, { text: string; time: number }>();

  /** Returns the time of this model version, and whether it differs from the last one seen. */
  observe(topic: string, model: JsonObject, now: number): { time: number; changed: boolean } {
    const text = JSON.stringify(model);
    const previous = this.seen.get(topic);
    if (previous && previous.text === text) return { time: previous.time, changed: false };
    this.seen.set(topic, { text, time: now });
    return { time: now, changed: true };
  }

  forget(topic: string): void {
    this.seen.delete(topic);
  }
}
