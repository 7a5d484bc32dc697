// The JSON types are the shared library's; re-exported so the client's public index keeps them.
export type { JsonObject, JsonPrimitive, JsonValue } from '@app/json';
