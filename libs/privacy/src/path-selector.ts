import type { JsonValue } from '@app/json';
import { enter, mapChildren, mapStringLeaves, someStringLeaf } from './json-walk';
import type { KeyPath } from './key-path';

/** A trie of key paths; walking a value with it visits every selected node exactly once. */
class PathNode {
  terminal = false;
  readonly keys = new Map<string, PathNode>();
  readonly indexes = new Map<number, PathNode>();
  anyChild: PathNode | undefined;
  anyIndex: PathNode | undefined;
}

/**
 * What a rule's `keys` select inside a value. A path that ends on a container selects every
 * string leaf below it; a path that ends on a number, boolean or null selects that leaf itself
 * (as its JSON text) only for rules without `match`. Missing paths select nothing.
 */
export class PathSelector {
  private readonly roots: readonly PathNode[];

  constructor(paths: readonly KeyPath[]) {
    const root = new PathNode();
    for (const path of paths) {
      let node = root;
      for (const segment of path) {
        switch (segment.kind) {
          case 'key':
            node = getOrAdd(node.keys, segment.key);
            break;
          case 'index':
            node = getOrAdd(node.indexes, segment.index);
            break;
          case 'anyChild':
            node = node.anyChild ??= new PathNode();
            break;
          case 'anyIndex':
            node = node.anyIndex ??= new PathNode();
            break;
        }
      }
      node.terminal = true;
    }
    this.roots = [root];
  }

  /** Applies `edit` to each selected leaf once; non-string leaves only when `editNonStrings`. */
  map(value: JsonValue, edit: (text: string) => string, editNonStrings: boolean): JsonValue {
    return mapSelected(value, this.roots, edit, editNonStrings, 0);
  }

  /** True when some selected string leaf satisfies `test`. */
  someString(value: JsonValue, test: (text: string) => boolean): boolean {
    return someSelected(value, this.roots, test, 0);
  }

  /** True when any path resolves to a node (of any type) in `value`. */
  anyPresent(value: JsonValue): boolean {
    return anyPresent(value, this.roots, 0);
  }

  /** The selected string leaves, in document order. */
  collectStrings(value: JsonValue): string[] {
    const out: string[] = [];
    someSelected(value, this.roots, (text) => (out.push(text), false), 0);
    return out;
  }
}

function getOrAdd<K>(map: Map<K, PathNode>, key: K): PathNode {
  let node = map.get(key);
  if (!node) {
    node = new PathNode();
    map.set(key, node);
  }
  return node;
}

function isTerminal(states: readonly PathNode[]): boolean {
  for (const state of states) if (state.terminal) return true;
  return false;
}

function childStates(states: readonly PathNode[], key: string | number): PathNode[] {
  const out: PathNode[] = [];
  for (const state of states) {
    const exact = typeof key === 'number' ? state.indexes.get(key) : state.keys.get(key);
    if (exact) out.push(exact);
    if (state.anyChild) out.push(state.anyChild);
    if (typeof key === 'number' && state.anyIndex) out.push(state.anyIndex);
  }
  return out;
}

function mapSelected(
  value: JsonValue,
  states: readonly PathNode[],
  edit: (text: string) => string,
  editNonStrings: boolean,
  depth: number,
): JsonValue {
  if (isTerminal(states)) {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string') return edit(value);
      return editNonStrings ? edit(JSON.stringify(value)) : value;
    }
    return mapStringLeaves(value, edit, depth);
  }
  if (value === null || typeof value !== 'object') return value;
  const next = enter(depth);
  return mapChildren(value, (child, key) => {
    const selected = childStates(states, key);
    return selected.length === 0 ? child : mapSelected(child, selected, edit, editNonStrings, next);
  });
}

function someSelected(
  value: JsonValue,
  states: readonly PathNode[],
  test: (text: string) => boolean,
  depth: number,
): boolean {
  if (isTerminal(states)) {
    if (typeof value === 'string') return test(value);
    if (value === null || typeof value !== 'object') return false;
    return someStringLeaf(value, test, depth);
  }
  if (value === null || typeof value !== 'object') return false;
  const next = enter(depth);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const states2 = childStates(states, i);
      if (states2.length > 0 && someSelected(value[i], states2, test, next)) return true;
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    const states2 = childStates(states, key);
    if (states2.length > 0 && someSelected(value[key], states2, test, next)) return true;
  }
  return false;
}

function anyPresent(value: JsonValue, states: readonly PathNode[], depth: number): boolean {
  if (isTerminal(states)) return true;
  if (value === null || typeof value !== 'object') return false;
  const next = enter(depth);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const states2 = childStates(states, i);
      if (states2.length > 0 && anyPresent(value[i], states2, next)) return true;
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    const states2 = childStates(states, key);
    if (states2.length > 0 && anyPresent(value[key], states2, next)) return true;
  }
  return false;
}
