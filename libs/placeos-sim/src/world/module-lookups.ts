import { ModelStore } from './model-store';
import { computeModuleSlots, slotKey } from './module-slots';
import { resolvedName } from './records';

/**
 * Core's `system/<sys>` hashes (`"<ResolvedName>/<index>"` → module id). Every bind and exec
 * resolves through one, so each is computed once and kept until the system's modules change.
 */
export class ModuleLookups {
  private readonly cache = new Map<string, Map<string, string>>();

  constructor(private readonly models: ModelStore) {}

  /** The system's lookup (shared: do not mutate), or undefined for an unknown system. */
  lookup(systemId: string): ReadonlyMap<string, string> | undefined {
    let slots = this.cache.get(systemId);
    if (slots === undefined) {
      const sys = this.models.system(systemId);
      if (sys === undefined) return undefined;
      slots = computeModuleSlots(
        sys.modules.flatMap((id) => {
          const m = this.models.module(id);
          return m === undefined ? [] : [{ id, resolvedName: resolvedName(m) }];
        }),
      );
      this.cache.set(systemId, slots);
    }
    return slots;
  }

  /** The module at `(name, index)` in the system, as core resolves a binding. */
  resolve(systemId: string, name: string, index: number): string | undefined {
    return this.lookup(systemId)?.get(slotKey(name, index));
  }

  /** Forgets a system's lookup after its module list, or a member's name, changed. */
  invalidate(systemId: string): void {
    this.cache.delete(systemId);
  }
}
