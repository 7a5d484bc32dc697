import {
  type DynamicModule,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import type { PlaceOsClientOptions } from './placeos-client-options';
import { PlaceOsClient } from './placeos-client';

/** How PlaceOsClientModule gets its options: from other providers, like `@nestjs/*` modules. */
export interface PlaceOsClientModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...dependencies: never[]) => PlaceOsClientOptions;
}

/**
 * The PlaceOS API client as a provider (inject `PlaceOsClient`); the host hands it to the
 * PlaceOsTransport, which starts and stops it with the microservice.
 */
@Module({})
export class PlaceOsClientModule {
  static forRoot(options: PlaceOsClientOptions): DynamicModule {
    return PlaceOsClientModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: PlaceOsClientModuleAsyncOptions): DynamicModule {
    return {
      module: PlaceOsClientModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PlaceOsClient,
          inject: options.inject ?? [],
          useFactory: (...dependencies: never[]) =>
            new PlaceOsClient(options.useFactory(...dependencies)),
        },
      ],
      exports: [PlaceOsClient],
    };
  }
}
