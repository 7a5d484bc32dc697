import type { ReadinessProbe } from '@app/health';
import type { BrokerConnection } from '@app/mqtt-publisher';
import type { PlaceOsClient } from '@app/placeos-client';
import type { RulesStore } from '@app/rules-store';

/**
 * Readiness: not shutting down, PlaceOS connected and first sync done, every broker connected,
 * rules store usable.
 */
export function readinessProbes(
  client: PlaceOsClient,
  connections: ReadonlyMap<string, BrokerConnection>,
  store: RulesStore,
  shuttingDown: () => boolean,
): ReadinessProbe[] {
  return [
    {
      name: 'lifecycle',
      check: () => {
        const stopping = shuttingDown();
        return { up: !stopping, details: { state: stopping ? 'shutting down' : 'running' } };
      },
    },
    {
      name: 'placeos',
      check: () => {
        const status = client.status();
        return {
          up: status.connected && status.firstSyncDone,
          details: {
            connected: status.connected,
            firstSyncDone: status.firstSyncDone,
            systems: status.systems,
            boundKeys: status.boundKeys,
            ...(status.lastError ? { lastError: status.lastError } : {}),
          },
        };
      },
    },
    {
      name: 'brokers',
      check: () => {
        const statuses = [...connections.values()].map((c) => c.status());
        return {
          up: statuses.every((s) => s.connected),
          details: Object.fromEntries(
            statuses.map((s) => [
              s.id,
              {
                connected: s.connected,
                queued: s.queued,
                ...(s.lastError ? { lastError: s.lastError } : {}),
              },
            ]),
          ),
        };
      },
    },
    {
      name: 'rules',
      check: async () => {
        await store.ping();
        return { up: true, details: {} };
      },
    },
  ];
}
