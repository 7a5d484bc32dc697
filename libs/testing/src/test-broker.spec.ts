import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttRecorder } from './mqtt-recorder';
import {
  type TestBroker,
  type TestBrokerKind,
  preferredBrokerKind,
  startTestBroker,
} from './test-broker';

const kinds: TestBrokerKind[] =
  preferredBrokerKind() === 'mosquitto' ? ['mosquitto', 'aedes'] : ['aedes'];

describe.each(kinds)('test broker (%s)', (kind) => {
  let broker: TestBroker | undefined;
  afterEach(async () => {
    await broker?.stop();
  });

  it('delivers retained messages over TCP and forgets them after a restart', async () => {
    broker = await startTestBroker({ kind });
    const publisher = await mqtt.connectAsync(broker.url);
    await publisher.publishAsync('a/b', 'hello', { qos: 1, retain: true });
    const recorder = await MqttRecorder.connect(broker.url, 'a/#');
    await recorder.waitFor(() => recorder.latest.get('a/b')?.toString() === 'hello');
    expect(recorder.messages[0]?.retain).toBe(true);
    await recorder.close();
    await publisher.endAsync(true);

    await broker.restart();
    const after = await MqttRecorder.connect(broker.url, 'a/#');
    await new Promise((r) => setTimeout(r, 200));
    expect(after.latest.size).toBe(0);
    await after.close();
  });
});
