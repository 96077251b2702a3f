// Ids in the order they were added, kept in the JSON state so that appending, removing any id and reading one page
// at an offset cost the same however many are stored (Airkit's listings, Chatwoot's contacts of an account). A plain
// array would need a search to find an id and a shift of every later element to remove it. In derived state (rebuilt
// at start, never logged) a list is changed natively behind its draft, and undone exactly on rollback.
import { getOwn } from '../own.ts';
import { onRollback, unloggedRaw } from '../state-tx.ts';

/** Most slots a bucket holds. */
export const PAGED_BUCKET_SIZE = 256;

/** A run of consecutive slots from sequence number `from`; a removed id leaves null until its bucket empties. */
export type PagedBucket = { from: number; live: number; ids: Array<string | null> };

/**
 * Ids in append order: buckets of slots keyed by their first sequence number, the list of those numbers in order,
 * and the slot (sequence number) of each id held. Dropping an emptied bucket rewrites that short list of numbers
 * (one per bucket), never the buckets: an array of the buckets themselves was logged whole, every id in it.
 */
export type PagedIds = {
  /** Number of ids held. */
  size: number;
  /** The sequence number of the next id appended. */
  next: number;
  /** Id -> its sequence number. Ids must be safe keys (`isSafeKey`): callers check foreign ids first. */
  slots: Record<string, number>;
  /** The `from` of each bucket, in sequence order; an emptied bucket is dropped. */
  order: number[];
  /** Buckets by their `from`. */
  buckets: Record<string, PagedBucket>;
};

/** An empty list. */
export function createPagedIds(): PagedIds {
  return { size: 0, next: 0, slots: {}, order: [], buckets: {} };
}

/** Whether a value read from a store has the current shape (an earlier version kept other shapes: `storedIds`). */
export function isPagedIds(value: unknown): value is PagedIds {
  const list = value as Partial<PagedIds> | null;
  return (
    typeof list === 'object' &&
    list !== null &&
    Array.isArray(list.order) &&
    typeof list.buckets === 'object' &&
    list.buckets !== null &&
    !Array.isArray(list.buckets)
  );
}

/**
 * The ids, in order, of a list a store of an earlier version kept (a plain array of ids, or paged ids whose buckets
 * were an array); null for a list of the current shape. To rebuild it once at start.
 */
export function storedIds(value: unknown): string[] | null {
  if (isPagedIds(value)) return null;
  if (Array.isArray(value)) return value.map(String);
  const buckets = (value as { buckets?: unknown } | null)?.buckets;
  if (!Array.isArray(buckets)) return [];
  return (buckets as PagedBucket[]).flatMap((bucket) => bucket.ids.filter((id): id is string => id !== null));
}

/** A list holding `ids` in order. */
export function createPagedIdsOf(ids: Iterable<string>): PagedIds {
  const list = createPagedIds();
  for (const id of ids) appendPagedId(list, id);
  return list;
}

const bucketAt = (list: PagedIds, at: number): PagedBucket => list.buckets[String(list.order[at])]!;

/**
 * Appends `id` at the end (an id already held stays where it is). `list` may be a draft: in derived state (never
 * logged) the list is changed natively behind the draft, and a rollback takes the id off again exactly.
 */
export function appendPagedId(list: PagedIds, id: string): void {
  // A list whose changes are logged (not derived state) is changed through its draft.
  const view = unloggedRaw(list) ?? list;
  if (getOwn(view.slots, id) !== undefined) return;
  appendTo(view, id);
  if (view !== list) onRollback(list, () => popLast(view, id));
}

function appendTo(list: PagedIds, id: string): void {
  const seq = list.next;
  const last = list.order.length > 0 ? bucketAt(list, list.order.length - 1) : undefined;
  if (last && last.ids.length < PAGED_BUCKET_SIZE && last.from + last.ids.length === seq) {
    last.ids.push(id);
    last.live += 1;
  } else {
    list.buckets[String(seq)] = { from: seq, live: 1, ids: [id] };
    list.order.push(seq);
  }
  list.slots[id] = seq;
  list.next = seq + 1;
  list.size += 1;
}

