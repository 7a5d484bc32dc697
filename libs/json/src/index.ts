export type { JsonObject, JsonPrimitive, JsonValue } from './json-value';
export {
  compactJson,
  compactValidJson,
  detachedString,
  jsonTextOf,
  jsonValueEnd,
  serializeLike,
} from './json-text';
