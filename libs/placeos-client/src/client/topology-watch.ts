import type { Logger } from 'pino';
import { type ModuleSlot, Topology } from '../model/topology';
import type { TopologyUpdate } from '../model/topology-change';
import type { RestClient } from '../rest/rest-client';
import { DiscoveryMemo, discoverTopology } from '../topology/discovery';
import { diffTopologySteps } from '../topology/topology-diff';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';
import { errorMessage } from '../util/error-message';
import { slotKeyOf } from '../ws/binding-table';

export type TopologyListener = (update: TopologyUpdate) => Promise<void> | void;

/** A slot of a bound system in the topology just applied. */
export interface WantedSlot {
  readonly systemId: string;
  readonly slot: ModuleSlot;
}

/** Lookup changes come in bursts (a re-order touches every slot): one topology read per burst. */
const REFRESH_DEBOUNCE_MS = 100;

export interface TopologyWatchOptions {
  rest: RestClient;
  zones: string[];
  pollMs: number;
  retry: BackoffOptions;
  logger: Logger;
  /** Aborted when the client stops. */
  signal: AbortSignal;
  /** Whether this client binds the system's state (its shard's systems). */
  binds: (systemId: string) => boolean;
  onError: (error: unknown) => void;
  /** Moves the state feed to `current`, once every listener has seen the update. */
  onApplied: (current: Topology, wanted: ReadonlyMap<string, WantedSlot>) => void;
}

/**
 * The topology, read over REST: discovered until that succeeds, polled every `pollMs` (sooner
 * when a lookup changed), and each new one diffed against the last, told to the listeners and
 * then applied, with the slots of the bound systems keyed `sys|mod|idx`.
 */
export class TopologyWatch {
  private readonly listeners = new Set<TopologyListener>();
  private current = Topology.empty();
  private modules = new Map<string, string[]>();
  /** Aborted to cut the poll's wait short (a lookup changed). */
  private pollWait = new AbortController();
  private isDiscovered = false;
  /** The pages of the last read: an unchanged portfolio is neither parsed nor diffed again. */
  private readonly memo = new DiscoveryMemo();

  constructor(private readonly options: TopologyWatchOptions) {}

  /** The current snapshot of everything in scope (empty until the first discovery). */
  get topology(): Topology {
    return this.current;
  }

  /** Module id -> the bound systems (each once) where it holds slots in the current topology. */
  get systemsOfModule(): ReadonlyMap<string, readonly string[]> {
    return this.modules;
  }

  /** The first topology has been applied. */
  get discovered(): boolean {
    return this.isDiscovered;
  }

  onTopology(listener: TopologyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Discovers and applies the first topology, retrying until it succeeds; false once stopped. */
  async discoverFirst(): Promise<boolean> {
    const initial = await this.discoverUntilDone();
    if (!initial || this.options.signal.aborted) return false;
    await this.apply(initial);
    if (this.options.signal.aborted) return false;
    this.isDiscovered = true;
    return true;
  }

  /** Reads the topology every `pollMs` until the client stops. */
  async poll(): Promise<void> {
    const { signal } = this.options;
    while (!signal.aborted) {
      await sleep(this.options.pollMs, AbortSignal.any([signal, this.pollWait.signal]));
      if (signal.aborted) return;
      this.pollWait = new AbortController();
      try {
        await this.apply(await this.discover());
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError(error);
        this.options.logger.warn(
          { err: errorMessage(error) },
          'PlaceOS topology poll failed; will retry',
        );
      }
    }
  }

  /** Reads the topology again shortly, instead of at the next poll. */
  refreshSoon(): void {
    if (this.options.signal.aborted || this.pollWait.signal.aborted) return;
    setTimeout(() => this.pollWait.abort(), REFRESH_DEBOUNCE_MS).unref();
  }

  private async discoverUntilDone(): Promise<Topology | undefined> {
    for (let attempt = 0; !this.options.signal.aborted; attempt++) {
      try {
        return await this.discover();
      } catch (error) {
        this.options.onError(error);
        this.options.logger.warn(
          { err: errorMessage(error), attempt },
          'PlaceOS discovery failed; retrying',
        );
        await sleep(backoffDelay(attempt, this.options.retry), this.options.signal);
      }
    }
    return undefined;
  }

  private discover(): Promise<Topology> {
    const { rest, zones } = this.options;
    return discoverTopology(rest, { zones }, this.memo);
  }

  /** Tells the listeners, then hands the topology on to move the bindings. */
  private async apply(next: Topology): Promise<void> {
    const previous = this.current;
    // In steps, the event loop getting a turn in between: state keeps flowing during a poll.
    const steps = diffTopologySteps(previous, next);
    let step = steps.next();
    while (!step.done) {
      await new Promise((resolve) => setImmediate(resolve));
      step = steps.next();
    }
    const changes = step.value;
    if (this.options.signal.aborted) return;
    if (changes.length === 0 && this.isDiscovered) return;
    const update: TopologyUpdate = { previous, current: next, changes };
    for (const listener of [...this.listeners]) {
      try {
        await listener(update);
      } catch (error) {
        this.options.logger.error({ err: errorMessage(error) }, 'topology listener failed');
      }
    }
    this.current = next;
    const systemsOfModule = new Map<string, string[]>();
    const wanted = new Map<string, WantedSlot>();
    for (const system of next.systems.values()) {
      if (!this.options.binds(system.id)) continue;
      for (const slot of next.slots(system.id)) {
        wanted.set(slotKeyOf(system.id, slot.name, slot.index), { systemId: system.id, slot });
        const systems = systemsOfModule.get(slot.moduleId);
        // A system's slots are listed together, so a repeat of the module there is the last entry.
        if (!systems) systemsOfModule.set(slot.moduleId, [system.id]);
        else if (systems[systems.length - 1] !== system.id) systems.push(system.id);
      }
    }
    this.modules = systemsOfModule;
    this.options.onApplied(next, wanted);
  }
}
