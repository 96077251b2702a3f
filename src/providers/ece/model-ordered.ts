/**
 * Ordered id sets kept in the JSON state: a doubly linked list over a plain object of links. Appending, removing
 * any member and reading the first one cost the same however long the list is, and every change touches a few
 * keys only (no array shifting, which would rewrite every element of a large array).
 */
import { getOwn, hasOwn } from '../../own.ts';

/** One member's place in the list; `rank` is the order key it was appended with (arrival sequence, time). */
export type OrderedLink = { prev: string | null; next: string | null; rank: number };

/** A list of ids in append order. Ids must be safe keys (`isSafeKey`): callers check foreign ids first. */
export type OrderedIds = {
  head: string | null;
  tail: string | null;
  size: number;
  links: Record<string, OrderedLink>;
};

/** An empty list. */
export function createOrderedIds(): OrderedIds {
  return { head: null, tail: null, size: 0, links: {} };
}

/** Whether `id` is in the list. */
export function hasId(list: OrderedIds, id: string): boolean {
  return hasOwn(list.links, id);
}

/** The rank `id` was appended with, or undefined when it is not in the list. */
export function toRank(list: OrderedIds, id: string): number | undefined {
  return getOwn(list.links, id)?.rank;
}

/** The member after `id` (or the first one when `id` is null), or null. */
export function toNextId(list: OrderedIds, id: string | null): string | null {
  if (id === null) return list.head;
  return getOwn(list.links, id)?.next ?? null;
}

/** Appends `id` at the end; an id already in the list is moved to the end. */
export function appendId(list: OrderedIds, id: string, rank: number): void {
  removeId(list, id);
  appendNewId(list, id, rank);
}

/** Appends an `id` known not to be in the list (a rebuild from records with unique ids): no look-up first. */
export function appendNewId(list: OrderedIds, id: string, rank: number): void {
  list.links[id] = { prev: list.tail, next: null, rank };
  if (list.tail === null) list.head = id;
  else list.links[list.tail]!.next = id;
  list.tail = id;
  list.size += 1;
}

/** Removes `id`; returns false when it was not in the list. */
export function removeId(list: OrderedIds, id: string): boolean {
  const link = getOwn(list.links, id);
  if (!link) return false;
  const { prev, next } = link;
  if (prev === null) list.head = next;
  else list.links[prev]!.next = next;
  if (next === null) list.tail = prev;
  else list.links[next]!.prev = prev;
  delete list.links[id];
  list.size -= 1;
  return true;
}

/** Up to `limit` members from the one after `after` (from the first when null), in order. */
export function toPage(list: OrderedIds, after: string | null, limit: number): string[] {
  const ids: string[] = [];
  for (let id = toNextId(list, after); id !== null && ids.length < limit; id = toNextId(list, id))
    ids.push(id);
  return ids;
}
