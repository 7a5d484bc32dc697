import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull, IsSingleCodePoint } from '../rule-validators';

/** How the `mask` action hides a value; every field has a default. */
export class RuleMaskDto {
  @ApiPropertyOptional({ example: '*', description: 'The masking character (one character).' })
  @IsOptionalNotNull()
  @IsSingleCodePoint()
  char?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 64, description: 'Characters kept at the start.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(64)
  keepStart?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 64, description: 'Characters kept at the end.' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(64)
  keepEnd?: number;

  @ApiPropertyOptional({ description: 'For emails: mask only the local part, keep @domain.' })
  @IsOptionalNotNull()
  @IsBoolean()
  keepDomain?: boolean;
}
