import { RULE_ACTIONS, type RuleAction } from '@app/privacy';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  IsBrokerList,
  IsOptionalNotNull,
  IsTopicFilter,
  MAX_TOPIC_LENGTH,
  RULE_NAME_PATTERN,
} from '../rule-validators';
import { RuleMaskDto } from './rule-mask.dto';
import { RuleMatchDto } from './rule-match.dto';

/** A privacy rule as a client creates or replaces it (admin-api.md "Rule resource"). */
export class RuleInputDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9._ -]+$',
    example: 'hash-booking-emails',
  })
  @IsString()
  @Length(1, 100)
  @Matches(RULE_NAME_PATTERN, {
    message: '$property may contain only letters, digits, ".", "_", "-" and spaces',
  })
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: 100,
    minimum: -1_000_000,
    maximum: 1_000_000,
    description: 'Lower runs first; ties: older first.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({
    default: '#',
    maxLength: MAX_TOPIC_LENGTH,
    example: 'placeos/+/state/#',
    description: 'MQTT topic filter over the canonical topic.',
  })
  @IsOptionalNotNull()
  @IsString()
  @IsTopicFilter()
  topic?: string;

  @ApiPropertyOptional({
    type: [String],
    default: ['*'],
    maxItems: 64,
    description: 'Broker ids, or ["*"] for all.',
  })
  @IsOptionalNotNull()
  @IsBrokerList()
  brokers?: string[];

  @ApiPropertyOptional({
    type: RuleMatchDto,
    description: 'Omitted: the whole value selected by topic and keys.',
  })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => RuleMatchDto)
  match?: RuleMatchDto;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 32,
    example: ['host.email', 'attendees[*].email'],
    description: 'Key paths inside the value; omitted: every string leaf.',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Length(1, 256, { each: true })
  keys?: string[];

  @ApiProperty({ enum: RULE_ACTIONS })
  @IsIn(RULE_ACTIONS)
  action!: RuleAction;

  @ApiPropertyOptional({ type: RuleMaskDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => RuleMaskDto)
  mask?: RuleMaskDto;

  @ApiPropertyOptional({ maxLength: 1000, default: '[redacted]' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  replacement?: string;
}
