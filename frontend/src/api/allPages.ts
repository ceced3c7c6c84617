/**
 * Every row of a cursor-paged list, for the menus that must offer all of a user's datasets or
 * networks: pages of the largest size the API serves, following `next` until it runs out.
 */

/** The API's largest page (`MAX_LIMIT` in platform/neuroyard/core/pagination.py). */
export const LARGEST_PAGE = 500;

/** Guard against a server that keeps answering with a `next`. */
const MOST_PAGES = 100;

export interface CursorPage<T> {
  results: T[];
  next?: string | null;
}

/** The `cursor` of a `next` link, or null at the end. */
export function nextCursor(link: string | null | undefined): string | null {
  if (!link) return null;
  return new URL(link, "http://localhost").searchParams.get("cursor");
}

/** One list of all the pages' rows; `page(cursor)` fetches one page (undefined: the first). */
export async function allPages<T, P extends CursorPage<T>>(
  page: (cursor: string | undefined) => Promise<P>,
): Promise<Omit<P, "next"> & { next: null }> {
  const first = await page(undefined);
  const results = [...first.results];
  let cursor = nextCursor(first.next);
  for (let fetched = 1; cursor && fetched < MOST_PAGES; fetched++) {
    const more = await page(cursor);
    results.push(...more.results);
    cursor = nextCursor(more.next);
  }
  return { ...first, results, next: null };
}
