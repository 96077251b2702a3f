import { getOwn, hasOwn, isSafeKey } from '../../own.ts';
import { createPagedIds, isPagedIds, storedIds } from '../../provider/index.ts';
import {
  type AirkitConversation,
  type AirkitIndex,
  type AirkitMessage,
  type AirkitState,
  type ApiKey,
  applyConversation,
  type Hub,
  type Resource,
} from './model.ts';

/** Every record of an airkit state, as lists (fixtures, or a store written before the state was indexed). */
export type AirkitRecords = {
  apiKeys: ApiKey[];
  hubs: Hub[];
  resources: Resource[];
  conversations: AirkitConversation[];
  messages: AirkitMessage[];
};

/** Builds a state, with its indexes, from records in their order (ids are checked safe as keys at load). */
export function createStateFrom(r: AirkitRecords): AirkitState {
  const s: AirkitState = {
    apiKeys: {},
    hubs: {},
    resources: {},
    conversations: {},
    messages: {},
    index: {
      keys: {},
      conversations: createPagedIds(),
      conversationsOfResource: {},
      messagesOfConversation: {},
    },
  };
  for (const k of r.apiKeys) {
    if (!isSafeKey(k.id)) continue;
    s.apiKeys[k.id] = k;
    s.index.keys[`k:${k.key}`] = k.id;
  }
  for (const h of r.hubs) if (isSafeKey(h.id)) s.hubs[h.id] = h;
  for (const res of r.resources) if (isSafeKey(res.id)) s.resources[res.id] = res;
  for (const c of r.conversations) if (isSafeKey(c.id)) applyConversation(s, c);
  for (const m of r.messages) {
    if (!isSafeKey(m.id) || !hasOwn(s.conversations, m.conversationId)) continue;
    s.messages[m.id] = m;
    getOwn(s.index.messagesOfConversation, m.conversationId)!.push(m.id);
  }
  return s;
}

/** Whether a stored state predates the indexed shape (its collections are lists). */
function isListState(state: unknown): state is AirkitRecords {
  return typeof state === 'object' && state !== null && Array.isArray((state as AirkitRecords).conversations);
}

/** The index as an earlier version kept it: conversation ids in plain arrays. */
type OldIndexState = Omit<AirkitState, 'index'> & {
  index: Pick<AirkitIndex, 'keys' | 'messagesOfConversation'> & {
    conversationIds?: string[];
    conversations?: unknown;
  };
};

/**
 * Whether a stored state keeps its conversation ids in an earlier indexed shape: plain arrays, or paged ids whose
 * buckets were an array.
 */
function isOldIndexState(state: unknown): state is OldIndexState {
  if (typeof state !== 'object' || state === null || isListState(state)) return false;
  const index = (state as { index?: { conversations?: unknown; conversationIds?: unknown } }).index;
  return (
    typeof index === 'object' &&
    index !== null &&
    !isPagedIds(index.conversations) &&
    (Array.isArray(index.conversationIds) || index.conversations !== undefined)
  );
}

/** The records of a state of an earlier indexed shape, in their order (read once, at start). */
function toRecordsOfOldIndex(s: OldIndexState): AirkitRecords {
  const ids = s.index.conversationIds ?? storedIds(s.index.conversations) ?? [];
  const conversations = ids.flatMap((id) => getOwn(s.conversations, id) ?? []);
  return {
    apiKeys: Object.values(s.apiKeys),
    hubs: Object.values(s.hubs),
    resources: Object.values(s.resources),
    conversations,
    messages: conversations.flatMap((c) =>
      (getOwn(s.index.messagesOfConversation, c.id) ?? []).flatMap((id) => getOwn(s.messages, id) ?? []),
    ),
  };
}

/**
 * The records of a state stored by an earlier version (collections as lists, or conversation ids in plain arrays),
 * to index once at start; null when the state has the current shape.
 */
export function toRecordsOfStoredState(state: unknown): AirkitRecords | null {
  if (isListState(state)) return state;
  return isOldIndexState(state) ? toRecordsOfOldIndex(state) : null;
}

/** Replaces a stored state by the one indexed from its records. */
export function applyRecords(draft: AirkitState, records: AirkitRecords): void {
  Object.assign(draft, createStateFrom(records));
}
