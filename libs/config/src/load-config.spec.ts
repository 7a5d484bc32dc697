import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { describeConfig } from './describe-config';
import { loadBridgeConfig } from './load-config';

const VALID = {
  PLACEOS_URL: 'https://placeos.example.com/',
  PLACEOS_API_KEY: 'abcdef0123456789.secretsecret',
  MQTT_URL: 'mqtt://localhost:1883',
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadBridgeConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cfg-')), name);
  writeFileSync(path, content);
  return path;
}

describe('loadBridgeConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadBridgeConfig({ ...VALID, HOSTNAME: 'pod-1' });
    expect(config.placeos.url).toBe('https://placeos.example.com');
    expect(config.placeos.hierarchy).toEqual(['org', 'building', 'level', 'area']);
    expect(config.brokers).toHaveLength(1);
    expect(config.brokers[0]).toMatchObject({
      id: 'default',
      qos: 1,
      retain: true,
      protocolVersion: 'auto',
      clientId: 'placeos-bridge-pod-1',
      profile: 'generic',
      tls: { rejectUnauthorized: true },
    });
    expect(config.http.port).toBe(3000);
    expect(config.rulesDb).toEqual({ kind: 'sqlite', path: './data/rules.db' });
    expect(config.payloadTimeUnit).toBe('ms');
    expect(config.shard).toEqual({ index: 0, count: 1 });
    expect(config.logLevel).toBe('info');
  });

  it('reports a missing PLACEOS_URL and MQTT_QOS=7 together, in one error', () => {
    const list = problems({
      PLACEOS_API_KEY: VALID.PLACEOS_API_KEY,
      MQTT_URL: VALID.MQTT_URL,
      MQTT_QOS: '7',
    });
    expect(list.some((p) => p.startsWith('PLACEOS_URL is required'))).toBe(true);
    expect(list).toContain('MQTT_QOS must be 0, 1 or 2 (got "7")');
    expect(list).toHaveLength(2);
  });

  it('reports every malformed value with the text that was given', () => {
    const list = problems({
      ...VALID,
      MQTT_RETAIN: 'maybe',
      HTTP_PORT: '70000',
      PAYLOAD_TIME_UNIT: 'us',
      LOG_LEVEL: 'loud',
      SHARD_COUNT: 'two',
      RULES_DB: 'mysql://x',
      MQTT_URL: 'http://broker',
    });
    expect(list).toEqual(
      expect.arrayContaining([
        'MQTT_RETAIN must be true or false (got "maybe")',
        'HTTP_PORT must be between 0 and 65535',
        'PAYLOAD_TIME_UNIT must be ms or s (got "us")',
        expect.stringContaining('LOG_LEVEL must be one of'),
        'SHARD_COUNT must be an integer (got "two")',
        expect.stringContaining('RULES_DB must be'),
        'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL',
      ]),
    );
  });

  it('never repeats a secret in its messages', () => {
    const list = problems({
      ...VALID,
      ADMIN_TOKEN: 'short-token',
      MQTT_SECRET: 'tiny',
      PLACEOS_API_KEY: 'k1',
    });
    const text = list.join('\n');
    expect(list).toHaveLength(3);
    expect(text).not.toContain('short-token');
    expect(text).not.toContain('tiny');
    expect(text).not.toMatch(/\bk1\b/);
  });

  it('converts booleans and integers from their string forms', () => {
    const config = loadBridgeConfig({
      ...VALID,
      MQTT_RETAIN: 'false',
      MQTT_QOS: '0',
      SHARD_INDEX: '2',
      SHARD_COUNT: '3',
      RULES_DB: 'postgres://bridge@db.example.com/bridge',
    });
    expect(config.brokers[0].retain).toBe(false);
    expect(config.brokers[0].qos).toBe(0);
    expect(config.shard).toEqual({ index: 2, count: 3 });
  });

  it('requires credentials, and the whole password grant when no key is given', () => {
    expect(problems({ PLACEOS_URL: VALID.PLACEOS_URL, MQTT_URL: VALID.MQTT_URL })[0]).toContain(
      'PlaceOS credentials are required',
    );
    expect(
      problems({
        PLACEOS_URL: VALID.PLACEOS_URL,
        MQTT_URL: VALID.MQTT_URL,
        PLACEOS_USERNAME: 'svc@example.com',
      }),
    ).toEqual(['the OAuth2 password grant also needs PLACEOS_PASSWORD, PLACEOS_CLIENT_ID']);
    const config = loadBridgeConfig({
      PLACEOS_URL: VALID.PLACEOS_URL,
      MQTT_URL: VALID.MQTT_URL,
      PLACEOS_USERNAME: 'svc@example.com',
      PLACEOS_PASSWORD: 'pw',
      PLACEOS_CLIENT_ID: 'app',
    });
    expect(config.placeos.oauth).toEqual({
      username: 'svc@example.com',
      password: 'pw',
      clientId: 'app',
      clientSecret: undefined,
    });
  });

  it('refuses replicas that would keep their own SQLite rules, naming both variables', () => {
    const list = problems({
      ...VALID,
      SHARD_COUNT: '3',
      SHARD_INDEX: '1',
      RULES_DB: 'sqlite:/data/rules.db',
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toContain('RULES_DB is SQLite (sqlite:/data/rules.db) but SHARD_COUNT is 3');
    expect(problems({ ...VALID, SHARD_COUNT: '2', SHARD_INDEX: '0' })[0]).toContain(
      'RULES_DB is SQLite (the default) but SHARD_COUNT is 2',
    );
    expect(problems({ ...VALID, SHARD_COUNT: '1', RULES_DB: 'sqlite:/data/rules.db' })).toEqual([]);
    expect(
      problems({
        ...VALID,
        SHARD_COUNT: '3',
        SHARD_INDEX: '2',
        RULES_DB: 'postgres://u@db.example.com/bridge',
      }),
    ).toEqual([]);
  });

  it('refuses several shards without a SHARD_INDEX, e.g. an empty pod-index label', () => {
    const replicas = { ...VALID, SHARD_COUNT: '3', RULES_DB: 'postgres://u@db.example.com/b' };
    expect(problems({ ...replicas, SHARD_INDEX: '' })).toEqual([
      'SHARD_INDEX is required when SHARD_COUNT is 3 (got an empty value); on Kubernetes it comes from the pod-index label (1.28 or later)',
    ]);
    expect(problems(replicas)[0]).toContain(
      'SHARD_INDEX is required when SHARD_COUNT is 3 (got nothing)',
    );
    expect(problems({ ...replicas, SHARD_INDEX: '0' })).toEqual([]);
  });

  it('refuses a literal client id shared by every replica; placeholders make ids unique', () => {
    const shared = {
      ...VALID,
      SHARD_COUNT: '3',
      SHARD_INDEX: '0',
      RULES_DB: 'postgres://u@db.example.com/b',
    };
    expect(problems({ ...shared, MQTT_CLIENT_ID: 'placeos-bridge' })).toEqual([
      'MQTT_CLIENT_ID is the same on every replica but SHARD_COUNT is 3: a broker drops one session when another connects with its id. Add {instance} or {shard} to it',
    ]);
    const config = loadBridgeConfig({
      ...shared,
      SHARD_INDEX: '2',
      MQTT_CLIENT_ID: 'bridge-{shard}',
    });
    expect(config.brokers[0].clientId).toBe('bridge-2');
    expect(problems({ ...shared, MQTT_CLIENT_ID: 'bridge-{instance}' })).toEqual([]);
    const file = tempFile(
      'brokers.json',
      JSON.stringify([
        { id: 'literal', url: 'mqtt://a.example.com', clientId: 'same-everywhere' },
        { id: 'unique', url: 'mqtt://b.example.com', clientId: 'x-{shard}' },
        { id: 'implicit', url: 'mqtt://c.example.com' },
      ]),
    );
    expect(problems({ ...shared, MQTT_URL: undefined, BROKERS_FILE: file })).toEqual([
      'BROKERS_FILE broker "literal" clientId is the same on every replica but SHARD_COUNT is 3: a broker drops one session when another connects with its id. Add {instance} or {shard} to it',
    ]);
    // One replica may use any literal id.
    expect(problems({ ...VALID, MQTT_CLIENT_ID: 'placeos-bridge' })).toEqual([]);
  });

  it('checks cross-field rules', () => {
    expect(
      problems({ ...VALID, SHARD_INDEX: '3', SHARD_COUNT: '3', RULES_DB: 'postgres://h/db' }),
    ).toEqual(['SHARD_INDEX (3) must be less than SHARD_COUNT (3)']);
    expect(problems({ ...VALID, PLACEOS_HIERARCHY: 'org building org' })).toEqual([
      'PLACEOS_HIERARCHY must not repeat a tag',
    ]);
    const cert = tempFile('c.pem', 'x');
    expect(problems({ ...VALID, MQTT_CERT_FILE: cert })[0]).toContain(
      'MQTT_CERT_FILE and MQTT_KEY_FILE must be set together',
    );
    const tls = { ...VALID, MQTT_URL: 'mqtts://localhost:8883' };
    expect(problems({ ...tls, MQTT_CA_FILE: '/nonexistent/ca.pem' })).toEqual([
      'MQTT_CA_FILE: cannot read file "/nonexistent/ca.pem"',
    ]);
  });

  it('parses the hierarchy and zone lists', () => {
    const config = loadBridgeConfig({
      ...VALID,
      PLACEOS_HIERARCHY: 'org, region building level area',
      PLACEOS_ZONES: 'zone-a,zone-b',
    });
    expect(config.placeos.hierarchy).toEqual(['org', 'region', 'building', 'level', 'area']);
    expect(config.placeos.zones).toEqual(['zone-a', 'zone-b']);
  });
});

