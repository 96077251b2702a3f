// The conversation indexes of the 8x8 state, kept by the transitions that change what they index, so that no
// request, action or timer looks through every conversation. Entries are `toEntry(key, seq, id)` strings.
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { onRollback, raw, unloggedRaw } from '../../provider/index.ts';
import {
  type Conversation,
  type ConversationIndexes,
  type EightByEightState,
  toGatewayState,
  toOpenInteraction,
  toV2Status,
} from './model.ts';
import {
  compareEntries,
  compareIds,
  createSortedIndex,
  createSortedIndexFrom,
  createSortedIndexOf,
  insertEntry,
  removeEntry,
  type SortedIndex,
  sortIds,
  toEntry,
} from './model-sorted-index.ts';

/** The key of an index record for a value that may come from a request (never `__proto__`). */
export const toIndexKey = (value: string) => `#${value}`;

/** Empty conversation indexes. */
export function createConversationIndexes(): ConversationIndexes {
  return {
    v2: {
      created: createSortedIndex(),
      byChannel: {},
      byUser: {},
      byStatus: {
        created: createSortedIndex(),
        pending: createSortedIndex(),
        handling: createSortedIndex(),
        deleted: createSortedIndex(),
      },
    },
    gateway: {
      id: createSortedIndex(true),
      createdAt: createSortedIndex(),
      channelId: createSortedIndex(),
      state: createSortedIndex(),
    },
    queued: {},
    handovers: {},
  };
}

/** What the indexes hold about one conversation; compared before and after a transition. */
type IndexKeys = {
  channelId: string;
  /** v2 status or Gateway state. */
  status: string;
  queued: { interactionId: string; queueId: string } | null;
  /** When the conversation's post-agent phase ends by itself, if it does. */
  deadline: number | null;
};

/** The index keys of a conversation as it is now. */
function toIndexKeys(conversation: Conversation): IndexKeys {
  const open = toOpenInteraction(conversation);
  return {
    channelId: conversation.channelId,
    status: conversation.api === 'v2' ? toV2Status(conversation) : toGatewayState(conversation),
    queued: open && !open.agentId ? { interactionId: open.id, queueId: open.queueId } : null,
    deadline: conversation.handover?.deadline ?? null,
  };
}

function userKeys(conversation: Conversation): string[] {
  const { customerId, userId } = conversation.customer;
  const keys = customerId === undefined ? [] : [customerId];
  if (userId !== undefined && userId !== customerId) keys.push(userId);
  return keys;
}

function indexIn(index: Record<string, SortedIndex>, key: string, entry: string): void {
  const target = getOwn(index, toIndexKey(key));
  if (target) insertEntry(target, entry);
  else index[toIndexKey(key)] = createSortedIndexOf(entry);
}

function unindexIn(index: Record<string, SortedIndex>, key: string, entry: string): void {
  const target = getOwn(index, toIndexKey(key));
  if (!target) return;
  removeEntry(target, entry);
  if (target.size === 0) delete index[toIndexKey(key)];
}

/**
 * The indexes behind the draft. They are derived state (never logged): a transition changes them natively, with no
 * proxy trap per read and write, and registers one undo (`onRollback`) for all it changed. Refused where changes are
 * logged: the log would grow with the index.
 */
function indexesBehind(draft: EightByEightState): ConversationIndexes {
  const index = unloggedRaw(draft.index);
  if (!index)
    throw new Error('The 8x8 indexes are derived state: they cannot be changed where changes are logged.');
  return index;
}

/** What a conversation is indexed under, read once (plain values: an undo must not read the draft again). */
type Indexed = { id: string; seq: number; api: Conversation['api']; users: string[]; keys: IndexKeys };

function toIndexed(conversation: Conversation, keys?: IndexKeys): Indexed {
  const c = raw(conversation);
  return { id: c.id, seq: c.seq, api: c.api, users: userKeys(c), keys: keys ?? toIndexKeys(c) };
}

function addToIndexes(index: ConversationIndexes, { id, seq, api, users, keys }: Indexed): void {
  if (api === 'v2') {
    insertEntry(index.v2.created, toEntry('', seq, id));
    indexIn(index.v2.byChannel, keys.channelId, toEntry('', seq, id));
    for (const user of users) indexIn(index.v2.byUser, user, toEntry('', seq, id));
    insertEntry(index.v2.byStatus[keys.status]!, toEntry('', seq, id));
  } else {
    insertEntry(index.gateway.id, id);
    insertEntry(index.gateway.createdAt, toEntry('', seq, id));
    insertEntry(index.gateway.channelId, toEntry(keys.channelId, seq, id));
    insertEntry(index.gateway.state, toEntry(keys.status, seq, id));
  }
  if (keys.queued) index.queued[id] = { ...keys.queued };
  if (keys.deadline !== null) index.handovers[id] = keys.deadline;
}

