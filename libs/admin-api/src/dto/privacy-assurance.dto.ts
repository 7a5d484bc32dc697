import { DETECTOR_NAMES, type DetectorName } from '@app/privacy';
import { ApiProperty } from '@nestjs/swagger';
import { RuleInputDto } from './rule-input.dto';

/** Personal data no rule protects, found in what a broker received (OpenAPI schema only). */
export class FindingDto {
  @ApiProperty()
  broker!: string;
  @ApiProperty({ enum: DETECTOR_NAMES })
  detector!: DetectorName;
  @ApiProperty({
    example: 'placeos/zone-Org1/state/+/+/+/+/driver-Bkg/Bookings/+/current',
    description: 'The topic with its zone levels, system and module index generalised to +.',
  })
  topicFilter!: string;
  @ApiProperty({ description: 'Distinct values that carried it (a value re-sent counts once).' })
  count!: number;
  @ApiProperty({ format: 'date-time' })
  firstSeen!: string;
  @ApiProperty({ format: 'date-time' })
  lastSeen!: string;
}

/** This replica's findings (OpenAPI schema only). */
export class FindingListDto {
  @ApiProperty({ type: [FindingDto] })
  items!: FindingDto[];
  @ApiProperty()
  total!: number;
}

/** A proposed rule set (OpenAPI schema only; validated as PUT /api/v1/rules validates it). */
export class ImpactRequestDto {
  @ApiProperty({ type: [RuleInputDto], maxItems: 1000 })
  rules!: RuleInputDto[];
}

/** One topic the proposed rules would change (OpenAPI schema only). */
export class ImpactSampleDto {
  @ApiProperty({ description: 'The topic on that broker.' })
  topic!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Payload now; null when dropped.' })
  before!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Payload then; null when dropped.' })
  after!: string | null;
}

/** What saving the proposed rules would do to one broker (OpenAPI schema only). */
export class BrokerImpactDto {
  @ApiProperty()
  broker!: string;
  @ApiProperty({ description: 'Topics whose payload would change (re-published).' })
  changed!: number;
  @ApiProperty({ description: 'Topics newly dropped (their retained message cleared).' })
  dropped!: number;
  @ApiProperty()
  unchanged!: number;
  @ApiProperty({ type: [ImpactSampleDto], maxItems: 5 })
  samples!: ImpactSampleDto[];
}

/** The impact answer (OpenAPI schema only). */
export class ImpactResponseDto {
  @ApiProperty({ type: [BrokerImpactDto] })
  brokers!: BrokerImpactDto[];
}
