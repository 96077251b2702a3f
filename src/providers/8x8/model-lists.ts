// Pages of the 8x8 lists, read from the state (pure): the few items of a web-hook, channel or conversation list,
// and the conversation lists of both APIs through their indexes (no walk through every conversation but where a
// filter has no index).
import { getOwn } from '../../own.ts';
import type { ConversationPage, ListedConversation } from '../../provider/index.ts';
import {
  type Conversation,
  type EightByEightState,
  toGatewayState,
  toOpenInteraction,
  toV2Status,
} from './model.ts';
import { toIndexKey } from './model-indexes.ts';
import {
  compareIds,
  createSortedIndex,
  type SortedIndex,
  sliceIds,
  sliceIdsAfter,
  toEntry,
  walkIds,
} from './model-sorted-index.ts';
import { isFilterMatch, type ListQuery } from './rules-lists.ts';
import type { V2ConversationQuery } from './rules-v2.ts';

/** One page of a list. */
export type Page<T> = { items: T[]; size: number; number: number; total: number };

/** Slices `items` into a page (size >= 1, number >= 0). */
export function toPage<T>(items: T[], size: number, number: number): Page<T> {
  return { items: items.slice(number * size, number * size + size), size, number, total: items.length };
}

/**
 * One page of a few items (the web-hooks or channels of an API, the interactions or messages of a conversation),
 * sorted and filtered as `query` asks. Sort keys are read once per item; only a filter renders every item (it
 * tests the rendered item), else only the page is rendered. Ties keep insertion order, reversed for a descending
 * sort (newest first).
 */
export function toListPage<T, R>(
  items: readonly T[],
  query: ListQuery,
  options: { render: (item: T) => R; key?: (item: T, field: string) => unknown },
): Page<R> {
  const { field, direction, filter, size, page } = query;
  const keyOf = options.key ?? ((item: T, f: string) => getOwn(item as Record<string, unknown>, f));
  const sorted = items
    .map((item, index) => {
      const rendered = filter.length > 0 ? options.render(item) : undefined;
      return { item, index, key: keyOf(item, field), rendered };
    })
    .filter(({ rendered }) => filter.length === 0 || isFilterMatch(rendered, filter))
    .sort((a, b) => {
      const ka = a.key;
      const kb = b.key;
      const order =
        typeof ka === 'number' && typeof kb === 'number'
          ? ka - kb
          : compareIds(String(ka ?? ''), String(kb ?? ''));
      return direction === 'asc' ? order || a.index - b.index : -order || b.index - a.index;
    });
  const slice = toPage(sorted, size, page);
  return { ...slice, items: slice.items.map((entry) => entry.rendered ?? options.render(entry.item)) };
}

type ListFilter = 'channel' | 'user' | 'status';

/** True when a conversation passes the v2 list filters, except the one its index already applied. */
function isListed(conv: Conversation, f: V2ConversationQuery, applied: ListFilter | null): boolean {
  if (applied !== 'channel' && f.channelId !== undefined && conv.channelId !== f.channelId) return false;
  if (applied !== 'status' && f.status !== 'all' && toV2Status(conv) !== f.status) return false;
  if (
    applied !== 'user' &&
    f.userId !== undefined &&
    getOwn(conv.customer, 'customerId') !== f.userId &&
    getOwn(conv.customer, 'userId') !== f.userId
  )
    return false;
  return f.customer.every(([key, value]) => getOwn(conv.customer, key) === value);
}

const EMPTY = createSortedIndex();

/**
 * One page of the v2 conversation list, in creation order (`order`). The channel, user and status filters each
 * have an index: with at most one of them, the page is read straight from it (O(page)). Other combinations, and
 * `customer.<key>` filters, walk the smallest of those indexes and test the rest (simulator choice: no index
 * per customer property).
 */
