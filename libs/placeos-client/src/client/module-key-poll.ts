import { PlaceOsNotFoundError, type RestClient } from '../rest/rest-client';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';
import { errorMessage } from '../util/error-message';
import type { RateLimitedLog } from '../util/rate-limited-log';
import { mergeKeys } from './merge-keys';

export interface ModuleKeyPollOptions {
  rest: RestClient;
  /** Every module's keys are read again this often. */
  pollMs: number;
  retry: BackoffOptions;
  /** Module states read at once. */
  concurrency: number;
  /** Aborted when the client stops. */
  signal: AbortSignal;
  log: RateLimitedLog;
  onError: (error: unknown) => void;
  /** A module's state was read: `keys` are all its keys known so far. */
  onKeys: (moduleId: string, keys: readonly string[]) => void;
  /** A batch of reads ended: the first sync may be complete. */
  onRead: () => void;
}

/**
 * The status keys of each module in scope, read from its state hash over REST: PlaceOS has no
 * event for a key a driver adds, so the keys are read again every `pollMs`, those that could not
 * be read sooner (with backoff). Keys once seen are kept: deleted keys stay bound.
 */
export class ModuleKeyPoll {
  /** Module id -> its keys. Arrays are replaced, never changed, and share the key strings. */
  private readonly known = new Map<string, readonly string[]>();
  /** Modules whose keys could not be read yet. */
  private readonly missing = new Set<string>();
  /** The modules in scope (keys of the current topology's module -> systems map). */
  private scope: ReadonlyMap<string, unknown> = new Map();

  constructor(private readonly options: ModuleKeyPollOptions) {}

  /** Every module in scope has had its keys read. */
  get complete(): boolean {
    if (this.missing.size > 0) return false;
    for (const moduleId of this.scope.keys()) {
      if (!this.known.has(moduleId)) return false;
    }
    return true;
  }

  /** The module's known keys; undefined until its state was first read. */
  keysOf(moduleId: string): readonly string[] | undefined {
    return this.known.get(moduleId);
  }

  /** A read of the module is under way or failed (it is retried). */
  reading(moduleId: string): boolean {
    return this.missing.has(moduleId);
  }

  /** Moves to the modules of a new topology, forgetting the keys of modules that left. */
  retain(scope: ReadonlyMap<string, unknown>): void {
    this.scope = scope;
    for (const moduleId of [...this.known.keys()]) {
      if (!scope.has(moduleId)) this.known.delete(moduleId);
    }
    for (const moduleId of [...this.missing]) {
      if (!scope.has(moduleId)) this.missing.delete(moduleId);
    }
  }

  /** Reads every module now, all modules every pollMs, failed ones sooner, until stopped. */
  async run(): Promise<void> {
    const { signal, pollMs } = this.options;
    await this.read([...this.scope.keys()]);
    let lastFullPoll = Date.now();
    let failedRounds = 0;
    while (!signal.aborted) {
      const wait =
        this.missing.size > 0
          ? Math.min(pollMs, backoffDelay(failedRounds, this.options.retry))
          : pollMs;
      await sleep(wait, signal);
      if (signal.aborted) return;
      let modules: string[];
      if (Date.now() - lastFullPoll >= pollMs) {
        modules = [...this.scope.keys()];
        lastFullPoll = Date.now();
      } else {
        modules = [...this.missing];
      }
      await this.read(modules);
      failedRounds = this.missing.size > 0 ? failedRounds + 1 : 0;
    }
  }

  async read(moduleIds: string[]): Promise<void> {
    for (const id of moduleIds) this.missing.add(id);
    // A few workers over the list rather than thousands of waiting promises at once.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < moduleIds.length && !this.options.signal.aborted)
        await this.readModule(moduleIds[next++]);
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, worker));
    this.options.onRead();
  }

  private async readModule(moduleId: string): Promise<void> {
    let keys: string[];
    try {
      const path = `/modules/${encodeURIComponent(moduleId)}/state`;
      const { body } = await this.options.rest.getJson(path);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new Error(`GET /modules/${moduleId}/state did not answer an object`);
      }
      keys = Object.keys(body);
    } catch (error) {
      if (error instanceof PlaceOsNotFoundError) {
        keys = []; // deleted since the last topology poll; that poll will drop it
      } else {
        if (!this.options.signal.aborted) {
          this.options.onError(error);
          this.options.log.warn(
            'keys',
            { moduleId, err: errorMessage(error) },
            'could not read module state keys',
          );
        }
        return;
      }
    }
    this.missing.delete(moduleId);
    const known = mergeKeys(this.known.get(moduleId), keys);
    this.known.set(moduleId, known);
    this.options.onKeys(moduleId, known);
  }
}
