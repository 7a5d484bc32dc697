import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { BridgeConfig } from './bridge-config';

export const BRIDGE_CONFIG = Symbol('BRIDGE_CONFIG');

/** Injects the validated BridgeConfig: `constructor(@InjectBridgeConfig() config: BridgeConfig)`. */
export const InjectBridgeConfig = (): ParameterDecorator => Inject(BRIDGE_CONFIG);

/**
 * Makes the already-validated configuration available everywhere. Validation happens before
 * Nest boots (main.ts), so a bad environment is reported once, cleanly, without a stack trace.
 * `ConfigService` is registered too, over the same values, for code that expects it.
 */
@Global()
@Module({})
export class BridgeConfigModule {
  static forRoot(config: BridgeConfig): DynamicModule {
    return {
      module: BridgeConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [() => ({ bridge: config })],
        }),
      ],
      providers: [{ provide: BRIDGE_CONFIG, useValue: config }],
      exports: [BRIDGE_CONFIG, ConfigModule],
    };
  }
}
