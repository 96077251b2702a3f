// An ordered index kept in provider state: sorted entries in small buckets, so that inserting, removing and
// reading one page cost O(bucket + buckets) however many conversations are stored (a plain sorted array would
// move every later entry on each insert, and sorting the collection per listing costs O(N log N)).
// Plain arrays of strings only, so the index is JSON like the rest of the state and changes with it.
import { raw } from '../../provider/index.ts';

/** Sorted entries in buckets of at most BUCKET_SIZE; `size` is the number of entries. */
export type SortedIndex = { size: number; buckets: string[][] };

/** Most entries a bucket holds before it is split. */
export const BUCKET_SIZE = 64;

const SEP = '\u0000';
const DIGITS = /^\d+$/;

/** Compares ids: numerically when both are numbers, else as strings. */
export function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new, empty index. */
export function createSortedIndex(): SortedIndex {
  return { size: 0, buckets: [] };
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

/** The bucket that holds (or would hold) `entry`: the first whose last entry is not before it (binary search). */
function findBucket(index: SortedIndex, entry: string): number {
  let low = 0;
  let high = index.buckets.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const bucket = index.buckets[mid]!;
    if (compareEntries(bucket[bucket.length - 1]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Adds an entry in order. */
export function insertEntry(index: SortedIndex, entry: string): void {
  index.size += 1;
  const buckets = index.buckets;
  if (buckets.length === 0) {
    buckets.push([entry]);
    return;
  }
  const lastBucket = buckets[buckets.length - 1]!;
  // Appending (creation order) is the common case: fill the last bucket, then open a new one.
  if (compareEntries(lastBucket[lastBucket.length - 1]!, entry) < 0) {
    if (lastBucket.length < BUCKET_SIZE) lastBucket.push(entry);
    else buckets.push([entry]);
    return;
  }
  // The searches read the index behind the draft (no proxy per bucket read); only the change goes through it.
  const at = findBucket(raw(index), entry);
  const bucket = buckets[at]!;
  bucket.splice(lowerBound(raw(bucket), entry), 0, entry);
  if (bucket.length > BUCKET_SIZE) {
    const upper = bucket.splice(bucket.length >>> 1);
    buckets.splice(at + 1, 0, upper);
  }
}

/** Removes an entry; false when the index does not hold it. */
export function removeEntry(index: SortedIndex, entry: string): boolean {
  if (index.buckets.length === 0) return false;
  const at = findBucket(raw(index), entry);
  const bucket = index.buckets[at]!;
  const position = lowerBound(raw(bucket), entry);
  if (bucket[position] !== entry) return false;
  bucket.splice(position, 1);
  if (bucket.length === 0) index.buckets.splice(at, 1);
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
  const buckets = index.buckets;
  if (direction === 'asc') {
    let skip = offset;
    for (let b = 0; b < buckets.length && ids.length < limit; b++) {
      const bucket = buckets[b]!;
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
  for (let b = buckets.length - 1; b >= 0 && ids.length < limit; b--) {
    const bucket = buckets[b]!;
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
  if (index.buckets.length === 0 || limit <= 0) return ids;
  let b = entry === null ? 0 : findBucket(index, entry);
  let i = entry === null ? 0 : lowerBound(index.buckets[b]!, entry);
  if (entry !== null && index.buckets[b]![i] === entry) i++;
  for (; b < index.buckets.length && ids.length < limit; b++, i = 0) {
    const bucket = index.buckets[b]!;
    for (; i < bucket.length && ids.length < limit; i++) ids.push(toEntryId(bucket[i]!));
  }
  return ids;
}

/** Visits every id in order (for filters no index serves); `visit` stops the walk by returning false. */
export function walkIds(index: SortedIndex, direction: 'asc' | 'desc', visit: (id: string) => unknown): void {
  const buckets = index.buckets;
  if (direction === 'asc') {
    for (let b = 0; b < buckets.length; b++) {
      const bucket = buckets[b]!;
      for (let i = 0; i < bucket.length; i++) if (visit(toEntryId(bucket[i]!)) === false) return;
    }
    return;
  }
  for (let b = buckets.length - 1; b >= 0; b--) {
    const bucket = buckets[b]!;
    for (let i = bucket.length - 1; i >= 0; i--) if (visit(toEntryId(bucket[i]!)) === false) return;
  }
}
