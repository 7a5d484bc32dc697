import type { AsyncApiBroker, AsyncApiInput } from './asyncapi-input';
import { brokerServer, rewriteNote, statusTopicOf } from './broker-server';
import { messageComponents } from './messages';
import {
  type AsyncApiParameter,
  METADATA_PARAMETERS,
  type StateTopicLayout,
  stateTopicLayout,
  WHOLE_TOPIC_PARAMETER,
} from './topic-parameters';

/** A plain AsyncAPI 3.0.0 document, ready for JSON.stringify. */
export type AsyncApiDocument = Record<string, unknown> & { asyncapi: '3.0.0' };

interface Channel {
  address: string;
  title: string;
  description: string;
  parameters?: Record<string, AsyncApiParameter>;
  servers: { $ref: string }[];
  messages: Record<string, { $ref: string }>;
}

/** Channels that share an address and its brokers, with the operation that sends on them. */
interface ChannelGroup {
  id: string;
  channel: Channel;
  brokers: AsyncApiBroker[];
  /** Status messages use the status QoS, state and metadata the broker's QoS. */
  kind: 'state' | 'metadata' | 'status';
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const STATE_MESSAGES = {
  state: { $ref: '#/components/messages/State' },
  cleared: { $ref: '#/components/messages/Cleared' },
};
const METADATA_MESSAGES = {
  metadata: { $ref: '#/components/messages/Metadata' },
  cleared: { $ref: '#/components/messages/Cleared' },
};
const STATUS_MESSAGES = { status: { $ref: '#/components/messages/Status' } };

/**
 * The AsyncAPI 3 document of what a bridge with this configuration publishes: the state,
 * metadata and status channels with their parameters and payloads, one server per broker (host
 * and protocol only), and a channel of its own for each broker whose topicPrefix/topicTemplate
 * changes the address. Pure: the same input gives the same document.
 */
export function buildAsyncApiDocument(input: AsyncApiInput): AsyncApiDocument {
  const layout = stateTopicLayout(input.hierarchy);
  const groups = [
    ...stateAndMetadataGroups(input.brokers, layout),
    ...statusGroups(input.brokers, input.instanceId),
  ];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'PlaceOS MQTT bridge',
      version: input.version ?? '1',
      description:
        'What the bridge publishes: every PlaceOS module status key as a retained state topic, ' +
        'metadata of the zones, systems and drivers in use, and a status topic per bridge ' +
        "instance. Values pass each broker's privacy rules first (hash, mask, replace, drop), so " +
        'each broker receives its own filtered copy. Generated from the running configuration.',
    },
    defaultContentType: 'application/json',
    servers: Object.fromEntries(
      input.brokers.map((broker) => [broker.id, brokerServer(broker, input.instanceId)]),
    ),
    channels: Object.fromEntries(groups.map((group) => [group.id, group.channel])),
    operations: Object.fromEntries(groups.map((group) => [`send-${group.id}`, operation(group)])),
    components: messageComponents(input.timeUnit),
  };
}

function stateAndMetadataGroups(
  brokers: readonly AsyncApiBroker[],
  layout: StateTopicLayout,
): ChannelGroup[] {
  const canonical = brokers.filter(
    (b) => b.topicPrefix === undefined && b.topicTemplate === undefined,
  );
  const groups: ChannelGroup[] = [];
  if (canonical.length > 0) {
    groups.push(stateGroup('state', layout.address, layout, canonical, ''));
    groups.push(metadataGroup('metadata', 'placeos/{org}/metadata/{id}', canonical, ''));
  }
  for (const broker of brokers) {
    if (canonical.includes(broker)) continue;
    const prefix = broker.topicPrefix ?? '';
    const state =
      broker.topicTemplate === undefined
        ? layout.address
        : templateAddress(broker.topicTemplate, layout);
    const note = ` ${rewriteNote(broker)}`;
    // Braces in a prefix would read as parameters: such a broker gets the note, not an address.
    if (state === undefined || /[{}]/.test(prefix)) continue;
    groups.push(stateGroup(`state-${broker.id}`, prefix + state, layout, [broker], note));
    groups.push(
      metadataGroup(
        `metadata-${broker.id}`,
        `${prefix}placeos/{org}/metadata/{id}`,
        [broker],
        note,
      ),
    );
  }
  return groups;
}

