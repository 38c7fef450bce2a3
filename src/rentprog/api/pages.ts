import type { z } from 'zod';
import type { RentProgClient } from './client.js';
import { RentProgInvalidResponseError } from './errors.js';
import { bookingSchema, carSchema, clientSchema, listOf } from './schemas.js';

/** How each list is paged. Sizes may be ignored by RentProg (docs/rentprog-api.md, Lists and paging), so none is trusted. */
export const LISTS = {
  cars: { endpoint: '/all_cars_full', sizeParam: 'limit', schema: carSchema },
  clients: { endpoint: '/clients', sizeParam: 'per_page', schema: clientSchema },
  bookings: { endpoint: '/all_bookings', sizeParam: 'per_page', schema: bookingSchema },
} as const;

export type ListKind = keyof typeof LISTS;
export type ListItem<K extends ListKind> = z.output<(typeof LISTS)[K]['schema']>;

/**
 * Where a walk stands, small and plain so a workflow can keep it between page activities:
 * the next page number, the largest page seen (the page size the server really uses) and
 * a fingerprint of the last page's ids.
 */
export interface PageCursor {
  page: number;
  largestPage: number;
  lastFingerprint?: string;
}

export const FIRST_PAGE: PageCursor = { page: 1, largestPage: 0 };
export const DEFAULT_PAGE_CAP = 1000;

export interface PageOptions {
  pageSize: number;
  pageCap?: number;
  signal?: AbortSignal;
}

export interface Page<K extends ListKind> {
  page: number;
  items: ListItem<K>[];
  /** Where to continue, or null when the list is done. */
  next: PageCursor | null;
}

/**
 * Fetches one page and decides whether the list goes on. It ends on an empty page, on a
 * page shorter than the largest seen (the server's real page size), or on a page with
 * exactly the previous page's ids (an endpoint that ignores paging); it fails loudly at
 * the page cap rather than truncate silently.
 */
export async function fetchPage<K extends ListKind>(
  client: RentProgClient,
  branch: string,
  kind: K,
  cursor: PageCursor,
  options: PageOptions,
): Promise<Page<K>> {
  const list = LISTS[kind];
  const pageCap = options.pageCap ?? DEFAULT_PAGE_CAP;
  if (cursor.page > pageCap) {
    throw new RentProgInvalidResponseError(
      { branch, endpoint: list.endpoint },
      `still more after ${pageCap} pages; raise RENTPROG_MAX_PAGES if this branch really is that large`,
    );
  }
  const items = (await client.get(branch, list.endpoint, {
    query: { page: cursor.page, [list.sizeParam]: options.pageSize },
    schema: listOf(list.schema),
    signal: options.signal,
  })) as ListItem<K>[];

  const fingerprint = fingerprintIds(items.map((item) => item.id));
  if (items.length === 0) return { page: cursor.page, items, next: null };
  if (fingerprint === cursor.lastFingerprint) return { page: cursor.page, items: [], next: null };
  const isShort = cursor.largestPage > 0 && items.length < cursor.largestPage;
  const next = isShort
    ? null
    : {
        page: cursor.page + 1,
        largestPage: Math.max(cursor.largestPage, items.length),
        lastFingerprint: fingerprint,
      };
  return { page: cursor.page, items, next };
}

/** Every page of a list, in order. */
export async function* pages<K extends ListKind>(
  client: RentProgClient,
  branch: string,
  kind: K,
  options: PageOptions,
): AsyncGenerator<Page<K>> {
  let cursor: PageCursor | null = FIRST_PAGE;
  while (cursor) {
    const page: Page<K> = await fetchPage(client, branch, kind, cursor, options);
    if (page.items.length > 0) yield page;
    cursor = page.next;
  }
}

/** FNV-1a over the sorted ids: tells "the same page again" apart in a few bytes of state. */
export function fingerprintIds(ids: number[]): string {
  let hash = 0x811c9dc5;
  for (const id of [...ids].sort((a, b) => a - b)) {
    for (const char of `${id},`) {
      hash ^= char.charCodeAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  }
  return `${ids.length}:${hash.toString(16)}`;
}
