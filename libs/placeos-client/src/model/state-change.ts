/**
 * One status key of one module slot changed (or was re-read after a (re)bind).
 * The slot coordinates are what the binding was made with; `moduleId` is the module that held
 * that slot when the change was received.
 */
export interface StateChange {
  systemId: string;
  moduleName: string;
  index: number;
  moduleId?: string;
  key: string;
  /**
   * The value's JSON text as PlaceOS sent it (compacted where it had whitespace between tokens,
   * nothing else changed: big numbers and decimals such as `1.10` survive); the text `null`
   * means the key was deleted. Parsed only where a rule or a scan needs the structure.
   */
  json: string;
  /**
   * True when PlaceOS sent text that is not valid JSON: `json` then is that text as a JSON
   * string, so it is published as a JSON string rather than as broken JSON.
   */
  invalidJson?: boolean;
  /** Unix milliseconds when the bridge received the change. */
  receivedAt: number;
  /** True for the value sent right after a (re)bind: a resync, not necessarily a change. */
  resync: boolean;
  /**
   * The slot changed hands (rename, re-order, removal of a same-named module) and its new
   * module lacks this key: the key's topic no longer exists (product.md, "Topic existence").
   * `json` is `null`. A key deleted from the module that still holds the slot is not removed.
   */
  removed?: boolean;
}
