import type { JsonObject } from '@app/json';

/**
 * Remembers, per metadata topic, the model text last published and its time. The time is the
 * model's own `updated_at` (PlaceOS epoch seconds) when it has one: every replica and every
 * restart then publishes the same bytes for an unchanged model, so a retained metadata `time`
 * moves only when the model changed. A model without `updated_at` gets the time the bridge
 * first saw that version of it.
 */
export class MetadataClock {
  private readonly seen = new Map<string, { text: string; time: number }>();

  /**
   * The time of this model version, whether it differs from the last one seen, and the model's
   * JSON text (what its metadata message carries).
   */
  observe(
    topic: string,
    model: JsonObject,
    now: number,
  ): { time: number; changed: boolean; json: string } {
    const text = JSON.stringify(model);
    const previous = this.seen.get(topic);
    if (previous && previous.text === text) {
      return { time: previous.time, changed: false, json: previous.text };
    }
    const time = updatedAtMs(model) ?? now;
    this.seen.set(topic, { text, time });
    return { time, changed: true, json: text };
  }

  /** What `observe` would give this model version, without remembering it. */
  peek(topic: string, model: JsonObject, now: number): { time: number; json: string } {
    const text = JSON.stringify(model);
    const previous = this.seen.get(topic);
    if (previous && previous.text === text) return { time: previous.time, json: previous.text };
    return { time: updatedAtMs(model) ?? now, json: text };
  }

  forget(topic: string): void {
    this.seen.delete(topic);
  }
}

function updatedAtMs(model: JsonObject): number | undefined {
  const updatedAt = model.updated_at;
  if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt) || updatedAt <= 0) {
    return undefined;
  }
  return Math.round(updatedAt * 1000);
}
