import {
  PLACEOS_STATE_EVENT,
  PLACEOS_TOPOLOGY_EVENT,
  type StateChange,
  type TopologyUpdate,
} from '@app/placeos-client';
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { BridgePipeline, OutgoingBatch } from '../bridge-pipeline';
import { BRIDGE_PIPELINE } from './pipeline.tokens';
import { PrivacyInterceptor } from './privacy.interceptor';
import { PublishInterceptor } from './publish.interceptor';

/**
 * The event handlers the PlaceOS transport dispatches to. Each returns the messages its event
 * implies; the interceptors (outermost first) filter them per broker and publish them.
 */
@Controller()
@UseInterceptors(PublishInterceptor, PrivacyInterceptor)
export class StateEventsController {
  constructor(@Inject(BRIDGE_PIPELINE) private readonly pipeline: BridgePipeline) {}

  /** A batch of state changes: whatever the coalescing queue held, up to the transport's bound. */
  @EventPattern(PLACEOS_STATE_EVENT)
  onState(@Payload() changes: StateChange[]): OutgoingBatch {
    return this.pipeline.onStateChanges(changes);
  }

  @EventPattern(PLACEOS_TOPOLOGY_EVENT)
  onTopology(@Payload() update: TopologyUpdate): OutgoingBatch {
    return this.pipeline.onTopologyUpdate(update);
  }
}
