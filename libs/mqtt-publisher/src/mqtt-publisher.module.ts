import type { BrokerConfig } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BacklogPacer } from './backlog-pacer';
import { BrokerConnection } from './broker-connection';

/** Injection token of the broker connections by broker id (`Map<string, BrokerConnection>`). */
export const BROKER_CONNECTIONS = Symbol('BROKER_CONNECTIONS');

export interface MqttPublisherModuleOptions {
  brokers: readonly BrokerConfig[];
  /** Names this replica (status topic). */
  instanceId: string;
  logger: Logger;
  /** The connection a topic travels on when a broker has several (the bridge's stable hash). */
  shardOf: (topic: string, count: number) => number;
}

/**
 * One BrokerConnection (a Nest ClientMqtt per client connection) for every configured broker,
 * as BROKER_CONNECTIONS, and the BacklogPacer that lets the first sync go at the brokers' pace.
 * The host starts the connections (after the rules are in effect) and closes them on shutdown.
 */
@Module({})
export class MqttPublisherModule {
  static forRoot(options: MqttPublisherModuleOptions): DynamicModule {
    return {
      module: MqttPublisherModule,
      global: true,
      providers: [
        {
          provide: BROKER_CONNECTIONS,
          useFactory: (): Map<string, BrokerConnection> =>
            new Map(
              options.brokers.map((broker) => [
                broker.id,
                new BrokerConnection(broker, {
                  instanceId: options.instanceId,
                  logger: options.logger,
                  shardOf: options.shardOf,
                }),
              ]),
            ),
        },
        {
          provide: BacklogPacer,
          inject: [BROKER_CONNECTIONS],
          useFactory: (connections: Map<string, BrokerConnection>) =>
            new BacklogPacer([...connections.values()]),
        },
      ],
      exports: [BROKER_CONNECTIONS, BacklogPacer],
    };
  }
}
