import { FaultKind, FaultSpec } from '../world/world-listener';
import { SimInputError } from '../world/sim-errors';

const KINDS: readonly FaultKind[] = ['status500', 'hang', 'truncate', 'status401'];

/** Queue of pending faults; each matching request consumes one. */
export class FaultInjector {
  private readonly pending: FaultSpec[] = [];

  /** Validates and queues a fault. */
  add(fault: FaultSpec): void {
    if (typeof fault.pathPrefix !== 'string' || !fault.pathPrefix.startsWith('/'))
      throw new SimInputError('path_prefix must be a path starting with /');
    if (!KINDS.includes(fault.kind))
      throw new SimInputError(`kind must be one of ${KINDS.join(', ')}`);
    if (!Number.isInteger(fault.times) || fault.times < 1 || fault.times > 1_000_000)
      throw new SimInputError('times must be a positive integer');
    this.pending.push({ pathPrefix: fault.pathPrefix, kind: fault.kind, times: fault.times });
  }

  /** The fault to apply to a request for `path`, if any (first queued match wins). */
  take(path: string): FaultKind | undefined {
    const i = this.pending.findIndex((f) => path.startsWith(f.pathPrefix));
    if (i < 0) return undefined;
    const fault = this.pending[i];
    fault.times -= 1;
    if (fault.times <= 0) this.pending.splice(i, 1);
    return fault.kind;
  }

  /** Forgets every pending fault. */
  clear(): void {
    this.pending.length = 0;
  }
}
