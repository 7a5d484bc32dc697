import { urlWithoutCredentials as redactUrl } from '@app/redaction';
import type { BridgeConfig } from './bridge-config';

/** A summary of the configuration that is safe to log: no secret, no credential in a URL. */
export function describeConfig(config: BridgeConfig): Record<string, unknown> {
  return {
    placeos: {
      url: redactUrl(config.placeos.url),
      auth: config.placeos.apiKey ? 'api-key' : 'oauth-password',
      hostHeader: config.placeos.hostHeader,
      hierarchy: config.placeos.hierarchy,
      zones: config.placeos.zones,
      source: config.placeos.redisUrl ? 'redis' : 'api',
      ...(config.placeos.redisUrl ? { redisUrl: redactUrl(config.placeos.redisUrl) } : {}),
    },
    brokers: config.brokers.map((b) => ({
      id: b.id,
      url: redactUrl(b.url),
      clientId: b.clientId,
      qos: b.qos,
      retain: b.retain,
      profile: b.profile,
      topicPrefix: b.topicPrefix,
      topicTemplate: b.topicTemplate,
      connections: b.connections ?? 1,
      tls: {
        ca: !!b.tls.ca,
        clientCert: !!b.tls.cert,
        servername: b.tls.servername,
        rejectUnauthorized: b.tls.rejectUnauthorized,
      },
      messageExpirySeconds: b.messageExpirySeconds,
      // Names only: a value can be a routing key or token the broker's owner considers private.
      userProperties: b.userProperties ? Object.keys(b.userProperties) : undefined,
      secret: b.secret ? 'configured' : 'generated',
    })),
    http: {
      port: config.http.port,
      adminApi: config.http.adminToken ? 'enabled' : 'disabled (no ADMIN_TOKEN)',
    },
    rulesDb:
      config.rulesDb.kind === 'sqlite'
        ? config.rulesDb
        : { kind: 'postgres', url: redactUrl(config.rulesDb.url) },
    payloadTimeUnit: config.payloadTimeUnit,
    shard: config.shard,
    instanceId: config.instanceId,
  };
}
