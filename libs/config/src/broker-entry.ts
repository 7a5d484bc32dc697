import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { BROKER_PROFILES } from './environment';
import { IsReadableFile } from './readable-file.validator';

/** MQTT 5 user properties are UTF-8 string pairs; nested values could not be sent. */
function IsStringMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMap',
      validator: {
        validate: (value: unknown) =>
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: () => '$property must map names to strings',
      },
    },
    options,
  );
}

export class BrokerLimitsEntry {
  @IsOptional() @IsInt() @Min(1) maxMessagesPerSecond?: number;
  @IsOptional() @IsInt() @Min(1) maxBytesPerSecond?: number;
  @IsOptional() @IsInt() @Min(1) @Max(65535) maxInFlight?: number;
  @IsOptional() @IsInt() @Min(1) @Max(65535) maxTopicBytes?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxTopicLevels?: number;
  @IsOptional() @IsInt() @Min(1) maxPayloadBytes?: number;
  @IsOptional() @IsIn([0, 1, 2]) maxQos?: 0 | 1 | 2;
  @IsOptional() @IsBoolean() retainSupported?: boolean;
}

/** One broker in BROKERS_FILE: the same settings as the MQTT_* variables, plus id, profile, topic and limits. */
export class BrokerEntry {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'id must be 1-64 letters, digits, _ or -' })
  id!: string;

  @Matches(/^(mqtts?|wss?):\/\/[^\s/]+/, {
    message: 'url must be an mqtt://, mqtts://, ws:// or wss:// URL',
  })
  url!: string;

  @IsOptional() @IsString() username?: string;
  @IsOptional() @IsString() password?: string;
  @IsOptional() @IsString() @MaxLength(128) clientId?: string;
  @IsOptional() @IsIn([0, 1, 2], { message: 'qos must be 0, 1 or 2' }) qos?: 0 | 1 | 2;
  @IsOptional() @IsBoolean() retain?: boolean;
  @IsOptional()
  @IsIn(['auto', 5, 4, '5', '4'], { message: 'protocolVersion must be auto, 5 or 4' })
  protocolVersion?: 'auto' | 5 | 4 | '5' | '4';
  @IsOptional() @IsReadableFile() caFile?: string;
  @IsOptional() @IsReadableFile() certFile?: string;
  @IsOptional() @IsReadableFile() keyFile?: string;
  /** Server name for SNI and certificate verification, when it differs from the URL's host. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'servername must be a host name' })
  servername?: string;
  /** False turns server certificate verification off: only ever written explicitly. */
  @IsOptional() @IsBoolean() rejectUnauthorized?: boolean;
  /** Client connections to this broker; each topic always travels on the same one. */
  @IsOptional()
  @IsInt({ message: 'connections must be an integer from 1 to 64' })
  @Min(1, { message: 'connections must be an integer from 1 to 64' })
  @Max(64, { message: 'connections must be an integer from 1 to 64' })
  connections?: number;
  /** MQTT 5 Message Expiry Interval of every state and metadata message. */
  @IsOptional() @IsInt() @Min(1) @Max(4_294_967_295) messageExpirySeconds?: number;
  /** MQTT 5 user properties sent with every message (static). */
  @IsOptional() @IsStringMap() userProperties?: Record<string, string>;
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'secret must be at least 16 characters' })
  secret?: string;
  @IsOptional()
  @IsIn(BROKER_PROFILES, { message: `profile must be one of ${BROKER_PROFILES.join(', ')}` })
  profile?: (typeof BROKER_PROFILES)[number];
  @IsOptional() @IsString() topicPrefix?: string;
  @IsOptional() @IsString() topicTemplate?: string;
  @IsOptional() @IsString() statusTopic?: string;
  @IsOptional() @IsInt() @Min(100) outboxMaxTopics?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BrokerLimitsEntry)
  limits?: BrokerLimitsEntry;
}
