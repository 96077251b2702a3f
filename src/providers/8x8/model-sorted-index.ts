// An ordered index kept in provider state: sorted entries in small buckets, so that inserting, removing and
// reading one page cost O(bucket + buckets) however many conversations are stored (a plain sorted array would
// move every later entry on each insert, and sorting the collection per listing costs O(N log N)).
// Plain arrays of strings only, so the index is JSON like the rest of the state (derived state: rebuilt at start,
// never logged).
import { onRollback, unloggedRaw } from '../../provider/index.ts';

/**
 * Sorted entries in buckets of at most BUCKET_SIZE, kept by key; the bucket keys are listed in entry order in pages
 * of at most PAGE_SIZE, and `order` lists the page keys. A bucket split rewrites one page of keys (logged as that
 * array), a page split the short list of page keys: what a change logs does not grow with the index (a single
 * array of every bucket key was logged whole at each split, about 20 KB at 100k entries).
 */
export type SortedIndex = {
  size: number;
  order: string[];
  pages: Record<string, string[]>;
  buckets: Record<string, string[]>;
  next: number;
  /**
   * True when the entries are distinct ids themselves, ordered by `compareIds` (the Gateway's `sort=id`; ids equal
   * as numbers by their characters): no entry string is built for them, and a comparison reads no separator (a
   * Gateway create spent most of its index time inserting its random id). Else entries are `toEntry` strings.
   */
  ids?: true;
};

/** Most entries a bucket holds before it is split. */
export const BUCKET_SIZE = 32;
/** Most bucket keys a page holds before it is split. */
export const PAGE_SIZE = 64;

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
  return { size: 0, order: [], pages: {}, buckets: {}, next: 0, ...(ids ? { ids: true as const } : {}) };
}

/** An index holding one entry. */
export function createSortedIndexOf(entry: string): SortedIndex {
  return { size: 1, order: ['p1'], pages: { p1: ['b0'] }, buckets: { b0: [entry] }, next: 2 };
}

/**
 * The index that inserting `entries` one by one, in this (ascending) order, builds: the same buckets, pages and
 * keys as `insertEntry` appending each (full buckets of BUCKET_SIZE; a page split in two when it passes
 * PAGE_SIZE), without comparing entries. Used to rebuild an index at start from entries already in order.
 */
export function createSortedIndexFrom(entries: readonly string[], ids = false): SortedIndex {
  const index = createSortedIndex(ids);
  let page: string[] | null = null;
  for (let i = 0; i < entries.length; i += BUCKET_SIZE) {
    const key = `b${index.next}`;
    index.next += 1;
    index.buckets[key] = entries.slice(i, i + BUCKET_SIZE);
    if (page === null) {
      page = [key];
      index.pages[`p${index.next}`] = page;
      index.order.push(`p${index.next}`);
      index.next += 1;
      continue;
    }
    page.push(key);
    if (page.length > PAGE_SIZE) {
      page = page.splice(page.length >>> 1);
      index.pages[`p${index.next}`] = page;
      index.order.push(`p${index.next}`);
      index.next += 1;
    }
  }
  index.size = entries.length;
  return index;
}

/** True when a sorted index read from a store has the current shape (pages of bucket keys). */
export function isPagedSortedIndex(value: unknown): boolean {
  const index = value as Partial<SortedIndex> | null;
  return typeof index?.pages === 'object' && index.pages !== null && !Array.isArray(index.buckets);
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

/** Where a bucket sits: its page's position in `order`, its position in that page. */
type Place = { p: number; b: number };

const pageAt = (index: SortedIndex, p: number): string[] => index.pages[index.order[p]!]!;
const bucketOf = (index: SortedIndex, place: Place): string[] =>
  index.buckets[pageAt(index, place.p)[place.b]!]!;
const lastOf = (bucket: readonly string[]) => bucket[bucket.length - 1]!;

/** The place of the bucket that holds (or would hold) `entry`: the first whose last entry is not before it. */
function findBucket(index: SortedIndex, entry: string): Place {
  const compare = compareIn(index);
  let low = 0;
  let high = index.order.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const page = pageAt(index, mid);
    if (compare(lastOf(index.buckets[page[page.length - 1]!]!), entry) < 0) low = mid + 1;
    else high = mid;
  }
  const page = pageAt(index, low);
  let first = 0;
  let last = page.length - 1;
  while (first < last) {
    const mid = (first + last) >>> 1;
    if (compare(lastOf(index.buckets[page[mid]!]!), entry) < 0) first = mid + 1;
    else last = mid;
  }
  return { p: low, b: first };
}

/** A new bucket holding `entries`, placed at `place` (a page of `order`, or one past the last to open a page). */
function addBucket(index: SortedIndex, place: Place, entries: string[]): void {
  const key = `b${index.next}`;
  index.next += 1;
  index.buckets[key] = entries;
  if (place.p === index.order.length) {
    addPage(index, place.p, [key]);
    return;
  }
  const page = pageAt(index, place.p);
  if (place.b === page.length) page.push(key);
  else page.splice(place.b, 0, key);
  if (page.length > PAGE_SIZE) addPage(index, place.p + 1, page.splice(page.length >>> 1));
}