function removeFromIndexes(index: ConversationIndexes, { id, seq, api, users, keys }: Indexed): void {
  if (api === 'v2') {
    removeEntry(index.v2.created, toEntry('', seq, id));
    unindexIn(index.v2.byChannel, keys.channelId, toEntry('', seq, id));
    for (const user of users) unindexIn(index.v2.byUser, user, toEntry('', seq, id));
    const byStatus = getOwn(index.v2.byStatus, keys.status);
    if (byStatus) removeEntry(byStatus, toEntry('', seq, id));
  } else {
    removeEntry(index.gateway.id, id);
    removeEntry(index.gateway.createdAt, toEntry('', seq, id));
    removeEntry(index.gateway.channelId, toEntry(keys.channelId, seq, id));
    removeEntry(index.gateway.state, toEntry(keys.status, seq, id));
  }
  delete index.queued[id];
  delete index.handovers[id];
}

/** Moves a conversation in the indexes whose key differs between `before` and `after`. */
function moveInIndexes(index: ConversationIndexes, item: Indexed, before: IndexKeys, after: IndexKeys): void {
  const { id, seq, api } = item;
  if (api === 'v2') {
    if (after.channelId !== before.channelId) {
      unindexIn(index.v2.byChannel, before.channelId, toEntry('', seq, id));
      indexIn(index.v2.byChannel, after.channelId, toEntry('', seq, id));
    }
    if (after.status !== before.status) {
      removeEntry(index.v2.byStatus[before.status]!, toEntry('', seq, id));
      insertEntry(index.v2.byStatus[after.status]!, toEntry('', seq, id));
    }
  } else {
    if (after.channelId !== before.channelId) {
      removeEntry(index.gateway.channelId, toEntry(before.channelId, seq, id));
      insertEntry(index.gateway.channelId, toEntry(after.channelId, seq, id));
    }
    if (after.status !== before.status) {
      removeEntry(index.gateway.state, toEntry(before.status, seq, id));
      insertEntry(index.gateway.state, toEntry(after.status, seq, id));
    }
  }
  const was = before.queued;
  const now = after.queued;
  if (now && (!was || was.interactionId !== now.interactionId || was.queueId !== now.queueId)) {
    index.queued[id] = { ...now };
  } else if (!now && was) {
    delete index.queued[id];
  }
  if (after.deadline !== before.deadline) {
    if (after.deadline === null) delete index.handovers[id];
    else index.handovers[id] = after.deadline;
  }
}

/** Adds a new conversation to every index. */
export function indexConversation(draft: EightByEightState, conversation: Conversation): void {
  const index = indexesBehind(draft);
  const item = toIndexed(conversation);
  addToIndexes(index, item);
  onRollback(draft.index, () => removeFromIndexes(index, item));
}

/** Takes a conversation out of every index (the keys it is indexed under are its current ones). */
export function unindexConversation(draft: EightByEightState, conversation: Conversation): void {
  const index = indexesBehind(draft);
  const item = toIndexed(conversation);
  removeFromIndexes(index, item);
  onRollback(draft.index, () => addToIndexes(index, item));
}

/** Runs `change` on a conversation of the draft, then moves it in the indexes whose keys changed. */
export function changeConversation<T>(
  draft: EightByEightState,
  id: string,
  change: (conversation: Conversation) => T,
): T {
  const conversation = getOwn(draft.conversations, id);
  if (!conversation) throw new Error(`Conversation ${toEcho(id)} was not found.`);
  const before = toIndexKeys(raw(conversation));
  const result = change(conversation);
  // Most changes (a message, a read mark) move no index key: nothing more is read or built for them.
  const after = toIndexKeys(raw(conversation));
  if (isSameKeys(before, after)) return result;
  const index = indexesBehind(draft);
  const item = toIndexed(conversation, after);
  moveInIndexes(index, item, before, after);
  onRollback(draft.index, () => moveInIndexes(index, item, after, before));
  return result;
}

function isSameKeys(a: IndexKeys, b: IndexKeys): boolean {
  return (
    a.channelId === b.channelId &&
    a.status === b.status &&
    a.deadline === b.deadline &&
    a.queued?.interactionId === b.queued?.interactionId &&
    a.queued?.queueId === b.queued?.queueId
  );
}

