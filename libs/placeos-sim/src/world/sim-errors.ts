/** Bad input to a test-control operation (answered with 400 on the `/_sim/` routes). */
export class SimInputError extends Error {
  override readonly name = 'SimInputError';
}

/** A test-control operation named something that does not exist (answered with 404). */
export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}
