import { compactValidJson, detachedString, jsonTextOf, jsonValueEnd } from '@app/json';
import type { JsonObject } from '../model/json';

/** The `meta` PlaceOS echoes on bind replies and notifies: what the client sent. */
export interface BindMeta {
  sys: string;
  mod: string;
  index: number;
  name: string;
}

export type ControlFrame =
  | { kind: 'pong' }
  | { kind: 'success'; id: number }
  | {
      kind: 'notify';
      id: number;
      /** The value's JSON text as PlaceOS sent it (compacted; see StateChange.json). */
      json: string;
      invalidJson: boolean;
      meta?: BindMeta;
    }
  | { kind: 'error'; id: number; errorCode?: number; message?: string; code?: number }
  | { kind: 'debug'; id: number }
  | { kind: 'unknown-type'; id?: number; type: string }
  /** Text that is neither `pong` nor JSON (PlaceOS says: ignore those). */
  | { kind: 'not-json' }
  /** JSON, or almost, that does not have the shape of a PlaceOS response. */
  | { kind: 'malformed'; reason: string };

/** Response fields in the order PlaceOS writes them (rest-api `websocket/session/response.cr`). */
const RESPONSE_FIELDS = new Set([
  'id',
  'type',
  'msg',
  'value',
  'error_code',
  'meta',
  'mod',
  'level',
  'code',
]);

// Anchored, no nested quantifiers: linear on any input.
const NOTIFY_PREFIX = /^\{"id":(\d{1,16}),"type":"notify","value":/;
const META_MARKER = ',"meta":{';
/** A value containing the marker text many times would make recovery quadratic; give up instead. */
const MAX_META_CANDIDATES = 16;

/**
 * Parses one text frame from `/api/engine/v2/systems/control`.
 *
 * PlaceOS inserts the Redis text of a status verbatim as `value` (String::RawConverter). A driver
 * that stored invalid JSON therefore produces a frame that is not JSON at all (or JSON with
 * extra fields). Because the field order is fixed, such a notify can still be recovered: the raw
 * value is the text between the `"value":` prefix and the `,"meta":{...}}` suffix.
 */
export function parseControlFrame(text: string): ControlFrame {
  if (text === 'pong') return { kind: 'pong' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return recoverNotify(text) ?? notJsonOrMalformed(text);
  }
  if (!isObject(parsed)) return { kind: 'malformed', reason: 'not an object' };
  for (const key of Object.keys(parsed)) {
    if (!RESPONSE_FIELDS.has(key)) {
      // Extra fields can only come from a raw value that broke the frame's structure.
      return recoverNotify(text) ?? { kind: 'malformed', reason: 'unexpected field' };
    }
  }
  const id = parsed.id;
  const type = parsed.type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'no type' };
  if (!isRequestId(id)) {
    if (type === 'success' || type === 'notify' || type === 'error' || type === 'debug') {
      return { kind: 'malformed', reason: 'no integer id' };
    }
    return { kind: 'unknown-type', type };
  }
  switch (type) {
    case 'success':
      return { kind: 'success', id };
    case 'notify':
      return {
        kind: 'notify',
        id,
        json: notifyValueText(text, parsed.value),
        invalidJson: false,
        meta: readMeta(parsed.meta),
      };
    case 'error':
      return {
        kind: 'error',
        id,
        errorCode: typeof parsed.error_code === 'number' ? parsed.error_code : undefined,
        message: typeof parsed.msg === 'string' ? parsed.msg : undefined,
        code: typeof parsed.code === 'number' ? parsed.code : undefined,
      };
    case 'debug':
      return { kind: 'debug', id };
    default:
      return { kind: 'unknown-type', id, type };
  }
}

/**
 * The text of a parsed notify's `value` as it is in the frame. PlaceOS writes the fields in a
 * fixed order, so the value starts right after the prefix; a frame laid out otherwise (never
 * seen from PlaceOS) falls back to re-serialising the parsed value.
 */
function notifyValueText(text: string, parsed: unknown): string {
  if (parsed === undefined) return 'null';
  const prefix = NOTIFY_PREFIX.exec(text);
  if (!prefix) return JSON.stringify(parsed);
  let start = prefix[0].length;
  while (/\s/.test(text[start])) start++;
  return detachedString(compactValidJson(text.slice(start, jsonValueEnd(text, start))));
}

function recoverNotify(text: string): ControlFrame | undefined {
  const prefix = NOTIFY_PREFIX.exec(text);
  if (!prefix) return undefined;
  const id = Number(prefix[1]);
  if (!Number.isSafeInteger(id)) return undefined;
  const valueStart = prefix[0].length;
  let searchFrom = text.length;
  for (let attempt = 0; attempt < MAX_META_CANDIDATES; attempt++) {
    const at = text.lastIndexOf(META_MARKER, searchFrom);
    if (at < valueStart) return undefined;
    const tail = parseTail(text.slice(at + 1));
    if (tail) {
      const { json, invalid } = jsonTextOf(text.slice(valueStart, at));
      return {
        kind: 'notify',
        id,
        json: detachedString(json),
        invalidJson: invalid,
        meta: readMeta(tail.meta),
      };
    }
    searchFrom = at - 1;
    if (searchFrom < valueStart) return undefined;
  }
  return undefined;
}

/** `"meta":{...}}` (plus fields PlaceOS may write after meta) must parse as the frame's end. */
function parseTail(tail: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(`{${tail}`);
    if (!isObject(parsed) || !isObject(parsed.meta)) return undefined;
    for (const key of Object.keys(parsed)) if (!RESPONSE_FIELDS.has(key)) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

function notJsonOrMalformed(text: string): ControlFrame {
  const first = text.trimStart()[0];
  // Text that starts like JSON but does not parse is a broken response, not a chat frame.
  if (first === '{' || first === '[') return { kind: 'malformed', reason: 'invalid JSON' };
  return { kind: 'not-json' };
}

function readMeta(meta: unknown): BindMeta | undefined {
  if (!isObject(meta)) return undefined;
  const { sys, mod, index, name } = meta;
  if (typeof sys !== 'string' || typeof mod !== 'string' || typeof name !== 'string') {
    return undefined;
  }
  return { sys, mod, name, index: typeof index === 'number' ? index : 1 };
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
