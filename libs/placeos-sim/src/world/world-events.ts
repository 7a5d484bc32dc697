import { WorldListener } from './world-listener';

/** Fans each world change out to every listener, as Redis pub/sub reaches every subscriber. */
export class WorldEvents {
  private readonly listeners = new Set<WorldListener>();

  /** Registers a listener; returns an unsubscribe function. */
  add(listener: WorldListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stateChanged(moduleId: string, key: string, text: string | null): void {
    for (const l of this.listeners) l.stateChanged(moduleId, key, text);
  }

  lookupChanged(systemId: string): void {
    for (const l of this.listeners) l.lookupChanged(systemId);
  }

  moduleAdded(moduleId: string): void {
    for (const l of this.listeners) l.moduleAdded?.(moduleId);
  }

  moduleRemoved(moduleId: string): void {
    for (const l of this.listeners) l.moduleRemoved?.(moduleId);
  }
}
