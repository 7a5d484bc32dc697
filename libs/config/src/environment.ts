import 'reflect-metadata';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { toBoolean, toInteger, toList, toTrimmed } from './conversions';
import { IsReadableFile } from './readable-file.validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const BROKER_PROFILES = [
  'generic',
  'aws-iot-core',
  'azure-event-grid',
  'hivemq-cloud',
  'emqx-cloud',
] as const;
export const PROTOCOL_VERSIONS = ['auto', '5', '4'] as const;

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const MQTT_URL = /^(mqtts?|wss?):\/\/[^\s/]+/;
/** Zone tags are PlaceOS tag strings; they become placeholders in topic templates. */
const TAG = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Every environment variable the bridge reads (admin-api.md), as class-validator rules.
 * Messages for secrets never repeat the value.
 */
export class Environment {
  @Transform(toTrimmed)
  @IsDefined({
    message: 'PLACEOS_URL is required (the base URL of PlaceOS, e.g. https://placeos.example.com)',
  })
  @IsUrl(URL_OPTIONS, { message: 'PLACEOS_URL must be an http(s) URL (got "$value")' })
  PLACEOS_URL!: string;

  @Transform(toTrimmed)
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'PLACEOS_API_KEY is too short to be a PlaceOS API key' })
  PLACEOS_API_KEY?: string;

  @Transform(toTrimmed) @IsOptional() @IsString() PLACEOS_USERNAME?: string;
  @IsOptional() @IsString() PLACEOS_PASSWORD?: string;
  @Transform(toTrimmed) @IsOptional() @IsString() PLACEOS_CLIENT_ID?: string;
  @IsOptional() @IsString() PLACEOS_CLIENT_SECRET?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, {
    message: 'PLACEOS_HOST_HEADER must be a host name, optionally with a port (got "$value")',
  })
  PLACEOS_HOST_HEADER?: string;

  @Transform(toList)
  @IsOptional()
  @Matches(TAG, {
    each: true,
    message: 'PLACEOS_HIERARCHY tags must be letters, digits, _ or - (got "$value")',
  })
  PLACEOS_HIERARCHY?: string[];

  @Transform(toList)
  @IsOptional()
  @Matches(/^[0-9A-Za-z_~-]+$/, {
    each: true,
    message: 'PLACEOS_ZONES must be zone ids (got "$value")',
  })
  PLACEOS_ZONES?: string[];

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'PLACEOS_TOPOLOGY_POLL_MS must be an integer (got "$value")' })
  @Min(1000, { message: 'PLACEOS_TOPOLOGY_POLL_MS must be at least 1000' })
  PLACEOS_TOPOLOGY_POLL_MS?: number;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'PLACEOS_KEY_POLL_MS must be an integer (got "$value")' })
  @Min(1000, { message: 'PLACEOS_KEY_POLL_MS must be at least 1000' })
  PLACEOS_KEY_POLL_MS?: number;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'PLACEOS_REQUEST_TIMEOUT_MS must be an integer (got "$value")' })
  @Min(100, { message: 'PLACEOS_REQUEST_TIMEOUT_MS must be at least 100' })
  PLACEOS_REQUEST_TIMEOUT_MS?: number;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'PLACEOS_MAX_BINDINGS_PER_SOCKET must be an integer (got "$value")' })
  @Min(1, { message: 'PLACEOS_MAX_BINDINGS_PER_SOCKET must be at least 1' })
  PLACEOS_MAX_BINDINGS_PER_SOCKET?: number;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'PLACEOS_BINDS_IN_FLIGHT must be an integer (got "$value")' })
  @Min(1, { message: 'PLACEOS_BINDS_IN_FLIGHT must be at least 1' })
  @Max(10_000, { message: 'PLACEOS_BINDS_IN_FLIGHT must be at most 10000' })
  PLACEOS_BINDS_IN_FLIGHT?: number;

  // The message never repeats the value: the URL may carry Redis' password.
  @Transform(toTrimmed)
  @IsOptional()
  @Matches(/^(rediss?|redis-sentinel):\/\/\S+$/, {
    message: 'PLACEOS_REDIS_URL must be a redis://, rediss:// or redis-sentinel:// URL',
  })
  PLACEOS_REDIS_URL?: string;

  @Transform(toTrimmed)
  @ValidateIf((env: Environment) => env.BROKERS_FILE === undefined || env.MQTT_URL !== undefined)
  @IsDefined({
    message: 'MQTT_URL is required unless BROKERS_FILE is set (e.g. mqtt://localhost:1883)',
  })
  @Matches(MQTT_URL, { message: 'MQTT_URL must be an mqtt://, mqtts://, ws:// or wss:// URL' })
  MQTT_URL?: string;

  @Transform(toTrimmed) @IsOptional() @IsString() MQTT_USERNAME?: string;
  @IsOptional() @IsString() MQTT_PASSWORD?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @MaxLength(128, { message: 'MQTT_CLIENT_ID must be at most 128 characters' })
  MQTT_CLIENT_ID?: string;

  @Transform(toInteger)
  @IsOptional()
  @IsIn([0, 1, 2], { message: 'MQTT_QOS must be 0, 1 or 2 (got "$value")' })
  MQTT_QOS?: number;

  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean({ message: 'MQTT_RETAIN must be true or false (got "$value")' })
  MQTT_RETAIN?: boolean;

  @Transform(toTrimmed) @IsOptional() @IsReadableFile() MQTT_CA_FILE?: string;
  @Transform(toTrimmed) @IsOptional() @IsReadableFile() MQTT_CERT_FILE?: string;
  @Transform(toTrimmed) @IsOptional() @IsReadableFile() MQTT_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, {
    message: 'MQTT_SECRET must be at least 16 characters (it keys the HMAC of hashed values)',
  })
  MQTT_SECRET?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @IsIn(PROTOCOL_VERSIONS, { message: 'MQTT_PROTOCOL_VERSION must be auto, 5 or 4 (got "$value")' })
  MQTT_PROTOCOL_VERSION?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @IsIn(BROKER_PROFILES, {
    message: `MQTT_PROFILE must be one of ${BROKER_PROFILES.join(', ')} (got "$value")`,
  })
  MQTT_PROFILE?: string;

  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean({ message: 'MQTT_REJECT_UNAUTHORIZED must be true or false (got "$value")' })
  MQTT_REJECT_UNAUTHORIZED?: boolean;

  @Transform(toTrimmed) @IsOptional() @IsString() MQTT_TOPIC_PREFIX?: string;
  @Transform(toTrimmed) @IsOptional() @IsString() MQTT_TOPIC_TEMPLATE?: string;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'MQTT_MAX_MESSAGES_PER_SECOND must be an integer (got "$value")' })
  @Min(1, { message: 'MQTT_MAX_MESSAGES_PER_SECOND must be at least 1' })
  MQTT_MAX_MESSAGES_PER_SECOND?: number;

  @Transform(toTrimmed) @IsOptional() @IsReadableFile() BROKERS_FILE?: string;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'HTTP_PORT must be an integer (got "$value")' })
  @Min(0, { message: 'HTTP_PORT must be between 0 and 65535' })
  @Max(65535, { message: 'HTTP_PORT must be between 0 and 65535' })
  HTTP_PORT?: number;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'ADMIN_RATE_LIMIT must be an integer (got "$value")' })
  @Min(0, { message: 'ADMIN_RATE_LIMIT must be 0 (off) or more' })
  ADMIN_RATE_LIMIT?: number;

  @Transform(toTrimmed)
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'RULES_DB must be sqlite:<path> or postgres://... (got a value of another form)',
  })
  RULES_DB?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @IsIn(['ms', 's'], { message: 'PAYLOAD_TIME_UNIT must be ms or s (got "$value")' })
  PAYLOAD_TIME_UNIT?: 'ms' | 's';

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'SHARD_INDEX must be an integer (got "$value")' })
  @Min(0, { message: 'SHARD_INDEX must be 0 or more' })
  SHARD_INDEX?: number;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'SHARD_COUNT must be an integer (got "$value")' })
  @Min(1, { message: 'SHARD_COUNT must be 1 or more' })
  @Max(1024, { message: 'SHARD_COUNT must be at most 1024' })
  SHARD_COUNT?: number;

  @Transform(toTrimmed)
  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "$value")` })
  LOG_LEVEL?: string;

  @Transform(toTrimmed)
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,63}$/, {
    message: 'INSTANCE_ID must be 1-63 letters, digits, . _ or - (got "$value")',
  })
  INSTANCE_ID?: string;

  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer (got "$value")' })
  @Min(0, { message: 'SHUTDOWN_TIMEOUT_MS must be 0 or more' })
  SHUTDOWN_TIMEOUT_MS?: number;
}
