import { Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApiController } from './admin-api-controller.decorator';
import { BRIDGE_VIEW } from './admin-api.tokens';
import type { BridgeView, LeakFinding } from './bridge-view';
import { FindingListDto } from './dto/privacy-assurance.dto';

/** The leak canary: personal data that reached a broker with no rule protecting it. */
@ApiTags('findings')
@AdminApiController('findings')
export class FindingsController {
  constructor(@Inject(BRIDGE_VIEW) private readonly bridge: BridgeView) {}

  @Get()
  @ApiOperation({
    summary: 'Personal data the built-in detectors found in what brokers received (never a value)',
    description:
      'Per broker, detector and generalised topic filter, most frequent first. Kept in memory ' +
      'by each replica for what it publishes.',
  })
  @ApiOkResponse({ type: FindingListDto })
  list(): { items: LeakFinding[]; total: number } {
    const items = this.bridge.findings().map((finding) => ({
      broker: finding.broker,
      detector: finding.detector,
      topicFilter: finding.topicFilter,
      count: finding.count,
      firstSeen: finding.firstSeen,
      lastSeen: finding.lastSeen,
    }));
    return { items, total: items.length };
  }
}
