// An ordered index kept in provider state: sorted entries in small buckets, so that inserting, removing and
// reading one page cost O(bucket + buckets) however many conversations are stored (a plain sorted array would
// move every later entry on each insert, and sorting the collection per listing costs O(N log N)).
// Plain arrays of strings only, so the index is JSON like the rest of the state and changes with it.
import { raw } from '../../provider/index.ts';

/**
 * Sorted entries in buckets of at most BUCKET_SIZE, kept by key; `order` lists the bucket keys in entry order and
 * `next` numbers new buckets. A split adds one short key to `order` (logged as that array of keys) instead of
 * moving whole buckets in an array of buckets (which logged the whole index at each split).
 */
export type SortedIndex = { size: number; order: string[]; buckets: Record<string, string[]>; next: number };

/** Most entries a bucket holds before it is split. */
export const BUCKET_SIZE = 32;

const SEP = '\u0000';
const DIGITS = /^\d+$/;

/** Compares ids: numerically when both are numbers, else as strings. */
export function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new, empty index. */
export function createSortedIndex(): SortedIndex {
  return { size: 0, order: [], buckets: {}, next: 0 };
}

/** An index holding one entry. */
export function createSortedIndexOf(entry: string): SortedIndex {
  return { size: 1, order: ['b0'], buckets: { b0: [entry] }, next: 1 };
}

/**
 * The entry of an item: its sort key (compared as ids: numerically when both are digits), then its creation
 * sequence (ties keep creation order), then its id. Parsed from the end, so a key may hold any character.
 */
export function toEntry(key: string, seq: number, id: string): string {
  return `${key}${SEP}${String(seq).padStart(12, '0')}${SEP}${id}`;
}

/** The id an entry points at. */
export function toEntryId(entry: string): string {
  return entry.slice(entry.lastIndexOf(SEP) + 1);
}

function split(entry: string): [key: string, seq: string] {
  const last = entry.lastIndexOf(SEP);
  const middle = entry.lastIndexOf(SEP, last - 1);
  return [entry.slice(0, middle), entry.slice(middle + 1, last)];
}

/** Orders two entries: key, then creation sequence. */
export function compareEntries(a: string, b: string): number {
  if (a === b) return 0;
  const [ka, sa] = split(a);
  const [kb, sb] = split(b);
  return compareIds(ka, kb) || (sa < sb ? -1 : sa > sb ? 1 : 0);
}

