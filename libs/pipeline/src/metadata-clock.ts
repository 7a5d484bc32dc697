import type { JsonObject } from '@app/placeos-client';

/**
 * Remembers, per metadata topic, the model text last published and its time. The time is the
 * model's own `updated_at` (PlaceOS epoch seconds) when it has one: every replica and every
 * restart then publishes the same bytes for an unchanged model, so a retained metadata `time`
 * moves only when the model changed. A model without `updated_at` gets the time the bridge
 * first saw that version of it.
 */
export class MetadataClock {
  private readonly seen = new Map<string, { text: string; time: number }>();

  /** Returns the time of this model version, and whether it differs from the last one seen. */
  observe(topic: string, model: JsonObject, now: number): { time: number; changed: boolean } {
    const text = JSON.stringify(model);
    const previous = this.seen.get(topic);
    if (previous && previous.text === text) return { time: previous.time, changed: false };
    const time = updatedAtMs(model) ?? now;
    this.seen.set(topic, { text, time });
    return { time, changed: true };
  }

  /** The time `observe` would give this model version, without remembering it. */
  peek(topic: string, model: JsonObject, now: number): number {
    const previous = this.seen.get(topic);
    if (previous && previous.text === JSON.stringify(model)) return previous.time;
    return updatedAtMs(model) ?? now;
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