/**
 * The indexes of `conversations`, built from the records: the index is derived state, which a file store neither
 * logs nor snapshots, so it is rebuilt at every start. Holds what the transitions keep, entry for entry in the same
 * order. The bucket layout (keys, splits) is the one appending in order builds; the transitions' may differ after
 * inserts in the middle and removals, which no answer shows: listings read entries in order, and what a client
 * pages with is a page number or a conversation id, never a bucket or page key. Reads plain objects (not a draft):
 * one pass over the conversations, plus sorting the Gateway ids and the distinct channel and state keys.
 */
export function toConversationIndexes(conversations: Record<string, Conversation>): ConversationIndexes {
  const all = Object.values(conversations);
  // Conversations are added in creation order, so this is sorted already unless a store was edited by hand.
  if (!isInSeqOrder(all)) all.sort((a, b) => a.seq - b.seq);
  const v2Created: string[] = [];
  const byChannel = new Map<string, string[]>();
  const byUser = new Map<string, string[]>();
  const byStatus: Record<string, string[]> = { created: [], pending: [], handling: [], deleted: [] };
  const gatewayIds: string[] = [];
  const gatewayCreated: string[] = [];
  const gatewayByChannel = new Map<string, string[]>();
  const gatewayByState = new Map<string, string[]>();
  const queued: ConversationIndexes['queued'] = {};
  const handovers: Record<string, number> = {};
  for (const conversation of all) {
    const { id, seq } = conversation;
    // `toEntry('', seq, id)`: every entry of the conversation is its key followed by this.
    const tail = toEntry('', seq, id);
    const open = toOpenInteraction(conversation);
    if (conversation.api === 'v2') {
      v2Created.push(tail);
      pushTo(byChannel, toIndexKey(conversation.channelId), tail);
      for (const user of userKeys(conversation)) pushTo(byUser, toIndexKey(user), tail);
      byStatus[toV2Status(conversation)]!.push(tail);
    } else {
      gatewayIds.push(id);
      gatewayCreated.push(tail);
      pushTo(gatewayByChannel, conversation.channelId, conversation.channelId + tail);
      const state = toGatewayState(conversation);
      pushTo(gatewayByState, state, state + tail);
    }
    if (open && !open.agentId) queued[id] = { interactionId: open.id, queueId: open.queueId };
    const deadline = conversation.handover?.deadline ?? null;
    if (deadline !== null) handovers[id] = deadline;
  }
  const index = createConversationIndexes();
  index.v2.created = createSortedIndexFrom(v2Created);
  for (const [key, entries] of byChannel) index.v2.byChannel[key] = createSortedIndexFrom(entries);
  for (const [key, entries] of byUser) index.v2.byUser[key] = createSortedIndexFrom(entries);
  for (const status of Object.keys(byStatus))
    index.v2.byStatus[status] = createSortedIndexFrom(byStatus[status]!);
  index.gateway.id = createSortedIndexFrom(sortIds(gatewayIds), true);
  index.gateway.createdAt = createSortedIndexFrom(gatewayCreated);
  index.gateway.channelId = createSortedIndexFrom(toKeyedEntries(gatewayByChannel));
  index.gateway.state = createSortedIndexFrom(toKeyedEntries(gatewayByState));
  index.queued = queued;
  index.handovers = handovers;
  return index;
}

function isInSeqOrder(conversations: readonly Conversation[]): boolean {
  for (let i = 1; i < conversations.length; i++)
    if (conversations[i - 1]!.seq > conversations[i]!.seq) return false;
  return true;
}

function pushTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

/**
 * The entries of groups (one per key, each in creation order) in index order: keys compared as ids, then creation
 * order. Keys that compare equal (`"1"` and `"01"`, both numbers) share one run, sorted as `compareEntries` orders
 * it (by creation order).
 */
function toKeyedEntries(groups: Map<string, string[]>): string[] {
  const keys = [...groups.keys()].sort(compareIds);
  const entries: string[] = [];
  for (let i = 0; i < keys.length; ) {
    let end = i + 1;
    while (end < keys.length && compareIds(keys[i]!, keys[end]!) === 0) end += 1;
    const run = end - i === 1 ? groups.get(keys[i]!)! : keys.slice(i, end).flatMap((key) => groups.get(key)!);
    if (end - i > 1) run.sort(compareEntries);
    for (const entry of run) entries.push(entry);
    i = end;
  }
  return entries;
}
