import { describe, expect, it } from 'vitest';
import { computeModuleSlots, parseModuleSlug } from './module-slots';

describe('computeModuleSlots', () => {
  it('numbers modules per resolved name in system order (PlaceOS core vector)', () => {
    const names = ['custom', null, 'custom', 'extra_custom', null];
    const modules = names.map((custom, i) => ({ id: `mod-${i}`, resolvedName: custom ?? 'mock' }));
    const slots = computeModuleSlots(modules);
    expect(Object.fromEntries(slots)).toEqual({
      'custom/1': 'mod-0',
      'mock/1': 'mod-1',
      'custom/2': 'mod-2',
      'extra_custom/1': 'mod-3',
      'mock/2': 'mod-4',
    });
  });

  it('follows a re-ordering of the module list', () => {
    const slots = computeModuleSlots([
      { id: 'b', resolvedName: 'Display' },
      { id: 'a', resolvedName: 'Display' },
    ]);
    expect(slots.get('Display/1')).toBe('b');
    expect(slots.get('Display/2')).toBe('a');
  });
});

describe('parseModuleSlug', () => {
  it('splits at the last underscore', () => {
    expect(parseModuleSlug('Display_2')).toEqual({ ok: true, name: 'Display', index: 2 });
    expect(parseModuleSlug('extra_custom_1')).toEqual({ ok: true, name: 'extra_custom', index: 1 });
  });

  it('defaults the index to 1 without an underscore', () => {
    expect(parseModuleSlug('A/V Switch')).toEqual({ ok: true, name: 'A/V Switch', index: 1 });
  });

  it('rejects a suffix that is not an integer, like Crystal to_i', () => {
    expect(parseModuleSlug('extra_custom').ok).toBe(false);
    expect(parseModuleSlug('Display_99999999999').ok).toBe(false);
  });
});
