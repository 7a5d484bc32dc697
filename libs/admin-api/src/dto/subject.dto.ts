import { SUBJECT_ACTIONS, SUBJECT_MAX_LENGTH, type SubjectAction } from '@app/privacy';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../rule-validators';

/** A data subject to keep out of every broker (opt-out, erasure). */
export class SubjectInputDto {
  @ApiProperty({
    minLength: 1,
    maxLength: SUBJECT_MAX_LENGTH,
    example: 'alice@example.com',
    description:
      'Text to find in string values: a whole value equal to it, or a detector match (e-mail, ' +
      'phone, UUID, IPv4, PlaceOS user id) equal to it. Trimmed; an e-mail address is compared ' +
      'case-insensitively, anything else exactly. Stored only as a keyed hash, never returned.',
  })
  @IsString()
  @Length(1, SUBJECT_MAX_LENGTH)
  @Matches(/\S/, { message: '$property must not be blank' })
  subject!: string;

  @ApiProperty({
    enum: SUBJECT_ACTIONS,
    description:
      'replace: with `replacement`; hash: HMAC-SHA256 with the broker secret, as the hash rule ' +
      'action; drop: the message does not reach the broker and its retained topic is cleared.',
  })
  @IsIn(SUBJECT_ACTIONS)
  action!: SubjectAction;

  @ApiPropertyOptional({
    maxLength: 1000,
    default: '[redacted]',
    description: 'Only with action replace; must not contain the subject.',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(1000)
  replacement?: string;
}

/** A registered data subject as the API shows it (OpenAPI schema only): never the subject. */
export class SubjectDto {
  @ApiProperty({ description: 'Assigned by the server.' })
  id!: string;
  @ApiProperty({
    description: 'The first 12 hex digits of the keyed hash the subject is stored as.',
    example: '3f9a1c0b7d2e',
  })
  fingerprint!: string;
  @ApiProperty({ enum: SUBJECT_ACTIONS })
  action!: SubjectAction;
  @ApiPropertyOptional({ description: 'For action replace.' })
  replacement?: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** The registered subjects, oldest first (OpenAPI schema only). */
export class SubjectListDto {
  @ApiProperty({ type: [SubjectDto] })
  items!: SubjectDto[];
  @ApiProperty()
  total!: number;
}
