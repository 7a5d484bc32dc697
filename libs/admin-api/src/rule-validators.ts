import { isValidTopicFilter } from '@app/privacy';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

/** Broker ids as BROKERS_FILE allows them. */
export const BROKER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** What a rule name may contain. */
export const RULE_NAME_PATTERN = /^[A-Za-z0-9._ -]+$/;
/** Longest canonical topic (filter or name) the API accepts, in characters. */
export const MAX_TOPIC_LENGTH = 1024;

/**
 * Validates the property only when it is present: absent is fine, but `null` is not a value of
 * any rule field and fails the other validators (unlike `@IsOptional`, which lets null through).
 */
export const IsOptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

function define(
  name: string,
  test: (value: unknown, object: Record<string, unknown>) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property ${message}`, ...options },
      validator: {
        validate: (value: unknown, args) => test(value, args?.object as Record<string, unknown>),
      },
    });
  };
}

/** An MQTT topic filter (`+` and `#` wildcards in their own levels, `#` last). */
export const IsTopicFilter = (): PropertyDecorator =>
  define(
    'isTopicFilter',
    (value) =>
      typeof value === 'string' && value.length <= MAX_TOPIC_LENGTH && isValidTopicFilter(value),
    `must be a valid MQTT topic filter of at most ${MAX_TOPIC_LENGTH} characters`,
  );

/** An MQTT topic name: non-empty, no wildcards, no NUL. */
export const IsTopicName = (): PropertyDecorator =>
  define(
    'isTopicName',
    (value) =>
      typeof value === 'string' &&
      value.length > 0 &&
      value.length <= MAX_TOPIC_LENGTH &&
      !value.includes('+') &&
      !value.includes('#') &&
      !value.includes('\u0000'),
    `must be an MQTT topic name (no wildcards) of 1 to ${MAX_TOPIC_LENGTH} characters`,
  );

/** `["*"]` alone, or up to 64 broker ids. */
export const IsBrokerList = (): PropertyDecorator =>
  define(
    'isBrokerList',
    (value) =>
      Array.isArray(value) &&
      value.length >= 1 &&
      value.length <= 64 &&
      ((value.length === 1 && value[0] === '*') ||
        value.every((id) => typeof id === 'string' && BROKER_ID_PATTERN.test(id))) &&
      new Set(value).size === value.length,
    'must be ["*"] or a list of 1 to 64 distinct broker ids matching [A-Za-z0-9_-]{1,64}',
  );

/** Exactly one Unicode code point. */
export const IsSingleCodePoint = (): PropertyDecorator =>
  define(
    'isSingleCodePoint',
    (value) => typeof value === 'string' && [...value].length === 1,
    'must be exactly one character',
  );

/** Regular expression flags: a subset of "imsu", each at most once. */
export const IsRegexFlags = (): PropertyDecorator =>
  define(
    'isRegexFlags',
    (value) =>
      typeof value === 'string' && /^[imsu]*$/.test(value) && new Set(value).size === value.length,
    'must be a subset of "imsu" with no repeated flag',
  );

/** Fails when `other` is also present: the two properties exclude each other. */
export const ExcludesProperty = (other: string): PropertyDecorator =>
  define(
    'excludesProperty',
    (_value, object) => object[other] === undefined,
    `cannot be combined with ${other}`,
  );

/** Fails when `other` is absent: this property only makes sense alongside it. */
export const RequiresProperty = (other: string): PropertyDecorator =>
  define(
    'requiresProperty',
    (_value, object) => object[other] !== undefined,
    `is only allowed together with ${other}`,
  );

/** Present in the body (any JSON value, `null` included). */
export const IsPresent = (): PropertyDecorator =>
  define(
    'isPresent',
    (value) => value !== undefined,
    'is required (any JSON value, null included)',
  );
