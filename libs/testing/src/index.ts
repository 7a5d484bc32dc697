export { freePort } from './free-port';
export {
  findMosquittoSub,
  mosquittoSkipReason,
  preferredBrokerKind,
  startTestBroker,
} from './test-broker';
export type {
  TestBroker,
  TestBrokerKind,
  TestBrokerOptions,
  TestBrokerTls,
  TestBrokerUrls,
} from './test-broker';
export { type Arrival, ArrivalLog } from './arrival-log';
export {
  type CertificatePair,
  type TestCertificates,
  createTestCertificates,
  testCertificatesSkipReason,
} from './test-certificates';
export { MqttRecorder } from './mqtt-recorder';
export type { RecordedMessage } from './mqtt-recorder';
export { findTestPostgres, testSchema, withTestClient } from './test-postgres';
export type { TestPostgres } from './test-postgres';
export { TcpProxy } from './tcp-proxy';
export { findRedisServer, startTestRedis, testRedisSkipReason, type TestRedis } from './test-redis';
