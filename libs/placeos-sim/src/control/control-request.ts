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
  // Crystal reads `id` (Int64) and `index` (Int32) as integer tokens: `1.0` or `1e2` fail to parse.
  const numbers = topLevelNumberTokens(text);
  for (const key of ['id', 'index']) {
    const token = numbers.get(key);
    if (token !== undefined && !/^-?\d+$/.test(token)) return undefined;
  }
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

const NUMBER_CHARS = '-+0123456789.eE';

/** Raw number tokens of the top-level object's members (a linear scan that skips strings and nesting). */
function topLevelNumberTokens(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let depth = 0;
  let lastKey: string | undefined;
  let expectValue = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && !expectValue) lastKey = JSON.parse(text.slice(i, j + 1)) as string;
      expectValue = false;
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') depth -= 1;
    else if (c === ':' && depth === 1) expectValue = true;
    else if (c === ',') expectValue = false;
    else if (
      expectValue &&
      depth === 1 &&
      (c === '-' || (c !== undefined && c >= '0' && c <= '9'))
    ) {
      let j = i;
      while (j < text.length && NUMBER_CHARS.includes(text.charAt(j))) j += 1;
      if (lastKey !== undefined) found.set(lastKey, text.slice(i, j));
      expectValue = false;
      i = j;
      continue;
    }
    i += 1;
  }
  return found;
}
