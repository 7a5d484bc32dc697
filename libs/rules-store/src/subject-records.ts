import { RULE_LIMITS, SUBJECT_ACTIONS, type SubjectAction } from '@app/privacy';
import { RulesStoreError } from './rules-store-errors';

/** A registered data subject as stored: the keyed digest of the subject, never its text. */
export interface StoredSubject {
  id: string;
  /** HMAC-SHA256 (lowercase hex) of the normalised subject, keyed with `subjectKey()`. */
  digest: string;
  action: SubjectAction;
  replacement?: string;
  /** ISO-8601 */
  createdAt: string;
}

/** What a caller registers: the digest (computed before the store ever sees anything). */
export type SubjectInput = Pick<StoredSubject, 'digest' | 'action' | 'replacement'>;

/** A stored subject as both backends keep it. */
export interface SubjectRow {
  id: string;
  digest: string;
  action: string;
  replacement: string | null;
  created_at: string;
}

/** The name the subject key is stored under. */
export const SUBJECT_KEY_NAME = 'subjects';

const DIGEST = /^[0-9a-f]{64}$/;

function isSubjectAction(action: unknown): action is SubjectAction {
  return (SUBJECT_ACTIONS as readonly unknown[]).includes(action);
}

/**
 * Refuses anything but a digest, so no caller mistake can put a subject's text in the database;
 * the message never quotes what it refused.
 */
export function checkSubjectInput(input: SubjectInput): void {
  if (typeof input?.digest !== 'string' || !DIGEST.test(input.digest))
    throw new RulesStoreError('A subject is stored only as a 64-hex-digit keyed digest');
  if (!isSubjectAction(input.action))
    throw new RulesStoreError(`A subject action must be one of ${SUBJECT_ACTIONS.join(', ')}`);
  if (
    input.replacement !== undefined &&
    (typeof input.replacement !== 'string' ||
      input.replacement.length > RULE_LIMITS.replacementLength)
  )
    throw new RulesStoreError(
      `A subject replacement must be a string of at most ${RULE_LIMITS.replacementLength} characters`,
    );
}

/** The record of a newly registered subject (`input` already checked by checkSubjectInput). */
export function newSubject(id: string, input: SubjectInput, now: string): StoredSubject {
  const subject: StoredSubject = { id, digest: input.digest, action: input.action, createdAt: now };
  if (input.replacement !== undefined) subject.replacement = input.replacement;
  return subject;
}

/** A stored row as a StoredSubject; a damaged row is a RulesStoreError. */
export function subjectFromRow(row: SubjectRow): StoredSubject {
  if (!DIGEST.test(row.digest) || !isSubjectAction(row.action))
    throw new RulesStoreError(`The stored subject ${row.id} is damaged`);
  const subject: StoredSubject = {
    id: row.id,
    digest: row.digest,
    action: row.action,
    createdAt: row.created_at,
  };
  if (row.replacement !== null) subject.replacement = row.replacement;
  return subject;
}
