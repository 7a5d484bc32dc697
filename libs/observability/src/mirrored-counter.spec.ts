import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MirroredCounter } from './mirrored-counter';

const sample = async (registry: Registry, broker: string) =>
  (await registry.getSingleMetric('t_total')?.get())?.values.find((v) => v.labels.broker === broker)
    ?.value;

describe('MirroredCounter', () => {
  it('follows a running total as a counter, per label set, and never goes down', async () => {
    const registry = new Registry();
    const mirrored = new MirroredCounter({
      name: 't_total',
      help: 'test',
      labelNames: ['broker'] as const,
      registers: [registry],
    });
    mirrored.sync({ broker: 'a' }, 0);
    expect(await sample(registry, 'a')).toBe(0);
    mirrored.sync({ broker: 'a' }, 5);
    mirrored.sync({ broker: 'b' }, 2);
    mirrored.sync({ broker: 'a' }, 12);
    expect(await sample(registry, 'a')).toBe(12);
    expect(await sample(registry, 'b')).toBe(2);
    // The owner restarted from zero and has counted 3 since: those 3 are new.
    mirrored.sync({ broker: 'a' }, 3);
    expect(await sample(registry, 'a')).toBe(15);
    mirrored.sync({ broker: 'a' }, Number.NaN);
    mirrored.sync({ broker: 'a' }, 4);
    expect(await sample(registry, 'a')).toBe(16);
    await expect(registry.getSingleMetric('t_total')?.get()).resolves.toMatchObject({
      type: 'counter',
    });
  });
});
