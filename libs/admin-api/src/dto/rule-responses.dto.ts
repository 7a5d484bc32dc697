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
  @ApiProperty()
  reconnects!: number;
  @ApiPropertyOptional({ format: 'date-time' })
  connectedSince?: string;
  @ApiPropertyOptional()
  lastError?: string;
  @ApiPropertyOptional({ enum: [4, 5] })
  protocolVersion?: 4 | 5;
}

/** The broker list (OpenAPI schema only). */
export class BrokerListDto {
  @ApiProperty({ type: [BrokerStatusDto] })
  items!: BrokerStatusDto[];
}
