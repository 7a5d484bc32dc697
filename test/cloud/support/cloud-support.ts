import type { Simulator, SimulatorOptions } from '@app/placeos-sim';
import type { MqttRecorder } from '@app/testing';
import request from 'supertest';
import type { BridgeHarness } from '../../support/bridge-harness';

/** One org, one building, two rooms: a few hundred state topics, so rate-limited runs stay short. */
export const SMALL_PORTFOLIO: SimulatorOptions = {
  seed: 11,
  portfolio: {
    orgs: 1,
    regionsPerOrg: 1,
    buildingsPerRegion: 1,
    levelsPerBuilding: 1,
    roomsPerLevel: 2,
  },
};

/** How many state topics the simulated portfolio has (one per status key of each module). */
export function stateTopicCount(sim: Simulator): number {
  return sim.world
    .listSystems()
    .flatMap((s) => s.modules.map((m) => sim.world.stateHash(m)?.size ?? 0))
    .reduce((a, b) => a + b, 0);
}

/** The state topics a recorder holds (canonical or templated: metadata and status left out). */
export function stateTopics(recorder: MqttRecorder, prefix = ''): string[] {
  return recorder
    .topics(prefix)
    .filter((t) => !t.includes('/metadata/') && !t.includes('/_bridge/'))
    .map((t) => t.slice(prefix.length));
}

export interface BrokerItem {
  id: string;
  url: string;
  connected: boolean;
  queued: number;
  inFlight: number;
  published: number;
  refused: number;
  refusedByReason?: Record<string, number>;
  lastError?: string;
  resync?: { pending: number; sent: number };
  connections?: { clientId: string; connected: boolean; queued: number; inFlight: number }[];
}

/** GET /api/v1/brokers, by id. */
export async function brokerStatus(h: BridgeHarness): Promise<Map<string, BrokerItem>> {
  const res = await request(h.bridge.app.getHttpServer())
    .get('/api/v1/brokers')
    .set('authorization', `Bearer ${h.adminToken}`)
    .expect(200);
  const items = (res.body as { items: BrokerItem[] }).items;
  return new Map(items.map((item) => [item.id, item]));
}
