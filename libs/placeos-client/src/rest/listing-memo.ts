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
  private readonly listings = new Map<string, MemoPage<T>[]>();
  private changedPages = 0;

  /** Pages read since `beginRound` that were new or differed from the last read. */
  get changed(): number {
    return this.changedPages;
  }

  beginRound(): void {
    this.changedPages = 0;
  }

  page(listing: string, index: number): MemoPage<T> | undefined {
    return this.listings.get(listing)?.[index];
  }

  /** Records the listing's pages as read now (a shorter listing forgets the pages past its end). */
  record(listing: string, pages: MemoPage<T>[], changed: number): void {
    this.listings.set(listing, pages);
    this.changedPages += changed;
  }
}
