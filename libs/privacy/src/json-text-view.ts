const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A value's compact JSON text as rule pre-checks read it: the text itself, and, worked out
 * once however many rules ask, its lowercase form for case-insensitive literals.
 */
export class JsonTextView {
  private lowercase?: string;
  private asciiOnly?: boolean;

  constructor(readonly text: string) {}

  /** The text in lowercase, for a case-insensitive literal check; undefined when unsafe. */
  get lower(): string | undefined {
    // RE2 folds a few non-ASCII letters into ASCII ones (ſ, K) that toLowerCase leaves alone.
    this.asciiOnly ??= !NON_ASCII.test(this.text);
    if (!this.asciiOnly) return undefined;
    return (this.lowercase ??= this.text.toLowerCase());
  }
}
