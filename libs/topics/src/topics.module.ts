import { type DynamicModule, Module } from '@nestjs/common';
import { TopicMapper } from './topic-mapper';

export interface TopicsModuleOptions {
  /** The zone tags that make the topic levels, the org tag first. */
  hierarchy?: readonly string[];
}

/**
 * The topic mapper as a Nest provider (`TopicMapper`): the pipeline maps with it, and its
 * per-topology caches are shared by everything that maps.
 */
@Module({})
export class TopicsModule {
  static forRoot(options: TopicsModuleOptions): DynamicModule {
    return {
      module: TopicsModule,
      global: true,
      providers: [{ provide: TopicMapper, useValue: new TopicMapper(options) }],
      exports: [TopicMapper],
    };
  }
}
