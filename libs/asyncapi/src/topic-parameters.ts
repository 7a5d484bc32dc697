/** An AsyncAPI 3 parameter object. */
export interface AsyncApiParameter {
  description: string;
  examples?: string[];
}

/** The names and meanings of a state topic's levels for one hierarchy. */
export interface StateTopicLayout {
  /** Parameter name of each hierarchy level after the org, in topic order. */
  levelParameters: string[];
  /** Every parameter of the canonical state address, by name. */
  parameters: Record<string, AsyncApiParameter>;
  /** `placeos/{org}/state/{…levels}/{system}/{driver}/{module}/{index}/{key}`. */
  address: string;
  /** Placeholder of a topicTemplate → parameter name in the address (undefined: unknown). */
  placeholderParameter(placeholder: string): string | undefined;
}

const ENCODING =
  'Percent-encoded where MQTT needs it (`%`→`%25`, `/`→`%2F`, `+`→`%2B`, `#`→`%23`, NUL and ' +
  'control characters → `%XX`; UTF-8 otherwise unchanged; an empty text is `%`, a text that is ' +
  'just `_` is `%5F`).';

const FIXED_PARAMETERS: Record<string, AsyncApiParameter> = {
  system: { description: `The PlaceOS system id. ${ENCODING}`, examples: ['sys-Room1'] },
  driver: { description: `The module's driver id. ${ENCODING}`, examples: ['driver-Disp'] },
  module: {
    description: `The module's \`custom_name\`, else its \`name\`. ${ENCODING}`,
    examples: ['Display', 'A%2FV Switch'],
  },
  index: {
    description:
      "The module's 1-based position among the system's modules of the same name, in the " +
      "system's `modules` order.",
    examples: ['1', '2'],
  },
  key: { description: `The status key. ${ENCODING}`, examples: ['power'] },
};

/** AsyncAPI 3 allows only these characters in a parameter's name. */
const PARAMETER_NAME = /[^A-Za-z0-9_-]/g;

/**
 * The state topic's parameters for `hierarchy` (org tag first). A hierarchy tag becomes a
 * parameter of its own name where AsyncAPI allows it; a tag that collides with a fixed level
 * (`system`, `key`…) or needs characters a parameter name cannot hold is renamed, and its
 * description names the tag.
 */
export function stateTopicLayout(hierarchy: readonly string[]): StateTopicLayout {
  const [orgTag = 'org', ...levelTags] = hierarchy;
  const taken = new Set(['org', 'topic', ...Object.keys(FIXED_PARAMETERS)]);
  const levelParameters = levelTags.map((tag) => {
    const base = tag.replace(PARAMETER_NAME, '_') || 'zone';
    let name = taken.has(base) ? `${base}_zone` : base;
    for (let n = 2; taken.has(name); n++) name = `${base}_zone${n}`;
    taken.add(name);
    return name;
  });
  const parameters: Record<string, AsyncApiParameter> = {
    org: {
      description: `The id of the system's zone tagged \`${orgTag}\` (a system without one is not published). ${ENCODING}`,
      examples: ['zone-Org1'],
    },
  };
  levelTags.forEach((tag, i) => {
    parameters[levelParameters[i]] = {
      description:
        `The id of the system's zone tagged \`${tag}\` (the first in the system's \`zones\` ` +
        `order when several are); \`_\` when the system has none. ${ENCODING}`,
      examples: ['_'],
    };
  });
  Object.assign(parameters, FIXED_PARAMETERS);
  const address = [
    'placeos/{org}/state',
    ...levelParameters.map((name) => `{${name}}`),
    '{system}/{driver}/{module}/{index}/{key}',
  ].join('/');
  // Mirrors @app/topics' template placeholders: the fixed names win over a tag of the same name.
  const placeholders = new Map<string, string>();
  placeholders.set(orgTag, 'org');
  levelTags.forEach((tag, i) => placeholders.set(tag, levelParameters[i]));
  for (const name of ['org', ...Object.keys(FIXED_PARAMETERS), 'topic'])
    placeholders.set(name, name);
  return {
    levelParameters,
    parameters,
    address,
    placeholderParameter: (placeholder) => placeholders.get(placeholder),
  };
}

/** The `{topic}` placeholder of a topicTemplate: the whole canonical topic. */
export const WHOLE_TOPIC_PARAMETER: AsyncApiParameter = {
  description: 'The whole canonical state topic (several levels).',
  examples: [
    'placeos/zone-Org1/state/zone-HQ/zone-L3/zone-East/sys-Room1/driver-Disp/Display/2/power',
  ],
};

export const METADATA_PARAMETERS: Record<string, AsyncApiParameter> = {
  org: {
    description: `The org zone id. ${ENCODING}`,
    examples: ['zone-Org1'],
  },
  id: {
    description:
      'The id of the model: the org zone, a hierarchy zone a system uses, a system, or a driver ' +
      `in use. ${ENCODING}`,
    examples: ['zone-HQ', 'sys-Room1', 'driver-Disp'],
  },
};
