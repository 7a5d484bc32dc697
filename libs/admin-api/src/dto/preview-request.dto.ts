import type { JsonValue } from '@app/json';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsString, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, IsPresent, IsTopicName } from '../rule-validators';
import { RuleInputDto } from './rule-input.dto';

/** A dry run: what each broker would receive for `value` published at canonical `topic`. */
export class PreviewRequestDto {
  @ApiProperty({
    example: 'placeos/org/building/level/area/sys-1/Bookings/1/bookings',
    description: 'Canonical topic name (no wildcards).',
  })
  @IsString()
  @IsTopicName()
  topic!: string;

  @ApiProperty({
    description: 'Any JSON value (null included).',
    example: { host: { email: 'ada@example.com' } },
  })
  @IsPresent()
  value!: JsonValue;

  @ApiPropertyOptional({
    type: [RuleInputDto],
    maxItems: 100,
    description: 'Unsaved rules to try instead of the saved, enabled ones.',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RuleInputDto)
  rules?: RuleInputDto[];
}
