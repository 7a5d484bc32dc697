export { MISSING_LEVEL, decodeTopicLevel, encodeTopicLevel } from './topic-level';
export {
  MQTT_MAX_TOPIC_BYTES,
  type TopicLimits,
  isValidTopicName,
  topicLevelCount,
  topicLimitProblem,
  topicNameProblem,
} from './topic-name';
export {
  type StateTopicParts,
  metadataTopic,
  stateTopic,
  stateTopicLevelCount,
} from './state-topic';
export { type MetadataEntry, type SystemPlacement, TopicMapper } from './topic-mapper';
export { type PayloadTimeUnit, encodePayload } from './payload';
export {
  type TopicRewrite,
  destinationTopic,
  validateTopicPrefix,
  validateTopicTemplate,
} from './topic-rewrite';
