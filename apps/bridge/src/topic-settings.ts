import { type BridgeConfig, ConfigError } from '@app/config';
import { validateTopicPrefix, validateTopicTemplate } from '@app/topics';

/**
 * Checks each broker's topic prefix and template against the hierarchy. Config validation
 * cannot do it alone: a template's placeholders depend on PLACEOS_HIERARCHY.
 */
export function assertTopicSettings(config: BridgeConfig): void {
  const problems: string[] = [];
  for (const broker of config.brokers) {
    const fromEnv = broker.id === 'default';
    const where = (field: string, variable: string) =>
      fromEnv ? variable : `BROKERS_FILE broker "${broker.id}" ${field}`;
    if (broker.topicTemplate !== undefined) {
      const problem = validateTopicTemplate(broker.topicTemplate, config.placeos.hierarchy);
      if (problem) problems.push(`${where('topicTemplate', 'MQTT_TOPIC_TEMPLATE')}: ${problem}`);
    }
    if (broker.topicPrefix !== undefined) {
      const problem = validateTopicPrefix(broker.topicPrefix);
      if (problem) problems.push(`${where('topicPrefix', 'MQTT_TOPIC_PREFIX')}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
