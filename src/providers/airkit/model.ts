import { getOwn } from '../../own.ts';
import type { ConversationSignal } from '../../provider/index.ts';
import { appendPagedId, createPagedIds, type PagedIds, removePagedId } from '../../provider/index.ts';

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
/** A change of a resource: only the fields it names change. */
export type ResourceChange = Partial<Omit<Resource, 'id'>>;
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
  /**
   * Start order (from `AirkitState.nextConversationSeq`): the listings' order, recorded here because the index is
   * derived state, rebuilt at start. Absent on conversations stored by an earlier version: those came first, in the
   * order of the `conversations` record (insertion order, which snapshot and log keep: `conv_` ids are never
   * integer-like keys).
   */
  seq?: number;
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
  /**
   * Its place among its conversation's messages (0 = first), recorded because the index is rebuilt at start. Absent
   * on messages stored by an earlier version: those came first, in the order of the `messages` record.
   */
  position?: number;
};
/** An API key a third-party system sends as `Authorization: Bearer <key>`. */
export type ApiKey = { id: string; key: string };

/**
 * Indexes kept by the transitions, so that no request reads a whole collection. Derived state (`derived` of the
 * provider definition): a file store neither logs nor snapshots it, and `createIndex` rebuilds it at start.
 */
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

/** The records of an airkit state: what a store keeps (everything but the derived index). */
export type AirkitRecordState = {
  apiKeys: Record<string, ApiKey>;
  hubs: Record<string, Hub>;
  resources: Record<string, Resource>;
  conversations: Record<string, AirkitConversation>;
  messages: Record<string, AirkitMessage>;
  /**
   * The `seq` of the next conversation started. Kept outside the index (it must survive restarts): expiring the
   * newest conversations must not hand their numbers out again.
   */
  nextConversationSeq: number;
};

/** The airkit state: collections keyed by id, and their indexes. */
export type AirkitState = AirkitRecordState & { index: AirkitIndex };

/** Something that happened to a conversation that its third-party system hears of (a webhook). */
export type Happening =
  | { type: 'conversation.started'; conversation: AirkitConversation }
  | { type: 'message.created'; conversation: AirkitConversation; message: AirkitMessage }
  | { type: 'conversation.ended'; conversation: AirkitConversation };

/** What a transition did: its answer, then the webhooks and signals effects.ts performs, in order. */
export type Outcome<T> = { value: T; happenings: Happening[]; signals: ConversationSignal[] };

/** The fields of a new conversation, validated by the rules. */
export type ConversationStart = {
  id: string;
  resource: Resource & { hubId: string };
  customerDestination: CustomerDestination;
  customerIdentifier: string | null;
  managedByThirdPartySystem: boolean;
};

/** A conversation by id (an own entry only). */
export function getConversation(s: AirkitState, id: string): AirkitConversation | undefined {
  return getOwn(s.conversations, id);
}

/** The message ids of a conversation, oldest first. */
export function listMessageIds(s: AirkitState, conversationId: string): readonly string[] {
  return getOwn(s.index.messagesOfConversation, conversationId) ?? [];
}

/** A copy of a conversation (never a draft object: answers outlive the update that made them). */
export function copyConversation(c: AirkitConversation): AirkitConversation {
  return { ...c, customerDestination: { ...c.customerDestination } };
}

