import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import type { BridgePipeline, DeliveryBatch, OutgoingBatch } from '../bridge-pipeline';
import { BRIDGE_PIPELINE } from './pipeline.tokens';

/**
 * The privacy filter chain around each event handler: turns the handler's messages into one
 * filtered delivery per broker (hash, mask, replace or drop), delegating the rule logic to
 * @app/privacy through the pipeline's planner.
 */
@Injectable()
export class PrivacyInterceptor implements NestInterceptor<OutgoingBatch, DeliveryBatch> {
  constructor(@Inject(BRIDGE_PIPELINE) private readonly pipeline: BridgePipeline) {}

  intercept(
    _context: ExecutionContext,
    next: CallHandler<OutgoingBatch>,
  ): Observable<DeliveryBatch> {
    return next.handle().pipe(map((batch) => this.pipeline.plan(batch)));
  }
}
