import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '@app/json';
import { analyseImpact, DeliveryPlanner, LeakFindings, type OutgoingMessage } from '@app/pipeline';
import { type PrivacyRule, RuleSet } from '@app/privacy';
import { SqliteRulesStore } from '@app/rules-store';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AdminApiOptions } from './admin-api-options';
import { setupAdminApiDocs, useAdminApiBodyParser } from './admin-api-http';
import { AdminApiModule } from './admin-api.module';
import { BRIDGE_VIEW, RULES_STORE } from './admin-api.tokens';
import type { BridgeView, BrokerImpact, BrokerPreview, LeakFinding } from './bridge-view';
import type { BrokerStatus } from '@app/mqtt-publisher';

/** The fake brokers of the e2e tests and their HMAC secrets. */
export const TEST_BROKER_SECRETS: Readonly<Record<string, string>> = {
  alpha: 'a1'.repeat(32),
  beta: 'b2'.repeat(32),
};

/** The payload time the test view encodes, so payloads are predictable. */
export const TEST_PAYLOAD_TIME = 1_700_000_000_000;

/** The current state the test view's impact is computed over. */
export const TEST_CURRENT_STATE: readonly OutgoingMessage[] = [
  ...[1, 2, 3].map((n): OutgoingMessage => ({
    kind: 'state',
    topic: `placeos/org/state/sys-${n}/drv/Bookings/1/current`,
    json: JSON.stringify({ host: `host${n}@example.com`, title: 'Sync' }),
    time: TEST_PAYLOAD_TIME,
  })),
  {
    kind: 'state',
    topic: 'placeos/org/state/sys-1/drv/Display/1/power',
    json: 'true',
    time: TEST_PAYLOAD_TIME,
  },
];

/**
 * A small real BridgeView: the privacy library's RuleSet over fixed brokers, encoding payloads
 * as the bridge does (`{"time":…,"value":…}`); the pipeline's leak tally and impact analysis
 * over TEST_CURRENT_STATE. Its status objects carry a secret on purpose, so the tests prove the
 * API never passes it on.
 */
export class TestBridgeView implements BridgeView {
  /** Feed it observations to give GET /findings something to show. */
  readonly leaks = new LeakFindings({ hierarchyLength: 1 });
  private readonly planner = new DeliveryPlanner(
    Object.entries(TEST_BROKER_SECRETS).map(([id, secret]) => ({ id, secret, rewrite: {} })),
    { hierarchy: ['org'], timeUnit: 'ms' },
  );

  /** The rules "in effect" that impact compares against. */
  setCurrentRules(rules: PrivacyRule[]): void {
    this.planner.setRules(RuleSet.compile(rules));
  }

  findings(): LeakFinding[] {
    // An extra field on purpose: the API copies only the documented ones.
    return this.leaks.list().map((finding) => ({ ...finding, value: 'must-not-leak' }));
  }

  impact(rules: PrivacyRule[]): Promise<BrokerImpact[]> {
    return analyseImpact(TEST_CURRENT_STATE, this.planner, RuleSet.compile(rules));
  }

  brokers(): BrokerStatus[] {
    return Object.entries(TEST_BROKER_SECRETS).map(([id, secret], index) => {
      const status: BrokerStatus & { secret: string; password: string } = {
        id,
        url: `mqtts://bridge-user:hunter2@${id}.example.com:8883`,
        connected: index === 0,
        queued: index,
        inFlight: index * 2,
        published: 10 + index,
        refused: 0,
        reconnects: index,
        secret,
        password: 'hunter2',
      };
      if (index === 1) status.lastError = 'connect ECONNREFUSED';
      return status;
    });
  }

  preview(topic: string, value: JsonValue, rules: PrivacyRule[]): Promise<BrokerPreview[]> {
    const ruleSet = RuleSet.compile(rules);
    return Promise.resolve(
      Object.entries(TEST_BROKER_SECRETS).map(([id, secret]): BrokerPreview => {
        const result = ruleSet.apply(topic, value, { id, secret });
        if (result.outcome === 'drop')
          return { broker: id, topic: null, payload: null, dropped: true, applied: result.applied };
        return {
          broker: id,
          topic,
          payload: JSON.stringify({ time: TEST_PAYLOAD_TIME, value: result.value }),
          dropped: false,
          applied: result.applied,
        };
      }),
    );
  }
}

/** A running admin API app on a temp-file SQLite store; `close()` removes everything. */
export interface TestAdminApp {
  app: NestExpressApplication;
  store: SqliteRulesStore;
  /** The store's SQLite file (its -wal and -shm files are beside it). */
  databasePath: string;
  close(): Promise<void>;
}

/** Boots AdminApiModule the way the bridge does, with a real store and the test view. */
export async function createTestAdminApp(
  options: AdminApiOptions,
  view: BridgeView = new TestBridgeView(),
): Promise<TestAdminApp> {
  const dir = mkdtempSync(join(tmpdir(), 'admin-api-'));
  const databasePath = join(dir, 'rules.db');
  const store = SqliteRulesStore.open(databasePath);
  const bridgeModule = globalBridgeModule(store, view);
  const moduleRef = await Test.createTestingModule({
    imports: [bridgeModule, AdminApiModule.forRoot(options)],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  useAdminApiBodyParser(app);
  setupAdminApiDocs(app);
  await app.init();
  return {
    app,
    store,
    databasePath,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function globalBridgeModule(store: SqliteRulesStore, view: BridgeView): DynamicModule {
  @Global()
  @Module({})
  class TestBridgeModule {}
  return {
    module: TestBridgeModule,
    providers: [
      { provide: RULES_STORE, useValue: store },
      { provide: BRIDGE_VIEW, useValue: view },
    ],
    exports: [RULES_STORE, BRIDGE_VIEW],
  };
}
