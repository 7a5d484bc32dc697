import { type BridgeConfig, type BrokerConfig, ConfigError } from '@app/config';
import { effectiveLimits, PROFILE_TOPIC_TEMPLATES } from '@app/mqtt-publisher';
import { destinationLimitProblem, validateTopicPrefix, validateTopicTemplate } from '@app/topics';

/**
 * Checks each broker's topic prefix and template against the hierarchy and the broker's topic
 * limits. Config validation cannot do it alone: placeholders and the canonical topic's length
 * depend on PLACEOS_HIERARCHY. A broker whose profile's limits the canonical topic breaks, and
 * that has no template, gets the profile's default template here (so every later reader of the
 * config, the pipeline and the AsyncAPI document alike, sees the topics actually published).
 * A template that still breaks the limits stops start-up, naming the broker and topicTemplate.
 */
export function assertTopicSettings(config: BridgeConfig): void {
  const problems: string[] = [];
  for (const broker of config.brokers) problems.push(...brokerProblems(broker, config));
  if (problems.length > 0) throw new ConfigError(problems);
}

function brokerProblems(broker: BrokerConfig, config: BridgeConfig): string[] {
  const hierarchy = config.placeos.hierarchy;
  const fromEnv = broker.id === 'default';
  const where = (field: string, variable: string) =>
    fromEnv ? variable : `BROKERS_FILE broker "${broker.id}" ${field}`;
  const templateField = where('topicTemplate', 'MQTT_TOPIC_TEMPLATE');
  const problems: string[] = [];
  if (broker.topicTemplate !== undefined) {
    const problem = validateTopicTemplate(broker.topicTemplate, hierarchy);
    if (problem) problems.push(`${templateField}: ${problem}`);
  }
  if (broker.topicPrefix !== undefined) {
    const problem = validateTopicPrefix(broker.topicPrefix);
    if (problem) problems.push(`${where('topicPrefix', 'MQTT_TOPIC_PREFIX')}: ${problem}`);
  }
  if (problems.length > 0) return problems;

  const limits = effectiveLimits(broker);
  const rewrite = () => ({ topicPrefix: broker.topicPrefix, topicTemplate: broker.topicTemplate });
  let defaulted = false;
  if (broker.topicTemplate === undefined) {
    const canonical = destinationLimitProblem(rewrite(), hierarchy, limits);
    if (canonical === undefined) return [];
    const fallback = PROFILE_TOPIC_TEMPLATES[broker.profile];
    if (fallback === undefined) {
      return [
        `${templateField} is needed: the standard topics break the limits of broker "${broker.id}" (${canonical})`,
      ];
    }
    broker.topicTemplate = fallback;
    defaulted = true;
  }
  const problem = destinationLimitProblem(rewrite(), hierarchy, limits);
  if (problem === undefined) return [];
  const whose = defaulted ? ` (the ${broker.profile} profile's default)` : '';
  return [
    `${templateField} "${broker.topicTemplate}"${whose} does not fit broker "${broker.id}": ${problem}`,
  ];
}
