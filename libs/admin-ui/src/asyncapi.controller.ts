import { type AsyncApiDocument, buildAsyncApiDocument } from '@app/asyncapi';
import { type BridgeConfig, InjectBridgeConfig } from '@app/config';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { publicBroker } from './public-broker';

/** GET /api/asyncapi.json: the topics this bridge publishes, for consumers (no auth, like /api/docs). */
@ApiExcludeController()
@Controller('api')
export class AsyncApiController {
  private readonly document: AsyncApiDocument;

  constructor(@InjectBridgeConfig() config: BridgeConfig) {
    // The configuration is fixed for the life of the process, so the document is too.
    this.document = buildAsyncApiDocument({
      hierarchy: config.placeos.hierarchy,
      timeUnit: config.payloadTimeUnit,
      instanceId: config.instanceId,
      brokers: config.brokers.map((broker) => publicBroker(broker, config.placeos.hierarchy)),
    });
  }

  @Get('asyncapi.json')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  asyncapi(): AsyncApiDocument {
    return this.document;
  }
}
