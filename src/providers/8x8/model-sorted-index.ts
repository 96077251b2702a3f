// An ordered index kept in provider state: sorted entries in small buckets, so that inserting, removing and
// reading one page cost O(bucket + buckets) however many conversations are stored (a plain sorted array would
// move every later entry on each insert, and sorting the collection per listing costs O(N log N)).
// Derived state only (rebuilt at start, never logged): a plain structure, changed natively behind a transaction's
// draft (model-indexes.ts registers the inverse changes for rollback).

/**
 * Sorted entries in buckets of at most BUCKET_SIZE, the buckets in pages of at most PAGE_SIZE, the pages in entry
 * order: nested arrays, so a search goes from a page to its bucket by position. (Buckets and pages were once kept
 * in records by key, so that a logged change wrote one short array; the index has been derived state since, never
 * logged, and each step of a search paid a lookup by key. Inserting 120k random Gateway ids: 3.8-4.0 us each then,
 * 2.5-3.0 in arrays with whole ids compared natively; in a loaded server, where each step of the search misses the
 * cache, the gain is smaller.)
 */
export type SortedIndex = {
  size: number;
  pages: string[][][];
  /**
   * True when the entries are distinct ids themselves, ordered by `compareIds` (the Gateway's `sort=id`; ids equal
   * as numbers by their characters): no entry string is built for them, and a comparison reads no separator (a
   * Gateway create spent most of its index time inserting its random id). Else entries are `toEntry` strings.
   */
  ids?: true;
  /**
   * Entries inserted but not yet placed, in no order (absent when none): an insert that is not an append waits here
   * until PENDING_LIMIT of them are placed together, sorted, or a read places them (`settleIndex`). Counted in
   * `size`.
   */
  pending?: string[];
};

/** Most entries a bucket holds before it is split. */
export const BUCKET_SIZE = 32;
/** Most bucket keys a page holds before it is split. */
export const PAGE_SIZE = 64;
/**
 * Most entries waiting to be placed. Placing entries one at a time in random order (a Gateway id on each create)
 * misses the processor's cache at each step of each search: in a loaded server, about 15 us of a 200 us create.
 * Placed together in order, consecutive searches share their path: 100k random ids under cache pressure cost 10.8
 * us each one at a time, 3.1-3.4 us in sorted groups of 1,024 (a group takes about 3 ms).
 */
export const PENDING_LIMIT = 1024;

const SEP = '\u0000';
/** Digits of the creation sequence in an entry (sequences stay below 10^12). */
const SEQ_WIDTH = 12;

/**
 * Compares ids (and list sort keys): the empty string (a missing key) first, then numbers (all digits) by value,
 * then every other id by UTF-16 code units. A total order (simulator choice): comparing a number with another id by
 * characters, as this did before, put "20" before "100" before "1a" before "20", and a sort of such ids depended on
 * the order they came in.
 */
export function compareIds(a: string, b: string): number {
  return compareKeys(a, a.length, b, b.length);
}

/** A new, empty index (of unique ids, compared as ids, when `ids`). */
export function createSortedIndex(ids = false): SortedIndex {
  return { size: 0, pages: [], ...(ids ? { ids: true as const } : {}) };
}

/** An index holding one entry. */
export function createSortedIndexOf(entry: string): SortedIndex {
  return { size: 1, pages: [[[entry]]] };
}

/**
 * The index that inserting `entries` one by one, in this (ascending) order, builds: the same buckets and pages as
 * `insertEntry` appending each (full buckets of BUCKET_SIZE; a page split in two when it passes PAGE_SIZE),
 * without comparing entries. Used to rebuild an index at start from entries already in order.
 */
