import { BridgeMetrics } from '@app/observability';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, map, type Observable, of } from 'rxjs';
import type { BridgePipeline, DeliveryBatch } from '../bridge-pipeline';
import { BRIDGE_PIPELINE } from './pipeline.tokens';

/**
 * The outermost step: hands the filtered deliveries to the broker connections (which never
 * block), times the whole event, and turns a failure into a logged, counted event so one bad
 * event never stops the stream.
 */
@Injectable()
export class PublishInterceptor implements NestInterceptor<DeliveryBatch, number> {
  constructor(
    @Inject(BRIDGE_PIPELINE) private readonly pipeline: BridgePipeline,
    private readonly metrics: BridgeMetrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler<DeliveryBatch>): Observable<number> {
    const started = process.hrtime.bigint();
    const pattern = context.getHandler().name;
    return next.handle().pipe(
      map((batch) => {
        this.pipeline.deliver(batch);
        this.metrics.latency.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return batch.deliveries.length;
      }),
      catchError((error: unknown) => {
        this.metrics.handlerErrors.inc({ pattern });
        this.pipeline.reportEventError(pattern, error);
        return of(0);
      }),
    );
  }
}
