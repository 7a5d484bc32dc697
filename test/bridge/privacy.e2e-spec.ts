import { createHmac } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';
import { addRoomModule } from '../support/sim-fixtures';

const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');

/**
 * Privacy rules managed over the admin API reach retained state on the brokers without any new
 * state change: a hash rule rewrites, a drop rule clears, deleting the rule restores.
 */
describe('bridge: privacy rules reach retained state', () => {
  let h: BridgeHarness;
  let mod: string;
  let sys: string;
  const booking = { title: 'Budget review', host: { email: 'alice@example.com', name: 'Alice' } };

  const api = () => request(h.bridge.app.getHttpServer());
  const auth = () => ({ authorization: `Bearer ${h.adminToken}` });
  const topicOf = (i: number) =>
    h.recorders[i]
      .topics()
      .find((t) => t.includes(`/${sys}/`) && t.endsWith('/Bookings/1/current'));
  const valueOn = (i: number) => {
    const topic = topicOf(i);
    const payload = topic ? h.recorders[i].latest.get(topic) : undefined;
    return payload ? (parsePayload(payload).value as typeof booking) : undefined;
  };

  beforeAll(async () => {
    h = await startHarness({ brokers: 2 });
    ({ sys, mod } = addRoomModule(h.sim.world, 'Privacy room', 'Bookings'));
    h.sim.world.setState(mod, 'current', booking);
    await h.recorders[0].waitFor(
      () => valueOn(0)?.host.email === 'alice@example.com',
      20_000,
      'plain value',
    );
    await h.recorders[1].waitFor(
      () => valueOn(1)?.host.email === 'alice@example.com',
      20_000,
      'plain value',
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a new hash rule turns the retained e-mail into its HMAC, differently per broker secret', async () => {
    const created = await api()
      .post('/api/v1/rules')
      .set(auth())
      .send({ name: 'hash-emails', match: { detector: 'email' }, action: 'hash' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'hash-emails', version: 1, enabled: true });
    const [expected0, expected1] = h.secrets.map((s) => hmac(s, 'alice@example.com'));
    expect(expected0).not.toBe(expected1);
    await h.recorders[0].waitFor(
      () => valueOn(0)?.host.email === expected0,
      10_000,
      'hash on broker 0',
    );
    await h.recorders[1].waitFor(
      () => valueOn(1)?.host.email === expected1,
      10_000,
      'hash on broker 1',
    );
    expect(valueOn(0)?.host.name).toBe('Alice');
    expect(valueOn(0)?.title).toBe('Budget review');
  });

  it('previews what each broker would receive', async () => {
    const res = await api()
      .post('/api/v1/rules/preview')
      .set(auth())
      .send({ topic: topicOf(0), value: { who: 'bob@example.org' } })
      .expect(200);
    const brokers = res.body.brokers as Array<{
      broker: string;
      payload: string;
      dropped: boolean;
    }>;
    expect(brokers.map((b) => b.broker).sort()).toEqual(['b0', 'b1']);
    const b0 = brokers.find((b) => b.broker === 'b0')!;
    expect(JSON.parse(b0.payload).value).toEqual({ who: hmac(h.secrets[0], 'bob@example.org') });
  });

  it('a drop rule clears the retained topic, and deleting it restores the value', async () => {
    const topic = topicOf(0)!;
    const canonical = topic; // no prefix on these brokers
    const drop = await api()
      .post('/api/v1/rules')
      .set(auth())
      // Only b0: b1 keeps receiving, which proves when the bridge has handled a change.
      .send({
        name: 'drop-bookings',
        topic: canonical,
        brokers: ['b0'],
        action: 'drop',
        priority: 1,
      })
      .expect(201);
    await h.recorders[0].waitFor(
      () => !h.recorders[0].latest.has(topic),
      10_000,
      'the drop to clear the topic',
    );
    // New values stay away from the broker while the rule holds: once b1 has the new value,
    // the bridge has planned it for b0 too, and b0 must have received nothing at the topic.
    const seenOnB0 = h.recorders[0].messages.length;
    h.sim.world.setState(mod, 'current', { ...booking, title: 'Moved' });
    await h.recorders[1].waitFor(() => valueOn(1)?.title === 'Moved', 10_000, 'b1 to get it');
    expect(h.recorders[0].messages.slice(seenOnB0).filter((m) => m.topic === topic)).toEqual([]);
    await api()
      .delete(`/api/v1/rules/${drop.body.id as string}`)
      .set(auth())
      .expect(204);
    await h.recorders[0].waitFor(
      () =>
        valueOn(0)?.title === 'Moved' &&
        valueOn(0)?.host.email === hmac(h.secrets[0], 'alice@example.com'),
      10_000,
      'the value to come back, still hashed',
    );
  });

  it('deleting the hash rule re-shows the plain value', async () => {
    const list = await api().get('/api/v1/rules').set(auth()).expect(200);
    const rule = (list.body.items as Array<{ id: string; name: string }>).find(
      (r) => r.name === 'hash-emails',
    )!;
    await api().delete(`/api/v1/rules/${rule.id}`).set(auth()).expect(204);
    await h.recorders[1].waitFor(
      () => valueOn(1)?.host.email === 'alice@example.com',
      10_000,
      'plain again',
    );
  });
});