export function createSortedIndexFrom(entries: readonly string[], ids = false): SortedIndex {
  const index = createSortedIndex(ids);
  let page: string[][] | null = null;
  for (let i = 0; i < entries.length; i += BUCKET_SIZE) {
    const bucket = entries.slice(i, i + BUCKET_SIZE);
    if (page === null) {
      page = [bucket];
      index.pages.push(page);
      continue;
    }
    page.push(bucket);
    if (page.length > PAGE_SIZE) {
      page = page.splice(page.length >>> 1);
      index.pages.push(page);
    }
  }
  index.size = entries.length;
  return index;
}

/** True when a sorted index read from a store has the current shape (pages of buckets, nested arrays). */
export function isNestedSortedIndex(value: unknown): boolean {
  const pages = (value as Partial<SortedIndex> | null)?.pages;
  return Array.isArray(pages) && pages.every((page) => Array.isArray(page) && page.every(Array.isArray));
}

/**
 * The entry of an item: its sort key (compared as `compareIds` compares ids), then its creation
 * sequence (ties keep creation order), then its id. Parsed from the end, so a key may hold any character.
 */
export function toEntry(key: string, seq: number, id: string): string {
  return `${key}${SEP}${String(seq).padStart(SEQ_WIDTH, '0')}${SEP}${id}`;
}

/** The id an entry points at. */
export function toEntryId(entry: string): string {
  return entry.slice(entry.lastIndexOf(SEP) + 1);
}

/**
 * Orders two entries: key (as ids), then creation sequence. Read in place, without cutting the entries apart: an
 * insert compares about 2 log2(N) entries, and slicing each cost more than the rest of the insert.
 */
export function compareEntries(a: string, b: string): number {
  if (a === b) return 0;
  // The sequence has a fixed width: the key ends that far before the last separator (ids hold no separator).
  const la = a.lastIndexOf(SEP);
  const ma = la - SEQ_WIDTH - 1;
  const lb = b.lastIndexOf(SEP);
  const mb = lb - SEQ_WIDTH - 1;
  return compareKeys(a, ma, b, mb) || compareRange(a, ma + 1, la, b, mb + 1, lb);
}

/**
 * Orders distinct ids: as `compareIds`, and ids equal as numbers (`1`, `01`) by their characters, so that no two
 * are equal and each is found again exactly.
 */
function compareUniqueIds(a: string, b: string): number {
  return compareIds(a, b) || compareRange(a, 0, a.length, b, 0, b.length);
}

/** Sorts distinct ids in place as an index of ids orders them; natively (much faster) when none is a number. */
export function sortIds(ids: string[]): string[] {
  for (const id of ids) if (isDigits(id, id.length)) return ids.sort(compareUniqueIds);
  return ids.sort();
}

/** How an index orders its entries, and the id each entry points at. */
const compareIn = (index: SortedIndex) => (index.ids ? compareUniqueIds : compareEntries);
const idIn = (index: SortedIndex): ((entry: string) => string) => (index.ids ? sameId : toEntryId);
const sameId = (entry: string) => entry;

/** `a[0, ea)` against `b[0, eb)` as `compareIds` orders them. */
function compareKeys(a: string, ea: number, b: string, eb: number): number {
  if (ea === 0 || eb === 0) return ea === eb ? 0 : ea === 0 ? -1 : 1;
  const da = isDigits(a, ea);
  if (da !== isDigits(b, eb)) return da ? -1 : 1;
  if (da) return compareNumbers(a, ea, b, eb);
  // Whole strings (ids) compare natively, by the same code units: several times faster than a loop over them.
  if (ea === a.length && eb === b.length) return a < b ? -1 : a === b ? 0 : 1;
  return compareRange(a, 0, ea, b, 0, eb);
}

