import { urlWithoutCredentials } from '@app/redaction';
import { Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApiController } from './admin-api-controller.decorator';
import { BRIDGE_VIEW } from './admin-api.tokens';
import type { BridgeView } from './bridge-view';
import type { BrokerStatus } from '@app/mqtt-publisher';
import { BrokerListDto } from './dto/rule-responses.dto';

/** Status of each broker connection. */
@ApiTags('brokers')
@AdminApiController('brokers')
export class BrokersController {
  constructor(@Inject(BRIDGE_VIEW) private readonly bridge: BridgeView) {}

  @Get()
  @ApiOperation({ summary: 'Each broker: id, URL without credentials, connection and counters' })
  @ApiOkResponse({ type: BrokerListDto })
  list(): { items: BrokerStatus[] } {
    return { items: this.bridge.brokers().map(publicStatus) };
  }
}

/** Copies only the documented fields, so nothing else a status object carries can leak. */
export function publicStatus(status: BrokerStatus): BrokerStatus {
  const copy: BrokerStatus = {
    id: status.id,
    url: urlWithoutCredentials(status.url),
    connected: status.connected,
    queued: status.queued,
    inFlight: status.inFlight,
    published: status.published,
    refused: status.refused,
    reconnects: status.reconnects,
  };
  if (status.connectedSince !== undefined) copy.connectedSince = status.connectedSince;
  if (status.lastError !== undefined) copy.lastError = status.lastError;
  if (status.protocolVersion !== undefined) copy.protocolVersion = status.protocolVersion;
  if (status.refusedByReason !== undefined) copy.refusedByReason = { ...status.refusedByReason };
  if (status.resync !== undefined) {
    copy.resync = { pending: status.resync.pending, sent: status.resync.sent };
  }
  if (status.connections !== undefined) {
    copy.connections = status.connections.map(({ clientId, connected, queued, inFlight }) => ({
      clientId,
      connected,
      queued,
      inFlight,
    }));
  }
  return copy;
}
