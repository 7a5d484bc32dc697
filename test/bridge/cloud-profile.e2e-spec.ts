import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';
import { SMALL_PORTFOLIO } from '../support/sim-fixtures';

/**
 * A broker with AWS IoT Core's limits (at most 7 slashes in a topic): the standard state topic
 * has 10, so the operator sets a topic template; the broker then receives the templated topics.
 */
describe('bridge: a cloud profile with a topic template', () => {
  let h: BridgeHarness;
  let org: string;
  let sys: string;
  let mod: string;

  beforeAll(async () => {
    // AWS's real limit (100 messages/s): a small portfolio keeps the initial sync short.
    h = await startHarness({
      sim: SMALL_PORTFOLIO,
      env: {
        MQTT_PROFILE: 'aws-iot-core',
        MQTT_TOPIC_TEMPLATE: 'placeos/{org}/{system}/{module}_{index}/{key}',
      },
    });
    const w = h.sim.world;
    org = w.addZone({ name: 'Org', tags: ['org'] });
    const bld = w.addZone({ name: 'B', tags: ['building'] });
    sys = w.addSystem({ name: 'Cloud room', zones: [org, bld] });
    mod = w.addModule(sys, { driverId: w.listDrivers()[0].id, customName: 'Sensor' });
    w.setState(mod, 'people', 4);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('publishes state under the template, within the 7-slash limit', async () => {
    const rec = h.recorders[0];
    const topic = `placeos/${org}/${sys}/Sensor_1/people`;
    await rec.waitFor(() => rec.latest.has(topic), 20_000, 'the templated topic');
    expect(parsePayload(rec.latest.get(topic)!).value).toBe(4);
    const stateTopics = rec
      .topics('placeos/')
      .filter((t) => !t.includes('/metadata/') && !t.includes('/_bridge/'));
    expect(stateTopics.length).toBeGreaterThan(0);
    for (const t of stateTopics) expect(t.split('/').length - 1).toBeLessThanOrEqual(7);
  });

  it('previews the rewritten topic, and says when the broker would refuse a payload', async () => {
    const canonical = `placeos/${org}/state/_/_/_/${sys}/drv/Sensor/1/people`;
    const small = await request(h.bridge.app.getHttpServer())
      .post('/api/v1/rules/preview')
      .set('authorization', `Bearer ${h.adminToken}`)
      .send({ topic: canonical, value: 4 })
      .expect(200);
    expect(small.body.brokers[0]).toMatchObject({ topic: `placeos/${org}/${sys}/Sensor_1/people` });
    expect(small.body.brokers[0].refused).toBeUndefined();
    const large = await request(h.bridge.app.getHttpServer())
      .post('/api/v1/rules/preview')
      .set('authorization', `Bearer ${h.adminToken}`)
      .send({ topic: canonical, value: 'x'.repeat(140_000) })
      .expect(200);
    expect(large.body.brokers[0].refused).toMatch(/^payload is \d+ bytes, broker allows 131072$/);
    // Not a state topic, so no template applies: the broker's level limit would refuse it.
    const deep = await request(h.bridge.app.getHttpServer())
      .post('/api/v1/rules/preview')
      .set('authorization', `Bearer ${h.adminToken}`)
      .send({ topic: `${canonical}/x/y/z`, value: 4 })
      .expect(200);
    expect(deep.body.brokers[0].refused).toBe('topic has 14 levels, broker allows 8');
  });
});