function stateGroup(
  id: string,
  address: string,
  layout: StateTopicLayout,
  brokers: AsyncApiBroker[],
  note: string,
): ChannelGroup {
  const parameters: Record<string, AsyncApiParameter> = {};
  for (const name of parameterNames(address))
    parameters[name] = name === 'topic' ? WHOLE_TOPIC_PARAMETER : layout.parameters[name];
  return {
    id,
    kind: 'state',
    brokers,
    channel: {
      address,
      title: 'Module state',
      description:
        'One topic per status key of every module of every system with an org zone. Levels ' +
        `after the org follow PLACEOS_HIERARCHY; a missing level is \`_\`. A module in several ` +
        'systems is published under each. When a topic stops existing its retained message is ' +
        `cleared with a zero-length payload.${note}`,
      parameters,
      servers: serverRefs(brokers),
      messages: STATE_MESSAGES,
    },
  };
}

function metadataGroup(
  id: string,
  address: string,
  brokers: AsyncApiBroker[],
  note: string,
): ChannelGroup {
  return {
    id,
    kind: 'metadata',
    brokers,
    channel: {
      address,
      title: 'Model metadata',
      description:
        'The org zone, every hierarchy zone a system uses, every system and every driver in use, ' +
        're-published when the model changes and cleared when it goes away.' +
        note,
      parameters: METADATA_PARAMETERS,
      servers: serverRefs(brokers),
      messages: METADATA_MESSAGES,
    },
  };
}

function statusGroups(brokers: readonly AsyncApiBroker[], instanceId: string): ChannelGroup[] {
  const shared = brokers.filter((broker) => broker.statusTopic === undefined);
  const groups: ChannelGroup[] = [];
  const description =
    'Retained `online` on every (re)connection of this bridge instance, `offline` on a graceful ' +
    'stop and as its MQTT Last Will.';
  if (shared.length > 0)
    groups.push({
      id: 'status',
      kind: 'status',
      brokers: shared,
      channel: {
        address: 'placeos/_bridge/{instance}/status',
        title: 'Bridge status',
        description,
        parameters: {
          instance: {
            description: 'The bridge instance (INSTANCE_ID, else the pod or host name).',
            examples: [instanceId],
          },
        },
        servers: serverRefs(shared),
        messages: STATUS_MESSAGES,
      },
    });
  for (const broker of brokers) {
    const topic = statusTopicOf(broker, instanceId);
    if (broker.statusTopic === undefined || /[{}]/.test(topic)) continue;
    groups.push({
      id: `status-${broker.id}`,
      kind: 'status',
      brokers: [broker],
      channel: {
        address: topic,
        title: 'Bridge status',
        description: `${description} Broker \`${broker.id}\` configures this topic (statusTopic).`,
        servers: serverRefs([broker]),
        messages: STATUS_MESSAGES,
      },
    });
  }
  return groups;
}

function operation(group: ChannelGroup): Record<string, unknown> {
  const op: Record<string, unknown> = {
    action: 'send',
    channel: { $ref: `#/channels/${pointer(group.id)}` },
    messages: Object.keys(group.channel.messages).map((name) => ({
      $ref: `#/channels/${pointer(group.id)}/messages/${name}`,
    })),
  };
  const qos = uniform(
    group.brokers.map((broker) => (group.kind === 'status' ? broker.statusQos : broker.qos)),
  );
  const retain = uniform(group.brokers.map((broker) => broker.retain));
  // Brokers that differ are described on their servers instead.
  if (qos !== undefined && retain !== undefined)
    op.bindings = { mqtt: { qos, retain, bindingVersion: '0.2.0' } };
  return op;
}

/** The template's address with each placeholder as its parameter; undefined for an unknown one. */
function templateAddress(template: string, layout: StateTopicLayout): string | undefined {
  let unknown = false;
  const address = template.replace(PLACEHOLDER, (_whole, name: string) => {
    const parameter = layout.placeholderParameter(name);
    if (parameter === undefined) unknown = true;
    return `{${parameter ?? name}}`;
  });
  return unknown ? undefined : address;
}

function parameterNames(address: string): string[] {
  return [...new Set([...address.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

function serverRefs(brokers: readonly AsyncApiBroker[]): { $ref: string }[] {
  return brokers.map((broker) => ({ $ref: `#/servers/${pointer(broker.id)}` }));
}

/** A JSON Pointer segment (RFC 6901): broker ids are configuration, not guaranteed pointer-safe. */
function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function uniform<T>(values: T[]): T | undefined {
  return values.every((value) => value === values[0]) ? values[0] : undefined;
}