/** `a[ia, ea)` against `b[ib, eb)` by UTF-16 code units, as `<` compares strings. */
function compareRange(a: string, ia: number, ea: number, b: string, ib: number, eb: number): number {
  for (; ; ia++, ib++) {
    if (ia === ea) return ib === eb ? 0 : -1;
    if (ib === eb) return 1;
    const d = a.charCodeAt(ia) - b.charCodeAt(ib);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
}

function isDigits(s: string, end: number): boolean {
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Digit strings `a[0, ea)` and `b[0, eb)` by value, exactly at any length (`1` and `01` are equal): fewer
 * significant digits first, then digit by digit.
 */
function compareNumbers(a: string, ea: number, b: string, eb: number): number {
  let ia = 0;
  let ib = 0;
  while (ia < ea - 1 && a.charCodeAt(ia) === 48) ia++;
  while (ib < eb - 1 && b.charCodeAt(ib) === 48) ib++;
  if (ea - ia !== eb - ib) return ea - ia < eb - ib ? -1 : 1;
  return compareRange(a, ia, ea, b, ib, eb);
}

/** The first position in `bucket` whose entry is not before `entry` (binary search). */
function lowerBound(
  bucket: readonly string[],
  entry: string,
  compare: (a: string, b: string) => number,
): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(bucket[mid]!, entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Where a bucket sits: its page's position, its position in that page. */
type Place = { p: number; b: number };

const lastOf = <T>(items: readonly T[]): T => items[items.length - 1]!;

/** The place of the bucket that holds (or would hold) `entry`: the first whose last entry is not before it. */
function findBucket(index: SortedIndex, entry: string): Place {
  const compare = compareIn(index);
  const { pages } = index;
  let low = 0;
  let high = pages.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(lastOf(lastOf(pages[mid]!)), entry) < 0) low = mid + 1;
    else high = mid;
  }
  const page = pages[low]!;
  let first = 0;
  let last = page.length - 1;
  while (first < last) {
    const mid = (first + last) >>> 1;
    if (compare(lastOf(page[mid]!), entry) < 0) first = mid + 1;
    else last = mid;
  }
  return { p: low, b: first };
}

/**
 * Adds an entry: at once when it goes last (the common case: creation order), else among the pending ones (placed
 * in order with them later). A plain index only: in a transaction, the one behind the draft (derived state, see
 * model-indexes.ts), with the inverse change registered for rollback.
 */
export function insertEntry(index: SortedIndex, entry: string): void {
  index.size += 1;
  const { pages } = index;
  if (pages.length === 0) {
    pages.push([[entry]]);
    return;
  }
  const lastPage = lastOf(pages);
  const last = lastOf(lastPage);
  if (compareIn(index)(lastOf(last), entry) < 0) {
    if (last.length < BUCKET_SIZE) last.push(entry);
    else addBucket(index, { p: pages.length - 1, b: lastPage.length }, [entry]);
    return;
  }
  if (index.pending === undefined) index.pending = [entry];
  else index.pending.push(entry);
  if (index.pending.length >= PENDING_LIMIT) settleIndex(index);
}

/** Places the pending entries of an index, in order (every read does this first). */
export function settleIndex(index: SortedIndex): void {
  const { pending } = index;
  if (pending === undefined) return;
  index.pending = undefined;
  if (index.ids) sortIds(pending);
  else pending.sort(compareEntries);
  for (const entry of pending) {
    if (index.pages.length === 0) index.pages.push([[entry]]);
    else place(index, entry);
  }
}

/** Puts an entry in its bucket (the index is not empty). */
function place(index: SortedIndex, entry: string): void {
  const compare = compareIn(index);
  const { pages } = index;
  const at = findBucket(index, entry);
  const bucket = pages[at.p]![at.b]!;
  bucket.splice(lowerBound(bucket, entry, compare), 0, entry);
  if (bucket.length > BUCKET_SIZE) {
    addBucket(index, { p: at.p, b: at.b + 1 }, bucket.splice(bucket.length >>> 1));
  }
}

/** A new bucket holding `entries`, placed at `place` in its page; a page past PAGE_SIZE is split in two. */
function addBucket(index: SortedIndex, place: Place, entries: string[]): void {
  const page = index.pages[place.p]!;
  if (place.b === page.length) page.push(entries);
  else page.splice(place.b, 0, entries);
  if (page.length > PAGE_SIZE) index.pages.splice(place.p + 1, 0, page.splice(page.length >>> 1));
}

/** Removes an entry (a plain index, as for `insertEntry`); false when the index does not hold it. */
export function removeEntry(index: SortedIndex, entry: string): boolean {
  const { pending } = index;
  // From the newest: a rollback removes what its transaction just inserted.
  const waiting = pending === undefined ? -1 : pending.lastIndexOf(entry);
  if (waiting >= 0) {
    pending!.splice(waiting, 1);
    if (pending!.length === 0) index.pending = undefined;
    index.size -= 1;
    return true;
  }
  if (index.pages.length === 0) return false;
  const place = findBucket(index, entry);
  const page = index.pages[place.p]!;
  const bucket = page[place.b]!;
  const position = lowerBound(bucket, entry, compareIn(index));
  if (bucket[position] !== entry) return false;
  bucket.splice(position, 1);
  if (bucket.length === 0) {
    page.splice(place.b, 1);
    if (page.length === 0) index.pages.splice(place.p, 1);
  }
  index.size -= 1;
  return true;
}

/** Every bucket in entry order, or in reverse. */
function* bucketsIn(index: SortedIndex, direction: 'asc' | 'desc'): Generator<string[]> {
  const { pages } = index;
  if (direction === 'asc') {
    for (let p = 0; p < pages.length; p++) {
      const page = pages[p]!;
      for (let b = 0; b < page.length; b++) yield page[b]!;
    }
    return;
  }
  for (let p = pages.length - 1; p >= 0; p--) {
    const page = pages[p]!;
    for (let b = page.length - 1; b >= 0; b--) yield page[b]!;
  }
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
  settleIndex(index);
  const ids: string[] = [];
  if (limit <= 0 || offset >= index.size) return ids;
  const idOf = idIn(index);
  let skip = offset;
  for (const bucket of bucketsIn(index, direction)) {
    if (ids.length >= limit) break;
    if (skip >= bucket.length) {
      skip -= bucket.length;
      continue;
    }
    if (direction === 'asc') {
      for (let i = skip; i < bucket.length && ids.length < limit; i++) ids.push(idOf(bucket[i]!));
    } else {
      for (let i = bucket.length - 1 - skip; i >= 0 && ids.length < limit; i--) ids.push(idOf(bucket[i]!));
    }
    skip = 0;
  }
  return ids;
}

/** The ids of the (at most `limit`) entries after `entry` in ascending order, or from the first when null. */
export function sliceIdsAfter(index: SortedIndex, entry: string | null, limit: number): string[] {
  settleIndex(index);
  const ids: string[] = [];
  const { pages } = index;
  if (pages.length === 0 || limit <= 0) return ids;
  const start = entry === null ? { p: 0, b: 0 } : findBucket(index, entry);
  const idOf = idIn(index);
  const first = pages[start.p]![start.b]!;
  let i = entry === null ? 0 : lowerBound(first, entry, compareIn(index));
  if (entry !== null && first[i] === entry) i++;
  for (let p = start.p; p < pages.length && ids.length < limit; p++) {
    const page = pages[p]!;
    for (let b = p === start.p ? start.b : 0; b < page.length && ids.length < limit; b++, i = 0) {
      const bucket = page[b]!;
      for (; i < bucket.length && ids.length < limit; i++) ids.push(idOf(bucket[i]!));
    }
  }
  return ids;
}

/** Visits every id in order (for filters no index serves); `visit` stops the walk by returning false. */
export function walkIds(index: SortedIndex, direction: 'asc' | 'desc', visit: (id: string) => unknown): void {
  settleIndex(index);
  const idOf = idIn(index);
  for (const bucket of bucketsIn(index, direction)) {
    if (direction === 'asc') {
      for (let i = 0; i < bucket.length; i++) if (visit(idOf(bucket[i]!)) === false) return;
    } else {
      for (let i = bucket.length - 1; i >= 0; i--) if (visit(idOf(bucket[i]!)) === false) return;
    }
  }
}
