import type { PrivacyRule, PrivacyRuleInput } from '@app/privacy';
import type { StoredSubject, SubjectInput } from './subject-records';

/**
 * Persistent privacy rules and data subjects, plus the per-broker HMAC secrets that keep hashes
 * stable across restarts and the key of subject digests. Every change is atomic and bumps
 * `revision()`, which other replicas poll.
 */
export interface RulesStore {
  /** All rules in application order: priority asc, then createdAt asc, then id asc. */
  list(): Promise<PrivacyRule[]>;
  /** One rule, or undefined when no rule has this id. */
  get(id: string): Promise<PrivacyRule | undefined>;
  /** Stores a new rule (defaults applied) with a server-assigned id and version 1. */
  create(input: PrivacyRuleInput): Promise<PrivacyRule>;
  /** Replaces a rule's content; bumps its version. */
  replace(id: string, input: PrivacyRuleInput, expectedVersion?: number): Promise<PrivacyRule>;
  /** Changes some fields of a rule; bumps its version. */
  patch(
    id: string,
    changes: Partial<PrivacyRuleInput>,
    expectedVersion?: number,
  ): Promise<PrivacyRule>;
  /** Removes a rule. */
  delete(id: string, expectedVersion?: number): Promise<void>;
  /**
   * Makes the rule set exactly `inputs`, in one transaction. A rule whose name already exists
   * keeps its id and createdAt (and gets a new version only if it changed); the others are
   * created; rules not named in `inputs` are deleted.
   */
  replaceAll(inputs: PrivacyRuleInput[]): Promise<PrivacyRule[]>;
  /** Registered data subjects, oldest first. */
  listSubjects(): Promise<StoredSubject[]>;
  /**
   * Registers a data subject by its keyed digest (anything else is refused, so a subject's text
   * cannot be stored by mistake); SubjectExistsError when the digest is registered already.
   */
  createSubject(input: SubjectInput): Promise<StoredSubject>;
  /** Removes a data subject; SubjectNotFoundError for an unknown id. */
  deleteSubject(id: string): Promise<void>;
  /** The HMAC key of subject digests (64 hex chars), generated and persisted on first use. */
  subjectKey(): Promise<string>;
  /** A counter that increases on every committed change to the rules or the subjects. */
  revision(): Promise<number>;
  /**
   * Calls `listener` after each committed change made through this instance (and, where the
   * store can tell, by other replicas); returns an unsubscribe function.
   */
  onChange(listener: () => void): () => void;
  /** The broker's HMAC secret (64 hex chars), generated and persisted on first use. */
  brokerSecret(brokerId: string): Promise<string>;
  /** Resolves when the store is usable; rejects otherwise (readiness). */
  ping(): Promise<void>;
  /** Releases the database. */
  close(): Promise<void>;
}
