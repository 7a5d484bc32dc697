import {
  type DynamicModule,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import { BridgePipeline } from '../bridge-pipeline';
import { type PipelineOptions, pipelineParts } from './pipeline-options';
import { BRIDGE_PIPELINE } from './pipeline.tokens';
import { PrivacyInterceptor } from './privacy.interceptor';
import { PublishInterceptor } from './publish.interceptor';
import { StateEventsController } from './state-events.controller';

export interface PipelineModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  /** What the pipeline is wired to (mapper, brokers, metrics…), from other providers. */
  useFactory: (...dependencies: never[]) => PipelineOptions | Promise<PipelineOptions>;
}

/**
 * The bridge core as Nest sees it: the BridgePipeline (BRIDGE_PIPELINE), the `@EventPattern`
 * handlers the PlaceOS transport dispatches to, and the privacy and publish interceptors
 * around them.
 */
@Module({})
export class PipelineModule {
  static forRootAsync(options: PipelineModuleAsyncOptions): DynamicModule {
    return {
      module: PipelineModule,
      global: true,
      imports: options.imports ?? [],
      controllers: [StateEventsController],
      providers: [
        {
          provide: BRIDGE_PIPELINE,
          inject: options.inject ?? [],
          useFactory: async (...dependencies: never[]) =>
            new BridgePipeline(pipelineParts(await options.useFactory(...dependencies))),
        },
        PrivacyInterceptor,
        PublishInterceptor,
      ],
      exports: [BRIDGE_PIPELINE],
    };
  }
}
