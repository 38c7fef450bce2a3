import type { PageCursor } from '../../rentprog/api/pages.js';

/** A page as fetched, with where the list goes on (null when it is done). */
export interface FetchedPage<T> {
  value: T;
  next: PageCursor | null;
}

export interface PagesAheadOptions<T> {
  from: PageCursor;
  /** Pages this walk may fetch at most (the slice's page limit). */
  limit: number;
  /** Pages fetched or being fetched beyond the one the caller is writing. */
  depth: number;
  /** Asked before each request: false once the slice's time is up, so no page is fetched to be thrown away. */
  mayStart: () => boolean;
  fetch: (cursor: PageCursor, signal: AbortSignal) => Promise<FetchedPage<T>>;
  /** Aborts every request too, e.g. Temporal's cancellation of the activity. */
  signal?: AbortSignal;
}

/**
 * Fetches a walk's pages one after another while the caller writes the ones before, at
 * most `depth` pages ahead of the page being written. Each request needs the previous
 * page's answer (its cursor), so one request is in flight at a time. A failed page fails
 * every page after it without a request; `stop` aborts a request in flight and leaves
 * every page not taken unread.
 */
export class PagesAhead<T> {
  private readonly slots: Promise<FetchedPage<T> | null>[] = [];
  private readonly aborter = new AbortController();
  private readonly signal: AbortSignal;
  private tail: Promise<PageCursor | null>;
  private chained = 0;

  constructor(private readonly options: PagesAheadOptions<T>) {
    this.tail = Promise.resolve(options.from);
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.aborter.signal])
      : this.aborter.signal;
  }

  /** The next page in order, or null once the list, the page limit or the slice's time is over. */
  next(): Promise<FetchedPage<T> | null> {
    if (this.slots.length === 0 && !this.chain()) return Promise.resolve(null);
    const slot = this.slots.shift()!;
    while (this.slots.length < this.options.depth) if (!this.chain()) break;
    return slot;
  }

  /** Aborts the request in flight, if any; pages not taken are dropped. */
  stop(): void {
    this.aborter.abort(new Error('the sync slice ended'));
  }

  private chain(): boolean {
    if (this.chained >= this.options.limit) return false;
    this.chained++;
    const stopped = this.aborter.signal;
    const slot = this.tail.then((cursor) =>
      cursor && !stopped.aborted && this.options.mayStart() ? this.options.fetch(cursor, this.signal) : null,
    );
    this.tail = slot.then((page) => page?.next ?? null);
    // A page nobody takes (the slice ended first) may fail unheard; the taker still sees its failure.
    slot.catch(() => undefined);
    this.tail.catch(() => undefined);
    this.slots.push(slot);
    return true;
  }
}
