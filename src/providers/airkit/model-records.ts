// The records of an airkit state, and the index built from them: at first start (fixtures), when a store of the
// list shape is upgraded, and at every start of a file store (the index is derived state, never stored).
import { getOwn, isSafeKey } from '../../own.ts';
import { PAGED_BUCKET_SIZE, type PagedBucket, type PagedIds } from '../../provider/index.ts';
import type {
  AirkitConversation,
  AirkitIndex,
  AirkitMessage,
  AirkitRecordState,
  AirkitState,
  ApiKey,
  Hub,
  Resource,
} from './model.ts';

/** Every record of an airkit state, as lists (fixtures, or a store written before the state was indexed). */
export type AirkitRecords = {
  apiKeys: ApiKey[];
  hubs: Hub[];
  resources: Resource[];
  conversations: AirkitConversation[];
  messages: AirkitMessage[];
};

/**
 * Builds a state, with its index, from records in their order (ids are checked safe as keys at load). Conversations
 * and messages of a list-shaped store get their `seq` and `position` from the lists' order.
 */
export function createStateFrom(r: AirkitRecords): AirkitState {
  const s: AirkitRecordState = {
    apiKeys: {},
    hubs: {},
    resources: {},
    conversations: {},
    messages: {},
    nextConversationSeq: 0,
  };
  for (const k of r.apiKeys) if (isSafeKey(k.id)) s.apiKeys[k.id] = k;
  for (const h of r.hubs) if (isSafeKey(h.id)) s.hubs[h.id] = h;
  for (const res of r.resources) if (isSafeKey(res.id)) s.resources[res.id] = res;
  const counts: Record<string, number> = {};
  for (const c of r.conversations) {
    if (!isSafeKey(c.id)) continue;
    s.conversations[c.id] = { ...c, seq: s.nextConversationSeq };
    s.nextConversationSeq += 1;
    counts[c.id] = 0;
  }
  for (const m of r.messages) {
    const count = getOwn(counts, m.conversationId);
    if (!isSafeKey(m.id) || count === undefined) continue;
    s.messages[m.id] = { ...m, position: count };
    counts[m.conversationId] = count + 1;
  }
  return { ...s, index: createIndex(s) };
}

/**
 * Conversation ids in start order: those stored by an earlier version (no `seq`) first, in the record's order, then
 * the others by `seq` (already in that order unless the record was rebuilt out of order: then sorted once).
 */
function toIdsInStartOrder(conversations: Record<string, AirkitConversation>): string[] {
  const unnumbered: string[] = [];
  const numbered: string[] = [];
  let sorted = true;
  let last = -1;
  for (const id of Object.keys(conversations)) {
    const seq = conversations[id]!.seq;
    if (seq === undefined) {
      unnumbered.push(id);
      continue;
    }
    if (seq < last) sorted = false;
    last = seq;
    numbered.push(id);
  }
  if (!sorted) numbered.sort((a, b) => conversations[a]!.seq! - conversations[b]!.seq!);
  return unnumbered.length === 0 ? numbered : unnumbered.concat(numbered);
}

/**
 * The index of `s`, built from its records exactly as the transitions keep it: api keys by key, conversations in
 * start order (all, and per resource), each conversation's messages by `position`. The lists' inner layout (slot
 * numbers, bucket bounds) is the one of appending their ids in order; live, it may differ after `applyExpire`
 * (an emptied bucket is dropped, slot numbers are not reused), which no answer shows: page tokens are offsets and
 * cursors are conversation ids (see test/providers/airkit/derived-index.test.ts).
 * Reads plain records (`ctx.state()`), never a draft: one pass over the conversations and one over the messages.
 */
export function createIndex(s: AirkitRecordState): AirkitIndex {
  const keys: Record<string, string> = {};
  // Api keys change only with the fixtures (createState): the live index is this same loop.
  for (const k of Object.values(s.apiKeys)) keys[`k:${k.key}`] = k.id;
  const ids = toIdsInStartOrder(s.conversations);
  const idsOfResource: Record<string, string[]> = {};
  const messagesOfConversation: Record<string, string[]> = {};
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const resourceId = s.conversations[id]!.resourceId;
    const list = getOwn(idsOfResource, resourceId);
    if (list) list.push(id);
    else idsOfResource[resourceId] = [id];
    messagesOfConversation[id] = [];
  }
  const conversationsOfResource: Record<string, PagedIds> = {};
  for (const resourceId of Object.keys(idsOfResource)) {
    conversationsOfResource[resourceId] = toPagedIds(idsOfResource[resourceId]!);
  }
  let misplaced = false;
  for (const id of Object.keys(s.messages)) {
    const m = s.messages[id]!;
    const list = getOwn(messagesOfConversation, m.conversationId);
    if (!list) continue;
    // Messages stored by an earlier version (no position) came first, in the record's order.
    if (m.position !== undefined && m.position !== list.length) misplaced = true;
    list.push(id);
  }
  // Only when the record's order is not the messages' order (a live store never writes it so): sorted once, stable.
  if (misplaced) {
    const at = (id: string) => s.messages[id]!.position ?? -1;
    for (const id of ids) messagesOfConversation[id]!.sort((a, b) => at(a) - at(b));
  }
  return { keys, conversations: toPagedIds(ids), conversationsOfResource, messagesOfConversation };
}

/**
 * The paged list of distinct `ids`, laid out as appending them one by one to an empty list does
 * (`createPagedIdsOf`; derived-index.test.ts checks the two deep-equal), built in one pass: no lookup per id.
 */
function toPagedIds(ids: readonly string[]): PagedIds {
  const slots: Record<string, number> = {};
  const order: number[] = [];
  const buckets: Record<string, PagedBucket> = {};
  for (let from = 0; from < ids.length; from += PAGED_BUCKET_SIZE) {
    const bucketIds = ids.slice(from, from + PAGED_BUCKET_SIZE);
    for (let i = 0; i < bucketIds.length; i++) slots[bucketIds[i]!] = from + i;
    order.push(from);
    buckets[String(from)] = { from, live: bucketIds.length, ids: bucketIds };
  }
  return { size: ids.length, next: ids.length, slots, order, buckets };
}

/** The `nextConversationSeq` of records whose state lost it (a store of an earlier version): after every `seq`. */
export function toNextConversationSeq(conversations: Record<string, AirkitConversation>): number {
  let next = 0;
  for (const id of Object.keys(conversations)) {
    const seq = conversations[id]!.seq;
    if (seq !== undefined && seq >= next) next = seq + 1;
  }
  return next;
}

/** The records of a state stored as lists by an earlier version, to index once at start; null for any other. */
export function toRecordsOfStoredState(state: unknown): AirkitRecords | null {
  const records = state as AirkitRecords | null;
  return typeof records === 'object' && records !== null && Array.isArray(records.conversations)
    ? records
    : null;
}

/** Replaces a stored state by the one indexed from its records. */
export function applyRecords(draft: AirkitState, records: AirkitRecords): void {
  Object.assign(draft, createStateFrom(records));
}