describe('BROKERS_FILE', () => {
  it('reads several brokers from YAML with ${VAR} secrets and per-broker settings', () => {
    const ca = tempFile('ca.pem', '-----BEGIN CERTIFICATE-----');
    const file = tempFile(
      'brokers.yaml',
      [
        'brokers:',
        '  - id: local',
        '    url: mqtt://localhost:1883',
        '    qos: 0',
        '  - id: aws',
        '    url: mqtts://example.iot.eu-west-1.amazonaws.com:8883',
        '    profile: aws-iot-core',
        `    caFile: ${ca}`,
        '    password: ${AWS_PASSWORD}',
        '    secret: ${AWS_SECRET}',
        '    topicTemplate: "placeos/{org}/{system}/{module}_{index}/{key}"',
        '    limits: { maxMessagesPerSecond: 50 }',
      ].join('\n'),
    );
    const config = loadBridgeConfig({
      PLACEOS_URL: VALID.PLACEOS_URL,
      PLACEOS_API_KEY: VALID.PLACEOS_API_KEY,
      BROKERS_FILE: file,
      AWS_PASSWORD: 'pw-from-env',
      AWS_SECRET: 'a-secret-of-sixteen+',
      INSTANCE_ID: 'bridge-0',
    });
    expect(config.brokers.map((b) => b.id)).toEqual(['local', 'aws']);
    expect(config.brokers[0]).toMatchObject({
      qos: 0,
      retain: true,
      clientId: 'placeos-bridge-bridge-0-local',
    });
    expect(config.brokers[1]).toMatchObject({
      profile: 'aws-iot-core',
      password: 'pw-from-env',
      secret: 'a-secret-of-sixteen+',
      limits: { maxMessagesPerSecond: 50 },
    });
    expect(config.brokers[1].tls.ca?.toString()).toBe('-----BEGIN CERTIFICATE-----');
    const summary = JSON.stringify(describeConfig(config));
    expect(summary).not.toContain('pw-from-env');
    expect(summary).not.toContain('a-secret-of-sixteen+');
  });

  it('accepts JSON and combines with MQTT_URL', () => {
    const file = tempFile(
      'brokers.json',
      JSON.stringify([{ id: 'second', url: 'wss://broker.example.com/mqtt' }]),
    );
    const config = loadBridgeConfig({ ...VALID, BROKERS_FILE: file });
    expect(config.brokers.map((b) => b.id)).toEqual(['default', 'second']);
  });

  it('lists every problem in the file with its position', () => {
    const file = tempFile(
      'bad.yaml',
      [
        '- id: one',
        '  url: http://nope',
        '  qos: 3',
        '  colour: blue',
        '- id: one',
        '  url: mqtt://ok:1883',
        '  password: ${MISSING_VAR}',
      ].join('\n'),
    );
    const list = problems({
      PLACEOS_URL: VALID.PLACEOS_URL,
      PLACEOS_API_KEY: VALID.PLACEOS_API_KEY,
      BROKERS_FILE: file,
    });
    expect(list).toEqual(
      expect.arrayContaining([
        'BROKERS_FILE brokers[0].url: url must be an mqtt://, mqtts://, ws:// or wss:// URL',
        'BROKERS_FILE brokers[0].qos: qos must be 0, 1 or 2',
        'BROKERS_FILE brokers[0].colour: should not exist',
        'BROKERS_FILE brokers[1].password: environment variable MISSING_VAR is not set',
        'BROKERS_FILE: broker id "one" is used more than once',
      ]),
    );
  });

  it('reads the cloud settings: connections, SNI, MQTT 5 properties, byte rate', () => {
    const file = tempFile(
      'cloud.yaml',
      [
        '- id: aws',
        '  url: mqtts://example.iot.eu-west-1.amazonaws.com:8883',
        '  profile: aws-iot-core',
        '  connections: 4',
        '  servername: example.iot.eu-west-1.amazonaws.com',
        '  messageExpirySeconds: 86400',
        '  userProperties: { site: hq, token: "${SITE_TOKEN}" }',
        '  limits: { maxBytesPerSecond: 100000 }',
        '- id: lab',
        '  url: mqtts://lab.local:8883',
        '  rejectUnauthorized: false',
      ].join('\n'),
    );
    const config = loadBridgeConfig({
      ...VALID,
      MQTT_URL: undefined,
      BROKERS_FILE: file,
      SITE_TOKEN: 'tok-123456',
    });
    expect(config.brokers[0]).toMatchObject({
      connections: 4,
      tls: { servername: 'example.iot.eu-west-1.amazonaws.com', rejectUnauthorized: true },
      messageExpirySeconds: 86400,
      userProperties: { site: 'hq', token: 'tok-123456' },
      limits: { maxBytesPerSecond: 100000 },
    });
    expect(config.brokers[1]).toMatchObject({ connections: 1, tls: { rejectUnauthorized: false } });
    const summary = describeConfig(config);
    expect(JSON.stringify(summary)).not.toContain('tok-123456');
    expect(summary.brokers).toEqual([
      expect.objectContaining({ connections: 4, userProperties: ['site', 'token'] }),
      expect.objectContaining({ tls: expect.objectContaining({ rejectUnauthorized: false }) }),
    ]);
  });

  it('turns verification off only when MQTT_REJECT_UNAUTHORIZED=false is written', () => {
    expect(loadBridgeConfig(VALID).brokers[0].tls.rejectUnauthorized).toBe(true);
    const off = loadBridgeConfig({ ...VALID, MQTT_REJECT_UNAUTHORIZED: 'false' });
    expect(off.brokers[0].tls.rejectUnauthorized).toBe(false);
  });

  it('reports cloud settings that cannot work', () => {
    const cert = tempFile('c.pem', 'x');
    const file = tempFile(
      'bad-cloud.yaml',
      [
        '- id: zero',
        '  url: mqtts://a:8883',
        '  connections: 0',
        '- id: plain',
        '  url: mqtt://b:1883',
        `  caFile: ${cert}`,
        '  servername: b.example',
        '- id: half',
        '  url: mqtts://c:8883',
        `  certFile: ${cert}`,
        '- id: old',
        '  url: mqtt://d:1883',
        '  protocolVersion: 4',
        '  userProperties: { a: b }',
        '- id: nested',
        '  url: mqtt://e:1883',
        '  userProperties: { a: { b: c } }',
      ].join('\n'),
    );
    expect(problems({ ...VALID, MQTT_URL: undefined, BROKERS_FILE: file })).toEqual([
      'BROKERS_FILE brokers[0].connections: connections must be an integer from 1 to 64',
      'BROKERS_FILE brokers[4].userProperties: userProperties must map names to strings',
      'BROKERS_FILE broker "plain" url is not a TLS URL (mqtts:// or wss://), so caFile, servername would be ignored',
      'BROKERS_FILE broker "half": certFile and keyFile must be set together (client certificate and its key)',
      'BROKERS_FILE broker "old": userProperties need MQTT 5, but protocolVersion is 4',
    ]);
    expect(problems({ ...VALID, MQTT_CA_FILE: cert })).toEqual([
      'MQTT_URL is not a TLS URL (mqtts:// or wss://), so MQTT_CA_FILE would be ignored',
    ]);
  });

  it('reports a file that is not YAML or not a list', () => {
    const bad = tempFile('x.yaml', 'brokers: [unclosed');
    expect(problems({ ...VALID, BROKERS_FILE: bad })[0]).toMatch(/^BROKERS_FILE: cannot parse/);
    const empty = tempFile('y.yaml', 'brokers: []');
    expect(problems({ ...VALID, BROKERS_FILE: empty })).toEqual([
      'BROKERS_FILE: expected a non-empty list of brokers (or {brokers: [...]})',
    ]);
  });
});
