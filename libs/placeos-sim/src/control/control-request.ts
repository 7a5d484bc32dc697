/** The five commands of the control socket. */
export type ControlCommand = 'bind' | 'unbind' | 'exec' | 'debug' | 'ignore';

/** A request that passed rest-api's strict parsing. */
export interface ControlRequest {
  id: number;
  cmd: ControlCommand;
  sys: string;
  mod: string;
  index: number;
  name: string;
  args?: unknown[];
}

const COMMANDS: readonly ControlCommand[] = ['bind', 'unbind', 'exec', 'debug', 'ignore'];
const ALLOWED_KEYS = new Set(['id', 'cmd', 'sys', 'mod', 'index', 'name', 'args']);
const INT32_MAX = 2147483647;

/**
 * Parses a frame like `JSON::Serializable::Strict` does for `Session::Request`: integer `id`, a known
 * `cmd` (case-insensitive), string `sys`/`mod`/`name`, optional Int32 `index` (default 1), optional
 * `args` array, and no other keys. Anything else is undefined (rest-api drops it silently).
 */
export function parseControlRequest(text: string): ControlRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!ALLOWED_KEYS.has(key)) return undefined;
  const { id, cmd, sys, mod, name, index, args } = o;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
  if (typeof cmd !== 'string') return undefined;
  const command = COMMANDS.find((c) => c === cmd.toLowerCase());
  if (command === undefined) return undefined;
  if (typeof sys !== 'string' || typeof mod !== 'string' || typeof name !== 'string')
    return undefined;
  let idx = 1;
  if (index !== undefined) {
    if (typeof index !== 'number' || !Number.isInteger(index) || Math.abs(index) > INT32_MAX)
      return undefined;
    idx = index;
  }
  if (args !== undefined && args !== null && !Array.isArray(args)) return undefined;
  const request: ControlRequest = { id, cmd: command, sys, mod, index: idx, name };
  if (Array.isArray(args)) request.args = args as unknown[];
  return request;
}
