import { RULE_ACTIONS, type RuleAction } from '@app/privacy';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RuleInputDto } from './rule-input.dto';

/** A stored rule (OpenAPI schema only). */
export class RuleDto extends RuleInputDto {
  @ApiProperty({ description: 'Assigned by the server.' })
  id!: string;
  @ApiProperty({ minimum: 1, description: 'Bumped on every change; send it back in If-Match.' })
  version!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** The rules in application order (OpenAPI schema only). */
export class RuleListDto {
  @ApiProperty({ type: [RuleDto] })
  items!: RuleDto[];
  @ApiProperty()
  total!: number;
}

/** A rule that changed or dropped a previewed message (OpenAPI schema only). */
export class AppliedRuleDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: RULE_ACTIONS })
  action!: RuleAction;
}

/** What one broker would receive (OpenAPI schema only). */
export class BrokerPreviewDto {
  @ApiProperty()
  broker!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null when dropped or refused.' })
  topic!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The exact MQTT payload text.' })
  payload!: string | null;
  @ApiProperty()
  dropped!: boolean;
  @ApiPropertyOptional({ description: "Why the broker's limits would refuse the message." })
  refused?: string;
  @ApiProperty({ type: [AppliedRuleDto] })
  applied!: AppliedRuleDto[];
}

/** The preview answer (OpenAPI schema only). */
export class PreviewResponseDto {
  @ApiProperty()
  topic!: string;
  @ApiProperty({ type: [BrokerPreviewDto] })
  brokers!: BrokerPreviewDto[];
}

/** One client connection of a broker (OpenAPI schema only). */
export class ConnectionStatusDto {
  @ApiProperty({ description: 'Its MQTT client id: `<clientId>-<n>` when the broker has several.' })
  clientId!: string;
  @ApiProperty()
  connected!: boolean;
  @ApiProperty({ description: 'Topics waiting for delivery on this connection.' })
  queued!: number;
  @ApiProperty()
  inFlight!: number;
}

/** The state re-sent after the last reconnect (OpenAPI schema only). */
export class ResyncStatusDto {
  @ApiProperty({ description: 'Topics still waiting to be re-sent (after every live change).' })
  pending!: number;
  @ApiProperty({ description: 'Topics re-sent since the last (re)connect.' })
  sent!: number;
}

/** One broker connection's status, never a secret (OpenAPI schema only). */
export class BrokerStatusDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ description: 'The URL without credentials.' })
  url!: string;
  @ApiProperty()
  connected!: boolean;
  @ApiProperty({ description: 'Topics waiting for delivery.' })
  queued!: number;
  @ApiProperty({ description: 'Messages written to the broker and not yet acknowledged.' })
  inFlight!: number;
  @ApiProperty()
  published!: number;
  @ApiProperty({ description: "Messages refused by the broker's limits." })
  refused!: number;
  @ApiPropertyOptional({
    description:
      '`refused` by reason: topic_levels, topic_bytes, payload_too_large, packet_too_large, exceeds_byte_rate, outbox_full, invalid_topic, broker_refused, closed.',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  refusedByReason?: Record<string, number>;
  @ApiProperty()
  reconnects!: number;
  @ApiPropertyOptional({ format: 'date-time' })
  connectedSince?: string;
  @ApiPropertyOptional()
  lastError?: string;
  @ApiPropertyOptional({ enum: [4, 5] })
  protocolVersion?: 4 | 5;
  @ApiPropertyOptional({ type: ResyncStatusDto })
  resync?: ResyncStatusDto;
  @ApiPropertyOptional({
    type: [ConnectionStatusDto],
    description: 'Each client connection (`connections` in BROKERS_FILE, default 1).',
  })
  connections?: ConnectionStatusDto[];
}

/** The broker list (OpenAPI schema only). */
export class BrokerListDto {
  @ApiProperty({ type: [BrokerStatusDto] })
  items!: BrokerStatusDto[];
}