/** A new page holding bucket keys `keys`, at position `p` of the order. */
function addPage(index: SortedIndex, p: number, keys: string[]): void {
  const key = `p${index.next}`;
  index.next += 1;
  index.pages[key] = keys;
  if (p === index.order.length) index.order.push(key);
  else index.order.splice(p, 0, key);
}

/**
 * Adds an entry in order. `index` may be a draft: in derived state (never logged) it is changed natively behind the
 * draft, and a rollback removes the entry again; otherwise through the draft.
 */
export function insertEntry(index: SortedIndex, entry: string): void {
  const view = unloggedRaw(index) ?? index;
  insertInto(view, entry);
  if (view !== index) onRollback(index, () => removeFrom(view, entry));
}

/** Removes an entry; false when the index does not hold it. `index` may be a draft, as for `insertEntry`. */
export function removeEntry(index: SortedIndex, entry: string): boolean {
  const view = unloggedRaw(index) ?? index;
  if (!removeFrom(view, entry)) return false;
  if (view !== index) onRollback(index, () => insertInto(view, entry));
  return true;
}

function insertInto(index: SortedIndex, entry: string): void {
  index.size += 1;
  if (index.order.length === 0) {
    addBucket(index, { p: 0, b: 0 }, [entry]);
    return;
  }
  const lastPage = pageAt(index, index.order.length - 1);
  const last = index.buckets[lastPage[lastPage.length - 1]!]!;
  // Appending (creation order) is the common case: fill the last bucket, then open a new one.
  const compare = compareIn(index);
  if (compare(lastOf(last), entry) < 0) {
    if (last.length < BUCKET_SIZE) last.push(entry);
    else addBucket(index, { p: index.order.length - 1, b: lastPage.length }, [entry]);
    return;
  }
  const place = findBucket(index, entry);
  const bucket = bucketOf(index, place);
  bucket.splice(lowerBound(bucket, entry, compare), 0, entry);
  if (bucket.length > BUCKET_SIZE) {
    addBucket(index, { p: place.p, b: place.b + 1 }, bucket.splice(bucket.length >>> 1));
  }
}

function removeFrom(index: SortedIndex, entry: string): boolean {
  if (index.order.length === 0) return false;
  const place = findBucket(index, entry);
  const pageKey = index.order[place.p]!;
  const page = index.pages[pageKey]!;
  const key = page[place.b]!;
  const bucket = index.buckets[key]!;
  const position = lowerBound(bucket, entry, compareIn(index));
  if (bucket[position] !== entry) return false;
  bucket.splice(position, 1);
  if (bucket.length === 0) {
    delete index.buckets[key];
    page.splice(place.b, 1);
    if (page.length === 0) {
      delete index.pages[pageKey];
      index.order.splice(place.p, 1);
    }
  }
  index.size -= 1;
  return true;
}

/** Every bucket in entry order, or in reverse. */
function* bucketsIn(index: SortedIndex, direction: 'asc' | 'desc'): Generator<string[]> {
  const { order, pages, buckets } = index;
  if (direction === 'asc') {
    for (let p = 0; p < order.length; p++) {
      const page = pages[order[p]!]!;
      for (let b = 0; b < page.length; b++) yield buckets[page[b]!]!;
    }
    return;
  }
  for (let p = order.length - 1; p >= 0; p--) {
    const page = pages[order[p]!]!;
    for (let b = page.length - 1; b >= 0; b--) yield buckets[page[b]!]!;
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
  const ids: string[] = [];
  if (index.order.length === 0 || limit <= 0) return ids;
  const start = entry === null ? { p: 0, b: 0 } : findBucket(index, entry);
  const idOf = idIn(index);
  let i = entry === null ? 0 : lowerBound(bucketOf(index, start), entry, compareIn(index));
  if (entry !== null && bucketOf(index, start)[i] === entry) i++;
  for (let p = start.p; p < index.order.length && ids.length < limit; p++) {
    const page = pageAt(index, p);
    for (let b = p === start.p ? start.b : 0; b < page.length && ids.length < limit; b++, i = 0) {
      const bucket = index.buckets[page[b]!]!;
      for (; i < bucket.length && ids.length < limit; i++) ids.push(idOf(bucket[i]!));
    }
  }
  return ids;
}

/** Visits every id in order (for filters no index serves); `visit` stops the walk by returning false. */
export function walkIds(index: SortedIndex, direction: 'asc' | 'desc', visit: (id: string) => unknown): void {
  const idOf = idIn(index);
  for (const bucket of bucketsIn(index, direction)) {
    if (direction === 'asc') {
      for (let i = 0; i < bucket.length; i++) if (visit(idOf(bucket[i]!)) === false) return;
    } else {
      for (let i = bucket.length - 1; i >= 0; i--) if (visit(idOf(bucket[i]!)) === false) return;
    }
  }
}
