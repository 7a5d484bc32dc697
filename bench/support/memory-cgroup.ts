import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A memory cgroup to run a process in, as a container with a memory limit would. */
export interface MemoryCgroup {
  readonly limitMb: number;
  /** Command and arguments that run `command` inside the cgroup. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  remove(): void;
}

const V1 = '/sys/fs/cgroup/memory';
const V2 = '/sys/fs/cgroup';

/**
 * Creates a memory cgroup with a limit (cgroup v1 or v2), or says why it cannot: it needs root
 * and a memory controller. Node sizes V8's heap from the limit it finds, as in a Kubernetes pod.
 */
export function createMemoryCgroup(limitMb: number): MemoryCgroup | string {
  const name = `placeos-bench-${process.pid}-${limitMb}`;
  const bytes = String(limitMb * 1024 * 1024);
  let dir: string;
  try {
    if (existsSync(join(V1, 'memory.limit_in_bytes'))) {
      dir = join(V1, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.limit_in_bytes'), bytes);
    } else if (existsSync(join(V2, 'cgroup.controllers'))) {
      dir = join(V2, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.max'), bytes);
    } else {
      return 'no memory cgroup controller on this machine';
    }
  } catch (error) {
    return `cannot create a memory cgroup (${error instanceof Error ? error.message : String(error)})`;
  }
  const procs = join(dir, 'cgroup.procs');
  return {
    limitMb,
    wrap: (command, args) => [
      'sh',
      ['-c', `echo $$ > ${procs} && exec "$0" "$@"`, command, ...args],
    ],
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // still busy: the kernel removes it with its last process gone on the next run's cleanup
      }
    },
  };
}