/** The first position in `bucket` whose entry is not before `entry` (binary search). */
function lowerBound(bucket: readonly string[], entry: string): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareEntries(bucket[mid]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The bucket at position `b` of the order. */
const bucketAt = (index: SortedIndex, b: number): string[] => index.buckets[index.order[b]!]!;

/** The position of the bucket that holds (or would hold) `entry`: the first whose last entry is not before it. */
function findBucket(index: SortedIndex, entry: string): number {
  let low = 0;
  let high = index.order.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const bucket = bucketAt(index, mid);
    if (compareEntries(bucket[bucket.length - 1]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A new bucket holding `entries`, placed at position `at` of the order. */
function addBucket(index: SortedIndex, at: number, entries: string[]): void {
  const key = `b${index.next}`;
  index.next += 1;
  index.buckets[key] = entries;
  if (at === index.order.length) index.order.push(key);
  else index.order.splice(at, 0, key);
}

/**
 * Adds an entry in order. `index` may be a draft: the searches read the index behind it (no proxy per read), and
 * only the changes go through it.
 */
export function insertEntry(index: SortedIndex, entry: string): void {
  const view = raw(index);
  index.size += 1;
  if (view.order.length === 0) {
    addBucket(index, 0, [entry]);
    return;
  }
  const lastKey = view.order[view.order.length - 1]!;
  const last = view.buckets[lastKey]!;
  // Appending (creation order) is the common case: fill the last bucket, then open a new one.
  if (compareEntries(last[last.length - 1]!, entry) < 0) {
    if (last.length < BUCKET_SIZE) index.buckets[lastKey]!.push(entry);
    else addBucket(index, view.order.length, [entry]);
    return;
  }
  const at = findBucket(view, entry);
  const key = view.order[at]!;
  const bucket = index.buckets[key]!;
  bucket.splice(lowerBound(view.buckets[key]!, entry), 0, entry);
  const size = view.buckets[key]!.length;
  if (size > BUCKET_SIZE) addBucket(index, at + 1, bucket.splice(size >>> 1) as string[]);
}

/** Removes an entry; false when the index does not hold it. */
export function removeEntry(index: SortedIndex, entry: string): boolean {
  const view = raw(index);
  if (view.order.length === 0) return false;
  const at = findBucket(view, entry);
  const key = view.order[at]!;
  const position = lowerBound(view.buckets[key]!, entry);
  if (view.buckets[key]![position] !== entry) return false;
  index.buckets[key]!.splice(position, 1);
  if (view.buckets[key]!.length === 0) {
    delete index.buckets[key];
    index.order.splice(at, 1);
  }
  index.size -= 1;
  return true;
}

/**
 * The ids of entries [offset, offset + limit) in ascending order, or counted from the end for 'desc'.
 * Costs O(buckets + limit).
 */
export function sliceIds(
  index: SortedIndex,
  offset: number,
  limit: number,
  direction: 'asc' | 'desc' = 'asc',
): string[] {
  const ids: string[] = [];
  if (limit <= 0 || offset >= index.size) return ids;
  const count = index.order.length;
  if (direction === 'asc') {
    let skip = offset;
    for (let b = 0; b < count && ids.length < limit; b++) {
      const bucket = bucketAt(index, b);
      if (skip >= bucket.length) {
        skip -= bucket.length;
        continue;
      }
      for (let i = skip; i < bucket.length && ids.length < limit; i++) ids.push(toEntryId(bucket[i]!));
      skip = 0;
    }
    return ids;
  }
  let skip = offset;
  for (let b = count - 1; b >= 0 && ids.length < limit; b--) {
    const bucket = bucketAt(index, b);
    if (skip >= bucket.length) {
      skip -= bucket.length;
      continue;
    }
    for (let i = bucket.length - 1 - skip; i >= 0 && ids.length < limit; i--) ids.push(toEntryId(bucket[i]!));
    skip = 0;
  }
  return ids;
}

/** The ids of the (at most `limit`) entries after `entry` in ascending order, or from the first when null. */
export function sliceIdsAfter(index: SortedIndex, entry: string | null, limit: number): string[] {
  const ids: string[] = [];
  if (index.order.length === 0 || limit <= 0) return ids;
  let b = entry === null ? 0 : findBucket(index, entry);
  let i = entry === null ? 0 : lowerBound(bucketAt(index, b), entry);
  if (entry !== null && bucketAt(index, b)[i] === entry) i++;
  for (; b < index.order.length && ids.length < limit; b++, i = 0) {
    const bucket = bucketAt(index, b);
    for (; i < bucket.length && ids.length < limit; i++) ids.push(toEntryId(bucket[i]!));
  }
  return ids;
}

/** Visits every id in order (for filters no index serves); `visit` stops the walk by returning false. */
export function walkIds(index: SortedIndex, direction: 'asc' | 'desc', visit: (id: string) => unknown): void {
  const count = index.order.length;
  if (direction === 'asc') {
    for (let b = 0; b < count; b++) {
      const bucket = bucketAt(index, b);
      for (let i = 0; i < bucket.length; i++) if (visit(toEntryId(bucket[i]!)) === false) return;
    }
    return;
  }
  for (let b = count - 1; b >= 0; b--) {
    const bucket = bucketAt(index, b);
    for (let i = bucket.length - 1; i >= 0; i--) if (visit(toEntryId(bucket[i]!)) === false) return;
  }
}
