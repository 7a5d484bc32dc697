/** The rules database cannot be opened, read or written (corrupt file, unsupported backend, closed). */
export class RulesStoreError extends Error {
  override readonly name: string = 'RulesStoreError';
}

/** No rule has this id. */
export class RuleNotFoundError extends RulesStoreError {
  override readonly name = 'RuleNotFoundError';
  constructor(readonly ruleId: string) {
    super(`Rule ${ruleId} does not exist`);
  }
}

/** Another rule already uses this name (names are unique). */
export class RuleNameTakenError extends RulesStoreError {
  override readonly name = 'RuleNameTakenError';
  constructor(readonly ruleName: string) {
    super(`A rule named "${ruleName}" already exists`);
  }
}

/** The caller's expected version (If-Match) is not the rule's current version. */
export class RuleVersionMismatchError extends RulesStoreError {
  override readonly name = 'RuleVersionMismatchError';
  constructor(
    readonly ruleId: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `Rule ${ruleId} is at version ${currentVersion}, not the expected version ${expectedVersion}`,
    );
  }
}

/** No data subject has this id. */
export class SubjectNotFoundError extends RulesStoreError {
  override readonly name = 'SubjectNotFoundError';
  constructor(readonly subjectId: string) {
    super(`Subject ${subjectId} does not exist`);
  }
}

/** The subject is registered already (under `existingId`). */
export class SubjectExistsError extends RulesStoreError {
  override readonly name = 'SubjectExistsError';
  constructor(readonly existingId: string) {
    super(`This subject is already registered as ${existingId}`);
  }
}
