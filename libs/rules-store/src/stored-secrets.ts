import { randomBytes } from 'node:crypto';
import { RulesStoreError } from './rules-store-errors';
import { SUBJECT_KEY_NAME } from './subject-records';

// The secrets both stores generate on first use and keep from then on: the per-broker HMAC
// secrets and the key of subject digests.

/** Where one generated secret is kept, and what to say when the stored value is damaged. */
export interface SecretSlot {
  table: 'broker_secrets' | 'store_keys';
  /** The column naming whose secret a row holds. */
  keyColumn: 'broker_id' | 'name';
  key: string;
  damaged: string;
}

export function brokerSecretSlot(brokerId: string): SecretSlot {
  return {
    table: 'broker_secrets',
    keyColumn: 'broker_id',
    key: brokerId,
    damaged: `The stored secret of broker ${brokerId} is damaged`,
  };
}

export const SUBJECT_KEY_SLOT: SecretSlot = {
  table: 'store_keys',
  keyColumn: 'name',
  key: SUBJECT_KEY_NAME,
  damaged: 'The stored subject key is damaged',
};

/** A new secret: 32 random bytes as 64 lowercase hex digits. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Whether a secret read back from the database has the shape `newSecret` generates. */
export function isWellFormedSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && /^[0-9a-f]{64}$/.test(secret);
}

/** The secret read back from `slot`; a missing or damaged one is a RulesStoreError. */
export function checkedSecret(slot: SecretSlot, secret: unknown): string {
  if (!isWellFormedSecret(secret)) throw new RulesStoreError(slot.damaged);
  return secret;
}
