/**
 * Ordered id sets kept in the JSON state: a doubly linked list over a plain object of links. Appending, removing
 * any member and reading the first one cost the same however long the list is, and every change touches a few
 * keys only (no array shifting, which would rewrite every element of a large array).
 */
import { getOwn, hasOwn } from '../../own.ts';
import { onRollback, unloggedRaw } from '../../provider/index.ts';

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
  const view = unloggedRaw(list) ?? list;
  linkLast(view, id, { prev: view.tail, next: null, rank });
  // Undone last-first: when this undo runs, `id` is the tail again.
  if (view !== list) onRollback(list, () => unlink(view, id, view.links[id]!));
}

/** Removes `id`; returns false when it was not in the list. */
export function removeId(list: OrderedIds, id: string): boolean {
  const view = unloggedRaw(list) ?? list;
  const link = getOwn(view.links, id);
  if (!link) return false;
  unlink(view, id, link);
  if (view !== list) onRollback(list, () => relink(view, id, link));
  return true;
}

// The lists are derived state (`indexes`, rebuilt at start, never logged): a draft's list is changed natively
// behind it (`unloggedRaw`), each change undone exactly by its inverse on rollback; a logged list goes through
// its draft.

function linkLast(list: OrderedIds, id: string, link: OrderedLink): void {
  list.links[id] = link;
  if (list.tail === null) list.head = id;
  else list.links[list.tail]!.next = id;
  list.tail = id;
  list.size += 1;
}

function unlink(list: OrderedIds, id: string, link: OrderedLink): void {
  const { prev, next } = link;
  if (prev === null) list.head = next;
  else list.links[prev]!.next = next;
  if (next === null) list.tail = prev;
  else list.links[next]!.prev = prev;
  delete list.links[id];
  list.size -= 1;
}

/** Puts `id` back where `unlink` took it from (its neighbours are the ones it had). */
function relink(list: OrderedIds, id: string, link: OrderedLink): void {
  list.links[id] = link;
  if (link.prev === null) list.head = id;
  else list.links[link.prev]!.next = id;
  if (link.next === null) list.tail = id;
  else list.links[link.next]!.prev = id;
  list.size += 1;
}

/** Up to `limit` members from the one after `after` (from the first when null), in order. */
export function toPage(list: OrderedIds, after: string | null, limit: number): string[] {
  const ids: string[] = [];
  for (let id = toNextId(list, after); id !== null && ids.length < limit; id = toNextId(list, id))
    ids.push(id);
  return ids;
}
