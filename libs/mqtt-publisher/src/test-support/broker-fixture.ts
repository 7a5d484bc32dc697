import {
  ArrivalLog,
  MqttRecorder,
  startTestBroker,
  type TestBroker,
  type TestBrokerOptions,
} from '@app/testing';
import { afterEach } from 'vitest';
import { openTestConnection, testBrokerConfig } from './broker-config';

export type Cleanups = (() => Promise<unknown>)[];

/**
 * A list of cleanups that run after each test of the calling `describe`, the last one added
 * first; call it in the `describe` body.
 */
function cleanupsAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });
  return cleanups;
}

/**
 * Test brokers, recorders and broker connections for the calling `describe`, each stopped or
 * closed after each test (see `cleanupsAfterEach`). `brokerDefaults` apply to every broker.
 */
export function brokerFixture(brokerDefaults: TestBrokerOptions = {}) {
  const cleanups = cleanupsAfterEach();
  const broker = async (options: TestBrokerOptions = {}): Promise<TestBroker> => {
    const started = await startTestBroker({ ...brokerDefaults, ...options });
    cleanups.push(() => started.stop());
    return started;
  };
  const recorder = async (url: string, filters: string | string[] = '#'): Promise<MqttRecorder> => {
    const started = await MqttRecorder.connect(url, filters);
    cleanups.push(() => started.close());
    return started;
  };
  const arrivalLog = async (on: TestBroker, filter: string): Promise<ArrivalLog> => {
    const started = await ArrivalLog.start(on, filter);
    cleanups.push(() => started.close());
    return started;
  };
  const connection = (url: string, overrides: Parameters<typeof testBrokerConfig>[1] = {}) =>
    openTestConnection(testBrokerConfig(url, overrides), cleanups);
  return { cleanups, broker, recorder, arrivalLog, connection };
}

/** Whether `recorder` holds every topic of `state` with exactly its payload there. */
export function holdsEvery(recorder: MqttRecorder, state: Map<string, string>): boolean {
  return [...state].every(([topic, payload]) => recorder.latest.get(topic)?.toString() === payload);
}
