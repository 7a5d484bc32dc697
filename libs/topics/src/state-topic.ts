import { decodeTopicLevel, encodeTopicLevel, MISSING_LEVEL } from './topic-level';

/** First level of every topic the bridge publishes. */
export const TOPIC_ROOT = 'placeos';

/** What a state topic is made of, decoded. `levels` are hierarchy[1..] zone ids or MISSING_LEVEL. */
export interface StateTopicParts {
  org: string;
  levels: string[];
  systemId: string;
  driverId: string;
  moduleName: string;
  index: number;
  key: string;
}

/** Levels of a state topic besides the hierarchy levels after the org: placeos, org, state, sys, drv, mod, idx, key. */
const FIXED_STATE_LEVELS = 8;

/** How many levels a state topic has for a hierarchy of this length (10 for the default 4). */
export function stateTopicLevelCount(hierarchyLength: number): number {
  return FIXED_STATE_LEVELS + hierarchyLength - 1;
}

/** `placeos/<org>/state/<level1>/…/<levelN>/<sys>/<drv>/<mod>/<idx>/<key>`, every level encoded. */
export function stateTopic(parts: StateTopicParts): string {
  return `${stateTopicPrefix(parts.org, parts.levels, parts.systemId)}/${moduleTopicPart(
    parts.driverId,
    parts.moduleName,
    parts.index,
  )}/${encodeTopicLevel(parts.key)}`;
}

/** `placeos/<org>/metadata/<id>`, both levels encoded. */
export function metadataTopic(org: string, modelId: string): string {
  return `${TOPIC_ROOT}/${encodeTopicLevel(org)}/metadata/${encodeTopicLevel(modelId)}`;
}

/** `placeos/<org>/state/<levels…>/<sys>`: the part of a state topic shared by a whole system. */
export function stateTopicPrefix(org: string, levels: readonly string[], systemId: string): string {
  const encodedLevels = levels.map((level) =>
    level === MISSING_LEVEL ? MISSING_LEVEL : encodeTopicLevel(level),
  );
  return [
    TOPIC_ROOT,
    encodeTopicLevel(org),
    'state',
    ...encodedLevels,
    encodeTopicLevel(systemId),
  ].join('/');
}

/** `<drv>/<mod>/<idx>`; throws for an index that is not a positive safe integer. */
export function moduleTopicPart(driverId: string, moduleName: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new Error(`module index must be a positive integer, got ${index}`);
  }
  return `${encodeTopicLevel(driverId)}/${encodeTopicLevel(moduleName)}/${index}`;
}

/**
 * The parts of a canonical state topic with `hierarchyLength` hierarchy tags, or undefined when
 * the text is anything else (wrong shape or level count, non-canonical encoding). Only the exact
 * text stateTopic builds parses, so parts and topics correspond one to one.
 */
export function parseStateTopicLevels(
  topic: string,
  hierarchyLength: number,
): StateTopicParts | undefined {
  const levels = topic.split('/');
  if (levels.length !== stateTopicLevelCount(hierarchyLength)) return undefined;
  if (levels[0] !== TOPIC_ROOT || levels[2] !== 'state') return undefined;
  const indexText = levels[levels.length - 2];
  if (!/^[1-9][0-9]{0,15}$/.test(indexText)) return undefined;
  try {
    const decoded = levels.map((level, position) =>
      position === 0 || position === 2 ? level : decodeTopicLevel(level),
    );
    const tail = decoded.length - 5;
    const parts: StateTopicParts = {
      org: decoded[1],
      levels: decoded.slice(3, tail),
      systemId: decoded[tail],
      driverId: decoded[tail + 1],
      moduleName: decoded[tail + 2],
      index: Number(indexText),
      key: decoded[tail + 4],
    };
    // MISSING_LEVEL decodes to itself anywhere; only in a hierarchy level is it canonical.
    return stateTopic(parts) === topic ? parts : undefined;
  } catch {
    return undefined;
  }
}
