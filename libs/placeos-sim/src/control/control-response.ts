/** A control-socket response; `value` and `meta` are raw JSON texts inserted verbatim. */
export interface ControlResponse {
  id: number;
  type: 'success' | 'notify' | 'error' | 'debug';
  msg?: string;
  value?: string;
  errorCode?: number;
  meta?: string;
  mod?: string;
  level?: string;
  code?: number;
}

/** Error codes of `RemoteDriver::ErrorCode` (sent as integers). */
export const ERROR_CODE = {
  parseError: 0,
  badRequest: 1,
  accessDenied: 2,
  requestFailed: 3,
  unknownCommand: 4,
  systemNotFound: 5,
  moduleNotFound: 6,
  unexpectedFailure: 7,
} as const;

/** The `meta` echo of a request: `{"sys","mod","index","name"}` as the client sent them. */
export function encodeMeta(sys: string, mod: string, index: number, name: string): string {
  return `{"sys":${JSON.stringify(sys)},"mod":${JSON.stringify(mod)},"index":${index},"name":${JSON.stringify(name)}}`;
}

/**
 * Serialises in rest-api's field order `id,type,msg,value,error_code,meta,mod,level,code`, leaving nil
 * fields out. `value` is written raw (`String::RawConverter`), so invalid stored JSON yields an
 * invalid frame, exactly as PlaceOS would send it.
 */
export function encodeControlResponse(r: ControlResponse): string {
  let out = `{"id":${r.id},"type":"${r.type}"`;
  if (r.msg !== undefined) out += `,"msg":${JSON.stringify(r.msg)}`;
  if (r.value !== undefined) out += `,"value":${r.value}`;
  if (r.errorCode !== undefined) out += `,"error_code":${r.errorCode}`;
  if (r.meta !== undefined) out += `,"meta":${r.meta}`;
  if (r.mod !== undefined) out += `,"mod":${JSON.stringify(r.mod)}`;
  if (r.level !== undefined) out += `,"level":${JSON.stringify(r.level)}`;
  if (r.code !== undefined) out += `,"code":${r.code}`;
  return `${out}}`;
}
