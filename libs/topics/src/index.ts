export { MISSING_LEVEL, decodeTopicLevel, encodeTopicLevel } from './topic-level';
export {
  MQTT_MAX_TOPIC_BYTES,
  type TopicLimitKind,
  type TopicLimitViolation,
  type TopicLimits,
  isValidTopicName,
  topicLevelCount,
  topicLimitProblem,
  topicLimitViolations,
  topicNameProblem,
} from './topic-name';
export {
  type StateTopicParts,
  metadataTopic,
  stateTopic,
  stateTopicLevelCount,
} from './state-topic';
export { type MetadataEntry, type SystemPlacement, TopicMapper } from './topic-mapper';
export { type PayloadTimeUnit, encodePayload, jsonTextOfValue } from './payload';
export {
  type TopicRewrite,
  destinationLimitProblem,
  destinationTopic,
  validateTopicPrefix,
  validateTopicTemplate,
} from './topic-rewrite';
export { TopicsModule, type TopicsModuleOptions } from './topics.module';
