import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { isWellFormedSecret } from './rule-content';
import { RulesStoreError, SubjectExistsError, SubjectNotFoundError } from './rules-store-errors';
import {
  checkSubjectInput,
  SUBJECT_KEY_NAME,
  type StoredSubject,
  type SubjectInput,
  type SubjectRow,
  subjectFromRow,
} from './subject-records';

// The data-subject queries of PostgresRulesStore; writes run inside its locked transaction.

type Queryable = Pick<PoolClient, 'query'>;

export async function readSubjects(q: Queryable): Promise<StoredSubject[]> {
  const result = await q.query<SubjectRow>(
    'SELECT id, digest, action, replacement, created_at FROM subjects ORDER BY created_at, id',
  );
  return result.rows.map(subjectFromRow);
}

/** Inserts a subject; the caller holds the revision lock, so the existence check cannot race. */
export async function insertSubject(
  tx: Queryable,
  id: string,
  input: SubjectInput,
  now: string,
): Promise<StoredSubject> {
  checkSubjectInput(input);
  const existing = await tx.query<{ id: string }>('SELECT id FROM subjects WHERE digest = $1', [
    input.digest,
  ]);
  if (existing.rows[0]) throw new SubjectExistsError(existing.rows[0].id);
  const subject: StoredSubject = { id, digest: input.digest, action: input.action, createdAt: now };
  if (input.replacement !== undefined) subject.replacement = input.replacement;
  await tx.query(
    'INSERT INTO subjects (id, digest, action, replacement, created_at) VALUES ($1, $2, $3, $4, $5)',
    [subject.id, subject.digest, subject.action, subject.replacement ?? null, subject.createdAt],
  );
  return subject;
}

export async function removeSubject(tx: Queryable, id: string): Promise<void> {
  const result = await tx.query('DELETE FROM subjects WHERE id = $1', [id]);
  if (result.rowCount === 0) throw new SubjectNotFoundError(id);
}

/** As for broker secrets: the first replica to ask creates the key, and every replica reads it. */
export async function storedSubjectKey(q: Queryable): Promise<string> {
  await q.query(
    'INSERT INTO store_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [SUBJECT_KEY_NAME, randomBytes(32).toString('hex')],
  );
  const result = await q.query<{ secret: string }>(
    'SELECT secret FROM store_keys WHERE name = $1',
    [SUBJECT_KEY_NAME],
  );
  const secret = result.rows[0]?.secret;
  if (!isWellFormedSecret(secret)) throw new RulesStoreError('The stored subject key is damaged');
  return secret;
}
