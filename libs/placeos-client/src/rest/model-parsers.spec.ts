import { describe, expect, it } from 'vitest';
import {
  decodeStatusText,
  parseModule,
  parseStateHash,
  parseSystem,
  parseZone,
} from './model-parsers';

describe('model parsers', () => {
  it('reads PlaceOS models with nil fields omitted and rejects items without an id', () => {
    const system = parseSystem({
      id: 'sys-1',
      name: 'Room',
      zones: ['zone-1', 3],
      modules: ['mod-1'],
      version: 4,
      updated_at: 9,
    });
    expect(system).toMatchObject({
      id: 'sys-1',
      zones: ['zone-1'],
      modules: ['mod-1'],
      version: 4,
      updatedAt: 9,
    });
    expect(parseSystem({ name: 'no id' })).toBeUndefined();
    expect(parseModule({ id: 'mod-1', name: 'Display', driver_id: 'driver-1' })).toMatchObject({
      id: 'mod-1',
      name: 'Display',
      driverId: 'driver-1',
    });
    expect(parseModule({ id: 'mod-1', name: 'Display', custom_name: 'Left' })?.customName).toBe(
      'Left',
    );
    expect(parseZone({ id: 'zone-1', tags: ['level'], parent_id: 'zone-0' })).toMatchObject({
      parentId: 'zone-0',
    });
  });

  it('decodes state hash values (JSON texts), keeping invalid ones raw', () => {
    const state = parseStateHash({ power: 'true', input: '"hdmi"', bad: '{nope' });
    expect(state?.get('power')).toEqual({ value: true, invalidJson: false });
    expect(state?.get('input')).toEqual({ value: 'hdmi', invalidJson: false });
    expect(state?.get('bad')).toEqual({ value: '{nope', invalidJson: true });
    expect(parseStateHash([1])).toBeUndefined();
    expect(decodeStatusText(5)).toEqual({ value: 5, invalidJson: false });
  });
});
