/** One page of an index route as last read: its body's digest and the items made of it. */
export interface MemoPage<T> {
  readonly digest: string;
  /** The ids of every item the page listed (the paging stops on a page of no new ids). */
  readonly ids: readonly string[];
  /** What `parse` made of the items it could read. */
  readonly items: readonly T[];
}

/**
 * The pages of index routes as last read, so that a poll re-reading an unchanged portfolio
 * neither parses its JSON nor makes new model objects: a page whose body is byte-identical to
 * the last one gives the same items back. Topology polls then cost the requests and a digest
 * per page, and the diff sees the same objects (compared by identity, at once). Kept per
 * listing (route and query), only the pages of the latest read of it.
 */
export class ListingMemo<T> {
  /** The listings of the last complete round: what a new round's pages are compared with. */
  private previous = new Map<string, MemoPage<T>[]>();
  /** The listings read so far in this round. */
  private current = new Map<string, MemoPage<T>[]>();
  private changedPages = 0;

  /** Pages read in this round that were new or differed from the last complete round. */
  get changed(): number {
    return this.changedPages;
  }

  beginRound(): void {
    this.current = new Map();
    this.changedPages = 0;
  }

  /**
   * The round read everything: its pages become the reference. A round that failed part way
   * leaves the reference as it was, so what it read counts as changed again next time; and a
   * listing no longer read (a removed system's) drops out.
   */
  endRound(): void {
    this.previous = this.current;
  }

  page(listing: string, index: number): MemoPage<T> | undefined {
    return this.previous.get(listing)?.[index];
  }

  /** Records the listing's pages as read in this round. */
  record(listing: string, pages: MemoPage<T>[], changed: number): void {
    this.current.set(listing, pages);
    this.changedPages += changed;
  }
}
