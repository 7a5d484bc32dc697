export { freePort } from './free-port';
export { preferredBrokerKind, startTestBroker } from './test-broker';
export type { TestBroker, TestBrokerKind } from './test-broker';
export { MqttRecorder } from './mqtt-recorder';
export type { RecordedMessage } from './mqtt-recorder';
export { findTestPostgres, testSchema, withTestClient } from './test-postgres';
export type { TestPostgres } from './test-postgres';
export { TcpProxy } from './tcp-proxy';
export { findRedisServer, startTestRedis, testRedisSkipReason, type TestRedis } from './test-redis';
