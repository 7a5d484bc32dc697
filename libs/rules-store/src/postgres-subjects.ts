import type { Queryable } from './postgres-pool';
import { SubjectExistsError, SubjectNotFoundError } from './rules-store-errors';
import {
  checkSubjectInput,
  newSubject,
  type StoredSubject,
  type SubjectInput,
  type SubjectRow,
  subjectFromRow,
} from './subject-records';

// The data-subject queries of PostgresRulesStore; writes run inside its locked transaction.

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
  const subject = newSubject(id, input, now);
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
