import type { AsyncApiBroker } from '@app/asyncapi';
import type { BrokerConfig } from '@app/config';
import { effectiveLimits, PROFILE_TOPIC_TEMPLATES } from '@app/mqtt-publisher';
import { stateTopicLevelCount } from '@app/topics';

/**
 * What the document may say about a broker: fields copied one by one, so credentials, secrets
 * and TLS material never reach it. QoS, retain and the status QoS follow the profile's caps the
 * way the broker connection applies them.
 */
export function publicBroker(broker: BrokerConfig, hierarchy: readonly string[]): AsyncApiBroker {
  const limits = effectiveLimits(broker);
  return {
    id: broker.id,
    url: broker.url,
    qos: Math.min(broker.qos, limits.maxQos) as 0 | 1 | 2,
    retain: broker.retain && limits.retainSupported,
    statusQos: limits.maxQos === 0 ? 0 : 1,
    protocolVersion: broker.protocolVersion,
    topicPrefix: broker.topicPrefix,
    topicTemplate: topicTemplateOf(broker, hierarchy, limits.maxTopicLevels),
    statusTopic: broker.statusTopic,
  };
}

/**
 * The configured template, else the profile's own when the canonical state topic has more
 * levels than the profile allows (admin-api.md: such a profile uses its default template).
 */
function topicTemplateOf(
  broker: BrokerConfig,
  hierarchy: readonly string[],
  maxTopicLevels: number | undefined,
): string | undefined {
  if (broker.topicTemplate !== undefined) return broker.topicTemplate;
  const tooDeep =
    maxTopicLevels !== undefined && stateTopicLevelCount(hierarchy.length) > maxTopicLevels;
  return tooDeep ? PROFILE_TOPIC_TEMPLATES[broker.profile] : undefined;
}
