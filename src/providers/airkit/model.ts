import { getOwn, hasOwn, isSafeKey } from '../../own.ts';
import type { AirkitFixtures } from './fixtures.ts';
import { appendPagedId, createPagedIds, isPagedIds, type PagedIds, removePagedId } from './model-pages.ts';

/** A Conversation Hub. */
export type Hub = { id: string; name: string };
/** A Conversation Hub channel resource. */
export type Resource = {
  id: string;
  name: string;
  hubId: string | null;
  channel: 'chat' | 'sms';
  webhookUrl: string | null;
  secret: string;
};
/** The Customer Destination: a Text (chat web control session id) or a Phone (SMS). */
export type CustomerDestination =
  | { type: 'Text'; sessionId: string }
  | { type: 'Phone'; phoneNumber: string };
/** Conversation life: waiting for the third party's first message, active, ended; or not third-party managed. */
export type ConversationStatus = 'awaiting-first-message' | 'active' | 'unmanaged' | 'ended';
/** A conversation started by the Start Conversation action. */
export type AirkitConversation = {
  id: string;
  resourceId: string;
  hubId: string;
  channel: 'chat' | 'sms';
  customerDestination: CustomerDestination;
  customerIdentifier: string | null;
  managedByThirdPartySystem: boolean;
  status: ConversationStatus;
  endedBy: 'customer' | 'third-party' | null;
  createdAt: number;
  updatedAt: number;
};
/** Who wrote a message: the third-party system (to the end user) or the end user. */
export type MessageSender = 'third-party' | 'customer';
/** One message of a conversation. */
export type AirkitMessage = {
  id: string;
  conversationId: string;
  sender: MessageSender;
  text: string;
  sentAt: number;
  /** For third-party messages: whether the simulated end user received it (web chat session or phone). */
  delivered: boolean;
};
/** An API key a third-party system sends as `Authorization: Bearer <key>`. */
export type ApiKey = { id: string; key: string };

/** Indexes kept by the transitions, so that no request reads a whole collection. */
export type AirkitIndex = {
  /** `k:<api key>` -> api key id. */
  keys: Record<string, string>;
  /** Conversation ids, oldest first: the listing order. */
  conversations: PagedIds;
  /** Resource id -> ids of its conversations, oldest first. */
  conversationsOfResource: Record<string, PagedIds>;
  /** Conversation id -> ids of its messages, oldest first. */
  messagesOfConversation: Record<string, string[]>;
};

/** The airkit state: collections keyed by id, and their indexes. */
export type AirkitState = {
  apiKeys: Record<string, ApiKey>;
  hubs: Record<string, Hub>;
  resources: Record<string, Resource>;
  conversations: Record<string, AirkitConversation>;
  messages: Record<string, AirkitMessage>;
  index: AirkitIndex;
};

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

/** Builds the initial state from merged fixtures. */
export function createAirkitState(f: AirkitFixtures): AirkitState {
  return createStateFrom({
    apiKeys: (f.apiKeys ?? []).map((k) => ({ ...k })),
    hubs: (f.hubs ?? []).map((h) => ({ ...h })),
    resources: (f.resources ?? []).map((res) => ({ ...res })),
    conversations: [],
    messages: [],
  });
}

/** Whether a stored state predates the indexed shape (its collections are lists). */
export function isListState(state: unknown): state is AirkitRecords {
  return typeof state === 'object' && state !== null && Array.isArray((state as AirkitRecords).conversations);
}

/** The index as an earlier version kept it: conversation ids in plain arrays. */
type ArrayIndexState = Omit<AirkitState, 'index'> & {
  index: Pick<AirkitIndex, 'keys' | 'messagesOfConversation'> & { conversationIds: string[] };
};

/** Whether a stored state keeps its conversation ids in plain arrays (an earlier indexed shape). */
export function isArrayIndexState(state: unknown): state is ArrayIndexState {
  if (typeof state !== 'object' || state === null || isListState(state)) return false;
  const index = (state as { index?: { conversations?: unknown; conversationIds?: unknown } }).index;
  return (
    typeof index === 'object' &&
    index !== null &&
    !isPagedIds(index.conversations) &&
    Array.isArray(index.conversationIds)
  );
}

/** The records of a state whose conversation ids are plain arrays, in their order (read once, at start). */
export function toRecordsOfArrayIndex(s: ArrayIndexState): AirkitRecords {
  const conversations = s.index.conversationIds.flatMap((id) => getOwn(s.conversations, id) ?? []);
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

/** A conversation by id (an own entry only). */
export function getConversation(s: AirkitState, id: string): AirkitConversation | undefined {
  return getOwn(s.conversations, id);
}

/** The message ids of a conversation, oldest first. */
export function listMessageIds(s: AirkitState, conversationId: string): readonly string[] {
  return getOwn(s.index.messagesOfConversation, conversationId) ?? [];
}

/** Adds a conversation and indexes it by resource and in the listing order. */
export function applyConversation(s: AirkitState, conv: AirkitConversation): void {
  s.conversations[conv.id] = conv;
  appendPagedId(s.index.conversations, conv.id);
  if (!getOwn(s.index.conversationsOfResource, conv.resourceId))
    s.index.conversationsOfResource[conv.resourceId] = createPagedIds();
  appendPagedId(getOwn(s.index.conversationsOfResource, conv.resourceId)!, conv.id);
  s.index.messagesOfConversation[conv.id] = [];
}

/** Adds a message and moves the conversation along (the third party's first message makes it active). */
export function applyMessage(s: AirkitState, conversationId: string, message: AirkitMessage): void {
  const conv = getConversation(s, conversationId)!;
  s.messages[message.id] = message;
  getOwn(s.index.messagesOfConversation, conversationId)!.push(message.id);
  conv.updatedAt = message.sentAt;
  if (message.sender === 'third-party' && conv.status === 'awaiting-first-message') conv.status = 'active';
}

/** Ends a conversation. */
export function applyEnd(
  s: AirkitState,
  conversationId: string,
  by: 'customer' | 'third-party',
  now: number,
): void {
  const conv = getConversation(s, conversationId)!;
  conv.status = 'ended';
  conv.endedBy = by;
  conv.updatedAt = now;
}

/**
 * Deletes an ended conversation with its messages and its index entries (start order, its resource's list, its
 * message list), for `--retain`. Costs what the conversation holds. A conversation that is gone or not ended is
 * left alone (false).
 */
export function applyExpire(s: AirkitState, conversationId: string): boolean {
  const conv = getConversation(s, conversationId);
  if (conv?.status !== 'ended') return false;
  removePagedId(s.index.conversations, conversationId);
  const ofResource = getOwn(s.index.conversationsOfResource, conv.resourceId);
  if (ofResource) removePagedId(ofResource, conversationId);
  const messageIds = getOwn(s.index.messagesOfConversation, conversationId) ?? [];
  // An indexed loop: the cost is this conversation's messages, read once.
  for (let i = 0; i < messageIds.length; i++) delete s.messages[messageIds[i]!];
  delete s.index.messagesOfConversation[conversationId];
  delete s.conversations[conversationId];
  return true;
}