export function toV2ConversationPage(
  state: EightByEightState,
  f: V2ConversationQuery,
  paging: { size: number; page: number },
): Page<Conversation> {
  const index = state.index.v2;
  const choices: { applied: ListFilter | null; index: SortedIndex }[] = [
    { applied: null, index: index.created },
  ];
  if (f.channelId !== undefined)
    choices.push({ applied: 'channel', index: getOwn(index.byChannel, toIndexKey(f.channelId)) ?? EMPTY });
  if (f.userId !== undefined)
    choices.push({ applied: 'user', index: getOwn(index.byUser, toIndexKey(f.userId)) ?? EMPTY });
  if (f.status !== 'all')
    choices.push({ applied: 'status', index: getOwn(index.byStatus, f.status) ?? EMPTY });
  let chosen = choices[0]!;
  for (const choice of choices) if (choice.index.size <= chosen.index.size) chosen = choice;
  const rest = choices.length - (chosen.applied === null ? 1 : 2) + f.customer.length;
  const conversationOf = (id: string) => getOwn(state.conversations, id)!;
  const offset = paging.page * paging.size;
  if (rest === 0) {
    const ids = sliceIds(chosen.index, offset, paging.size, f.order);
    return {
      items: ids.map(conversationOf),
      size: paging.size,
      number: paging.page,
      total: chosen.index.size,
    };
  }
  const items: Conversation[] = [];
  let total = 0;
  walkIds(chosen.index, f.order, (id) => {
    const conv = conversationOf(id);
    if (!isListed(conv, f, chosen.applied)) return;
    if (total >= offset && items.length < paging.size) items.push(conv);
    total += 1;
  });
  return { items, size: paging.size, number: paging.page, total };
}

/**
 * One page of the Gateway conversation list from the index of the sort field (O(page)); a filter walks that index
 * in order (no index per filterable field: simulator choice) and renders each conversation it tests.
 */
export function toGatewayConversationPage<R>(
  state: EightByEightState,
  query: ListQuery,
  render: (conversation: Conversation) => R,
): Page<R> {
  const { size, page, field, direction, filter } = query;
  const index = state.index.gateway[field as keyof EightByEightState['index']['gateway']];
  const conversationOf = (id: string) => getOwn(state.conversations, id)!;
  const offset = page * size;
  if (filter.length === 0) {
    const items = sliceIds(index, offset, size, direction).map((id) => render(conversationOf(id)));
    return { items, size, number: page, total: index.size };
  }
  const items: R[] = [];
  let total = 0;
  walkIds(index, direction, (id) => {
    const rendered = render(conversationOf(id));
    if (!isFilterMatch(rendered, filter)) return;
    if (total >= offset && items.length < size) items.push(rendered);
    total += 1;
  });
  return { items, size, number: page, total };
}

/**
 * One page of conversations for the admin listing: v2 ones in creation order, then Gateway ones, read through the
 * creation-order indexes from the one after `page.after`.
 */
export function toConversationSummaries(
  state: EightByEightState,
  page: ConversationPage,
): ListedConversation[] {
  const after = page.after === null ? undefined : getOwn(state.conversations, page.after);
  if (page.after !== null && !after) return [];
  const created = { v2: state.index.v2.created, gateway: state.index.gateway.createdAt };
  const ids =
    after?.api === 'gateway'
      ? sliceIdsAfter(created.gateway, toEntry('', after.seq, after.id), page.limit)
      : sliceIdsAfter(created.v2, after ? toEntry('', after.seq, after.id) : null, page.limit);
  if (after?.api !== 'gateway' && ids.length < page.limit) {
    ids.push(...sliceIdsAfter(created.gateway, null, page.limit - ids.length));
  }
  return ids.map((id) => {
    const c = state.conversations[id]!;
    const open = toOpenInteraction(c);
    return {
      id: c.id,
      status: c.api === 'v2' ? toV2Status(c) : toGatewayState(c),
      createdAt: c.createdAt,
      participants: [c.userParticipantId, ...(open?.agentId ? [open.agentId] : [])],
      detail: {
        api: c.api,
        channelId: c.channelId,
        queueId: open?.queueId ?? c.lastQueueId,
        agentId: open?.agentId ?? null,
        interactions: c.interactions.length,
        messages: c.messages.length,
      },
    };
  });
}