/** Undoes `appendTo(list, id)`, the last change made to the list: as if it never ran. */
function popLast(list: PagedIds, id: string): void {
  const last = bucketAt(list, list.order.length - 1);
  last.ids.pop();
  last.live -= 1;
  if (last.ids.length === 0) {
    delete list.buckets[String(last.from)];
    list.order.pop();
  }
  delete list.slots[id];
  list.next -= 1;
  list.size -= 1;
}

/** The position in `order` of the bucket that holds sequence number `seq`: the last one starting at or before it. */
function findBucket(list: PagedIds, seq: number): number {
  let low = 0;
  let high = list.order.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (list.order[mid]! <= seq) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Removes `id`; false when the list does not hold it. Costs a binary search over the buckets. `list` may be a draft,
 * as for `appendPagedId`: a rollback puts the id back in its slot.
 */
export function removePagedId(list: PagedIds, id: string): boolean {
  const view = unloggedRaw(list) ?? list;
  const seq = getOwn(view.slots, id);
  if (seq === undefined) return false;
  const at = findBucket(view, seq);
  const bucket = bucketAt(view, at);
  bucket.ids[seq - bucket.from] = null;
  bucket.live -= 1;
  const dropped = bucket.live === 0;
  if (dropped) {
    delete view.buckets[String(bucket.from)];
    view.order.splice(at, 1);
  }
  delete view.slots[id];
  view.size -= 1;
  if (view !== list) {
    onRollback(list, () => {
      if (dropped) {
        view.buckets[String(bucket.from)] = bucket;
        view.order.splice(at, 0, bucket.from);
      }
      bucket.ids[seq - bucket.from] = id;
      bucket.live += 1;
      view.slots[id] = seq;
      view.size += 1;
    });
  }
  return true;
}

/** Up to `limit` ids from position `offset` (0 = the first id held). Costs O(buckets + a bucket + limit). */
export function slicePagedIds(list: PagedIds, offset: number, limit: number): string[] {
  const ids: string[] = [];
  if (limit <= 0 || offset >= list.size) return ids;
  let skip = offset;
  for (let b = 0; b < list.order.length && ids.length < limit; b++) {
    const bucket = bucketAt(list, b);
    if (skip >= bucket.live) {
      skip -= bucket.live;
      continue;
    }
    for (let i = 0; i < bucket.ids.length && ids.length < limit; i++) {
      const id = bucket.ids[i];
      if (id === null || id === undefined) continue;
      if (skip > 0) skip -= 1;
      else ids.push(id);
    }
  }
  return ids;
}

/**
 * Up to `limit` ids after `after` (from the first when null); empty when `after` is not held. Costs a binary search
 * plus the slots read.
 */
export function slicePagedIdsAfter(list: PagedIds, after: string | null, limit: number): string[] {
  const ids: string[] = [];
  let b = 0;
  let i = 0;
  if (after !== null) {
    const seq = getOwn(list.slots, after);
    if (seq === undefined) return ids;
    b = findBucket(list, seq);
    i = seq - bucketAt(list, b).from + 1;
  }
  for (; b < list.order.length && ids.length < limit; b++, i = 0) {
    const bucket = bucketAt(list, b);
    for (; i < bucket.ids.length && ids.length < limit; i++) {
      const id = bucket.ids[i];
      if (id !== null && id !== undefined) ids.push(id);
    }
  }
  return ids;
}

/** Up to `limit` ids from the newest back (the newest first), read as they are taken: no list is built. */
export function* newestPagedIds(list: PagedIds, limit: number): Generator<string> {
  let taken = 0;
  for (let b = list.order.length - 1; b >= 0 && taken < limit; b--) {
    const bucket = bucketAt(list, b);
    for (let i = bucket.ids.length - 1; i >= 0 && taken < limit; i--) {
      const id = bucket.ids[i];
      if (id === null || id === undefined) continue;
      taken += 1;
      yield id;
    }
  }
}
