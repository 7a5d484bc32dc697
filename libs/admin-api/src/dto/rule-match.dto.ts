import { DETECTOR_NAMES, type DetectorName } from '@app/privacy';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, ValidateIf } from 'class-validator';
import {
  ExcludesProperty,
  IsOptionalNotNull,
  IsRegexFlags,
  RequiresProperty,
} from '../rule-validators';

/** `{detector}` or `{regex, flags?}`: exactly one way of selecting content. */
export class RuleMatchDto {
  @ApiPropertyOptional({
    enum: DETECTOR_NAMES,
    description: 'A built-in detector. Give either detector or regex, not both.',
  })
  // Required unless a regex is given, so `{}` reports what is missing.
  @ValidateIf((match: RuleMatchDto) => match.regex === undefined || match.detector !== undefined)
  @IsIn(DETECTOR_NAMES)
  detector?: DetectorName;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 1000,
    description: 'An RE2 (linear-time) regular expression: no backreferences or lookaround.',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 1000)
  @ExcludesProperty('detector')
  regex?: string;

  @ApiPropertyOptional({ pattern: '^[imsu]*$', description: 'Regex flags, a subset of "imsu".' })
  @IsOptionalNotNull()
  @IsString()
  @IsRegexFlags()
  @RequiresProperty('regex')
  flags?: string;
}
