import { describe, expect, it } from 'vitest';
import { BindingFlag, BindingSlot, BindingState } from './binding-slot';

describe('BindingSlot', () => {
  it('appends only new keys, keeping positions stable, also past the linear-lookup size', () => {
    const slot = new BindingSlot('sys-1', 'Display', 1, 'mod-a');
    slot.addKeys(['power', 'input', 'power']);
    expect(slot.size).toBe(2);
    const many = Array.from({ length: 100 }, (_, i) => `key${i}`);
    slot.addKeys(['input', ...many, 'key5']);
    expect(slot.size).toBe(102);
    expect(slot.positionOf('power')).toBe(0);
    expect(slot.positionOf('input')).toBe(1);
    expect(slot.positionOf('key99')).toBe(101);
    expect(slot.key(101)).toBe('key99');
    expect(slot.positionOf('absent')).toBe(-1);
    slot.addKeys(['extra']);
    expect(slot.positionOf('extra')).toBe(102);
    expect(slot.state(102)).toBe(BindingState.Idle);
  });

  it('keeps state, flags, attempts and success time of each binding apart', () => {
    const slot = new BindingSlot('sys-1', 'Display', 1, 'mod-a');
    slot.addKeys(['a', 'b']);
    slot.setState(0, BindingState.Pending);
    slot.setFlag(0, BindingFlag.AwaitingInitial, true);
    slot.setFlag(0, BindingFlag.Denied, true);
    slot.setAttempts(0, 7);
    slot.setSuccessAt(0, 1_764_000_000_000);
    slot.setState(0, BindingState.Bound);
    slot.setFlag(0, BindingFlag.Denied, false);
    expect(slot.state(0)).toBe(BindingState.Bound);
    expect(slot.hasFlag(0, BindingFlag.AwaitingInitial)).toBe(true);
    expect(slot.hasFlag(0, BindingFlag.Denied)).toBe(false);
    expect(slot.attempts(0)).toBe(7);
    expect(slot.successAt(0)).toBe(1_764_000_000_000);
    slot.setAttempts(0, 0);
    expect(slot.attempts(0)).toBe(0);
    expect(slot.state(0)).toBe(BindingState.Bound);
    expect(slot.hasFlag(0, BindingFlag.AwaitingInitial)).toBe(true);
    expect(slot.state(1)).toBe(BindingState.Idle);
    expect(slot.hasFlag(1, BindingFlag.AwaitingInitial)).toBe(false);
    expect(slot.attempts(1)).toBe(0);
    expect(slot.successAt(1)).toBe(0);
  });
});
