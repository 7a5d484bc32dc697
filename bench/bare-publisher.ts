// The bare baseline of `npm run bench`: the bridge's own PlaceOS client (the same discovery,
// bindings and key polls) feeding mqtt.js directly, as a bridge with no framework, no topic
// mapping beyond a concatenation, no privacy, no ledger and no outbox would: every change is
// published the moment it is taken, QoS 1, retained, with mqtt.js defaults (its queue is the
// only buffer), at `bare/<system>/<module>/<index>/<key>`. What the bridge costs on top of ingestion and the broker is measured against it.
// Env: PLACEOS_URL, PLACEOS_API_KEY, PLACEOS_REDIS_URL (optional), MQTT_URL, BARE_PROTOCOL
// (5 or 4, default 5).
// Prints {"boundKeys":N} on stdout once PlaceOS' first sync is done.
import { PlaceOsClient } from '@app/placeos-client';
import { encodeTopicLevel } from '@app/topics';
import mqtt from 'mqtt';
import pino from 'pino';

const BATCH = 1000;

async function main(): Promise<void> {
  const url = process.env.PLACEOS_URL ?? '';
  const apiKey = process.env.PLACEOS_API_KEY ?? '';
  const brokerUrl = process.env.MQTT_URL ?? '';
  const broker = await mqtt.connectAsync(brokerUrl, {
    clientId: `bare-${process.pid}`,
    protocolVersion: process.env.BARE_PROTOCOL === '4' ? 4 : 5,
  });
  const client = new PlaceOsClient({
    url,
    apiKey,
    zones: [],
    shard: { index: 0, count: 1 },
    topologyPollMs: 30_000,
    keyPollMs: 60_000,
    requestTimeoutMs: 10_000,
    logger: pino({ level: 'warn' }),
    redisUrl: process.env.PLACEOS_REDIS_URL || undefined,
  });
  const options = { qos: 1, retain: true } as const;
  const pump = async (): Promise<void> => {
    for (;;) {
      const batch = await client.changes.takeBatch(BATCH);
      if (!batch) return;
      for (const change of batch.values) {
        // Names may hold `/`, `+` or `#` (the simulator has an `A/V` module): encoded, or the
        // broker would drop the connection.
        broker.publish(
          `bare/${change.systemId}/${encodeTopicLevel(change.moduleName)}/${change.index}/${encodeTopicLevel(change.key)}`,
          `{"time":${change.receivedAt},"value":${change.json}}`,
          options,
        );
      }
      batch.done();
    }
  };
  const pumping = pump();
  await client.start();
  await client.whenSynced();
  process.stdout.write(`${JSON.stringify({ boundKeys: client.status().boundKeys })}\n`);
  const stop = (): void => {
    void client
      .stop()
      .then(() => pumping)
      .then(() => broker.endAsync())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
