import { Module } from '@nestjs/common';
import { AdminPageController } from './admin-page.controller';
import { AsyncApiController } from './asyncapi.controller';

/**
 * The operator's pages and documents: the rules page at /admin/ and the AsyncAPI document at
 * /api/asyncapi.json. Needs the global BridgeConfigModule (@app/config).
 */
@Module({ controllers: [AdminPageController, AsyncApiController] })
export class AdminUiModule {}
