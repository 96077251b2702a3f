// Paging of Airkit's listings over id lists (the lists themselves: `PagedIds` of the provider kit).
import { type PagedIds, slicePagedIds } from '../../provider/index.ts';

/** One page of a listing: where it starts and how many items it holds. */
export type PageRequest = { offset: number; size: number };

/** One page of an indexed id list (none when there is no list), and the token of the next page. */
export function toPagedPage(
  list: PagedIds | undefined,
  page: PageRequest,
): { ids: string[]; nextPageToken: string | null } {
  if (!list) return { ids: [], nextPageToken: null };
  const end = page.offset + page.size;
  return {
    ids: slicePagedIds(list, page.offset, page.size),
    nextPageToken: end < list.size ? String(end) : null,
  };
}

/** The ids of one page of `ids`, and the token of the next page (null on the last one). */
export function toPage(
  ids: readonly string[],
  page: PageRequest,
): { ids: string[]; nextPageToken: string | null } {
  const end = page.offset + page.size;
  return { ids: ids.slice(page.offset, end), nextPageToken: end < ids.length ? String(end) : null };
}
