import { SeededRandom } from './seeded-random';

/** The characters PlaceOS draws ids from (`utilities/id_generator.cr`): ids can contain `-`, `_` and `~`. */
export const PLACEOS_ID_ALPHABET =
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_~';

/** Unique `<table>-<10 chars>` ids from a seeded stream. */
export class IdGenerator {
  private readonly issued = new Set<string>();

  constructor(private readonly random: SeededRandom) {}

  /** A fresh id such as `sys-G0f6_j~r2Q`. */
  next(table: string): string {
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 10; i += 1) {
        suffix += PLACEOS_ID_ALPHABET[Math.floor(this.random.next() * PLACEOS_ID_ALPHABET.length)];
      }
      const id = `${table}-${suffix}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** A `user-XXXXXXXXXX` style id (not tracked for uniqueness: it is only sample data). */
  userId(): string {
    let suffix = '';
    for (let i = 0; i < 10; i += 1)
      suffix += PLACEOS_ID_ALPHABET[Math.floor(this.random.next() * 62)];
    return `user-${suffix}`;
  }
}