/** Only a third-party managed conversation has a third-party system to hear of it. */
function toHappenings(conv: AirkitConversation, happening: Happening): Happening[] {
  return conv.managedByThirdPartySystem ? [happening] : [];
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

/**
 * Starts a conversation: a third-party managed one waits for the third party's first message and tells it
 * (conversation.started); one that is not has no third-party system.
 */
export function applyStart(
  s: AirkitState,
  start: ConversationStart,
  now: number,
): Outcome<AirkitConversation> {
  const conv: AirkitConversation = {
    id: start.id,
    resourceId: start.resource.id,
    hubId: start.resource.hubId,
    channel: start.resource.channel,
    customerDestination: { ...start.customerDestination },
    customerIdentifier: start.customerIdentifier,
    managedByThirdPartySystem: start.managedByThirdPartySystem,
    status: start.managedByThirdPartySystem ? 'awaiting-first-message' : 'unmanaged',
    endedBy: null,
    createdAt: now,
    updatedAt: now,
    seq: s.nextConversationSeq,
  };
  s.nextConversationSeq += 1;
  applyConversation(s, conv);
  const copy = copyConversation(conv);
  return {
    value: copy,
    happenings: toHappenings(conv, { type: 'conversation.started', conversation: copy }),
    signals: [
      {
        type: 'conversation.started',
        conversationId: conv.id,
        data: { resourceId: conv.resourceId, managed: conv.managedByThirdPartySystem, channel: conv.channel },
      },
    ],
  };
}

/**
 * Adds a message and moves the conversation along: the third party's first message makes it active; the end user's
 * message goes to the third-party system (message.created).
 */
export function applyMessage(
  s: AirkitState,
  conversationId: string,
  message: AirkitMessage,
): Outcome<AirkitMessage> {
  const conv = getConversation(s, conversationId)!;
  const messageIds = getOwn(s.index.messagesOfConversation, conversationId)!;
  s.messages[message.id] = { ...message, position: messageIds.length };
  messageIds.push(message.id);
  conv.updatedAt = message.sentAt;
  if (message.sender === 'third-party' && conv.status === 'awaiting-first-message') conv.status = 'active';
  const copy = { ...message };
  return {
    value: copy,
    happenings:
      message.sender === 'customer'
        ? toHappenings(conv, { type: 'message.created', conversation: copyConversation(conv), message: copy })
        : [],
    signals: [
      { type: 'conversation.updated', conversationId, data: { sender: message.sender, text: message.text } },
    ],
  };
}

/** Ends a conversation; when the end user leaves, the third-party system hears of it (conversation.ended). */
export function applyEnd(
  s: AirkitState,
  conversationId: string,
  by: 'customer' | 'third-party',
  now: number,
): Outcome<AirkitConversation> {
  const conv = getConversation(s, conversationId)!;
  conv.status = 'ended';
  conv.endedBy = by;
  conv.updatedAt = now;
  const copy = copyConversation(conv);
  return {
    value: copy,
    happenings:
      by === 'customer' ? toHappenings(conv, { type: 'conversation.ended', conversation: copy }) : [],
    signals: [{ type: 'conversation.ended', conversationId, data: { endedBy: by } }],
  };
}

/** Adds a resource (its id checked new and safe as a key by the rules). */
export function applyResourceCreate(s: AirkitState, resource: Resource): Outcome<Resource> {
  s.resources[resource.id] = { ...resource };
  return { value: { ...resource }, happenings: [], signals: [] };
}

/** Changes the fields of a resource that `change` names; the others keep their values. */
export function applyResourceChange(s: AirkitState, id: string, change: ResourceChange): Outcome<Resource> {
  const resource = getOwn(s.resources, id)!;
  if (change.name !== undefined) resource.name = change.name;
  if (change.hubId !== undefined) resource.hubId = change.hubId;
  if (change.channel !== undefined) resource.channel = change.channel;
  if (change.webhookUrl !== undefined) resource.webhookUrl = change.webhookUrl;
  if (change.secret !== undefined) resource.secret = change.secret;
  return { value: { ...resource }, happenings: [], signals: [] };
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
  // An emptied list goes, as a rebuild from the records would have none (an absent list pages as an empty one).
  if (ofResource && removePagedId(ofResource, conversationId) && ofResource.size === 0)
    delete s.index.conversationsOfResource[conv.resourceId];
  const messageIds = getOwn(s.index.messagesOfConversation, conversationId) ?? [];
  // An indexed loop: the cost is this conversation's messages, read once.
  for (let i = 0; i < messageIds.length; i++) delete s.messages[messageIds[i]!];
  delete s.index.messagesOfConversation[conversationId];
  delete s.conversations[conversationId];
  return true;
}
