import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from './asyncapi-document';
import type { AsyncApiBroker, AsyncApiInput } from './asyncapi-input';

const parser = new Parser();

/**
 * Error-severity problems the AsyncAPI parser finds (schema, references), plus address
 * parameters without a description, which the parser does not check.
 */
async function errorsIn(document: Doc): Promise<string[]> {
  const diagnostics = await parser.validate(JSON.stringify(document));
  const errors = diagnostics
    .filter((d) => (d.severity as number) === (DiagnosticSeverity.Error as number))
    .map((d) => `${d.path.join('.')}: ${d.message}`);
  for (const [id, channel] of Object.entries(document.channels))
    for (const [, name] of channel.address.matchAll(/\{([^{}]*)\}/g))
      if (!channel.parameters?.[name]) errors.push(`channels.${id}: {${name}} is not described`);
  return errors;
}

const broker = (overrides: Partial<AsyncApiBroker> = {}): AsyncApiBroker => ({
  id: 'default',
  url: 'mqtt://127.0.0.1:1883',
  qos: 1,
  retain: true,
  statusQos: 1,
  protocolVersion: 'auto',
  ...overrides,
});

const input = (overrides: Partial<AsyncApiInput> = {}): AsyncApiInput => ({
  hierarchy: ['org', 'building', 'level', 'area'],
  timeUnit: 'ms',
  instanceId: 'bridge-0',
  brokers: [broker()],
  ...overrides,
});

type Doc = {
  servers: Record<string, Record<string, unknown>>;
  channels: Record<string, { address: string; parameters?: Record<string, unknown> }>;
  operations: Record<string, { bindings?: unknown }>;
  components: {
    schemas: Record<string, { properties?: Record<string, { description?: string }> }>;
  };
};

describe('buildAsyncApiDocument', () => {
  it('describes the default hierarchy as a valid AsyncAPI 3 document', async () => {
    const doc = buildAsyncApiDocument(input()) as unknown as Doc;
    expect(await errorsIn(doc)).toEqual([]);
    expect(doc.channels.state.address).toBe(
      'placeos/{org}/state/{building}/{level}/{area}/{system}/{driver}/{module}/{index}/{key}',
    );
    expect(doc.channels.metadata.address).toBe('placeos/{org}/metadata/{id}');
    expect(doc.channels.status.address).toBe('placeos/_bridge/{instance}/status');
    expect(JSON.stringify(doc.channels.state.parameters)).toContain('`_` when the system has none');
    expect(doc.operations['send-state'].bindings).toEqual({
      mqtt: { qos: 1, retain: true, bindingVersion: '0.2.0' },
    });
    expect(doc.components.schemas.StatePayload.properties?.time.description).toContain(
      'milliseconds',
    );
  });

  it('follows a custom hierarchy, renaming tags that collide with fixed levels', async () => {
    const doc = buildAsyncApiDocument(
      input({
        hierarchy: ['tenant', 'region', 'site/wing', 'system'],
        timeUnit: 's',
      }),
    ) as unknown as Doc;
    expect(await errorsIn(doc)).toEqual([]);
    expect(doc.channels.state.address).toBe(
      'placeos/{org}/state/{region}/{site_wing}/{system_zone}/{system}/{driver}/{module}/{index}/{key}',
    );
    expect(JSON.stringify(doc.channels.state.parameters?.system_zone)).toContain('tagged `system`');
    expect(doc.components.schemas.StatePayload.properties?.time.description).toContain('seconds');
  });

  it('gives a rewriting broker its own channels, and one server per broker without credentials', async () => {
    const doc = buildAsyncApiDocument(
      input({
        brokers: [
          broker({ url: 'mqtts://bridge:hunter2-pass@broker.example.com:8883/?token=abc' }),
          broker({
            id: 'aws',
            url: 'wss://user:pw-secret@iot.example.com/mqtt',
            qos: 0,
            protocolVersion: 4,
            topicPrefix: 'tenant-a/',
            topicTemplate: 'placeos/{org}/{building}/{system}/{module}_{index}/{key}',
          }),
          broker({ id: 'plain', statusTopic: 'status/bridge', retain: false }),
        ],
      }),
    ) as unknown as Doc;
    expect(await errorsIn(doc)).toEqual([]);
    const text = JSON.stringify(doc);
    for (const secret of ['hunter2', 'pw-secret', 'token=abc', 'bridge:', 'user:', '@'])
      expect(text).not.toContain(secret);
    expect(doc.servers.default).toMatchObject({
      host: 'broker.example.com:8883',
      protocol: 'secure-mqtt',
    });
    expect(doc.servers.aws).toMatchObject({
      host: 'iot.example.com',
      protocol: 'wss',
      pathname: '/mqtt',
      protocolVersion: '3.1.1',
    });
    expect(doc.channels['state-aws'].address).toBe(
      'tenant-a/placeos/{org}/{building}/{system}/{module}_{index}/{key}',
    );
    expect(doc.channels['metadata-aws'].address).toBe('tenant-a/placeos/{org}/metadata/{id}');
    expect(doc.channels['status-plain'].address).toBe('status/bridge');
    // default (retained) and plain (not retained) share the canonical state channel.
    expect(doc.operations['send-state'].bindings).toBeUndefined();
    expect(String(doc.servers.aws.description)).toContain('prefixed with `tenant-a/`');
  });

  it('documents a template built on {topic} with a parameter for the whole topic', async () => {
    const doc = buildAsyncApiDocument(
      input({ brokers: [broker({ id: 'wrapped', topicTemplate: 'site-1/{topic}' })] }),
    ) as unknown as Doc;
    expect(await errorsIn(doc)).toEqual([]);
    expect(doc.channels['state-wrapped'].address).toBe('site-1/{topic}');
    expect(Object.keys(doc.channels['state-wrapped'].parameters ?? {})).toEqual(['topic']);
    expect(doc.channels.state).toBeUndefined();
  });
});
