// The 8x8 conversation state machine, shared by Chat API v2 and Chat Gateway v1.
// Source: seeds/004_1f4e3fa8a13d5760.txt; reference/providers.md section 1.
import { getOwn } from '../../own.ts';
import type { ConversationPage, ListedConversation } from '../../provider/index.ts';
import {
  createSortedIndex,
  insertEntry,
  removeEntry,
  type SortedIndex,
  sliceIdsAfter,
  toEntry,
} from './sorted-index.ts';

/** Which API generation created a resource; each API sees only its own webhooks, channels and conversations. */
export type Api = 'v2' | 'gateway';

/** A contact-center queue (fixture). */
export type Queue = { id: string; name: string; autoAccept?: boolean; autoAcceptDelayMs?: number };
/** A contact-center agent (fixture). */
export type Agent = { id: string; name: string; queues: string[]; available: boolean };

/** A webhook definition; `revision` is the entity version tag used by If-Match. */
export type Webhook = { id: string; api: Api; name: string; uri: string; version: string; revision: number };
/** A Chat API channel: a webhook plus a queue. */
export type Channel = {
  id: string;
  api: Api;
  name: string;
  type?: string;
  webHookId: string;
  routingOptions: { type: 'queue'; id: string };
  revision: number;
};

/** One contact-center interaction of a conversation (one queue offer, at most one agent at a time). */
export type Interaction = {
  id: string;
  queueId: string;
  agentId: string | null;
  startTime: number;
  endTime: number | null;
};

/** A card attached to a Gateway message. */
export type Card = {
  id: string;
  contentType: string;
  content: unknown;
  actionSubmitted: boolean;
  actionExecuted: boolean;
};

/** A message of a conversation, in either API. */
export type Message = {
  id: string;
  interactionId: string;
  authorType: 'user' | 'bot' | 'agent' | 'system';
  participantId: string;
  text: string;
  createdAt: number;
  attachments: { id: string }[];
  cards: Card[];
  externalProvider?: { name: string; externalMessageId: string };
};

/** An uploaded Gateway attachment (content kept base64 in the JSON store). */
export type Attachment = {
  id: string;
  conversationId: string;
  filename: string;
  contentType: string;
  sizeInBytes: number;
  createdAt: number;
  authorType: string;
  /** Origin (scheme://host) of the upload request, for the MESSAGE event's preSignedUrl. */
  origin: string;
  contentBase64: string;
};

/** Gateway user data as sent (`additionalProperties` is a key/value list). */
export type GatewayUser = Record<string, unknown>;

/** A conversation: "forever lasting", a sequence of interactions. */
export type Conversation = {
  id: string;
  /** Creation sequence number (1, 2...): the order of the conversation indexes. */
  seq: number;
  api: Api;
  channelId: string;
  createdAt: number;
  /** v2 `customer` object (string values). */
  customer: Record<string, string>;
  /** Gateway `user` object. */
  user: GatewayUser;
  /** Gateway assignment as the client set it or as routing changed it. */
  assignment: { type: string; id: string };
  /** Participant id of the customer/user in messages and participant lists. */
  userParticipantId: string;
  language: string;
  /** The queue of the last interaction: a message after AGENT_LEFT re-queues here. */
  lastQueueId: string;
  customerLeft: boolean;
  /** Every agent that ever joined (for participant lists). */
  agentIds: string[];
  interactions: Interaction[];
  messages: Message[];
  /** Ids of the Gateway attachments uploaded to this conversation, in upload order. */
  attachmentIds: string[];
};

/** An issued v2 access token. */
export type Token = { issuedAt: number; expiresAt: number };

/**
 * Indexes of the conversations, kept by the transitions that change what they index, so that no request,
 * action or timer has to look through every conversation. Entries are `toEntry(key, seq, id)` strings.
 */
export type ConversationIndexes = {
  v2: {
    /** Every v2 conversation in creation order (the list's `order`). */
    created: SortedIndex;
    /** By channel, keyed `#<channelId>`, in creation order. */
    byChannel: Record<string, SortedIndex>;
    /** By customer `customerId` and `userId` (the `userId` filter), keyed `#<value>`, in creation order. */
    byUser: Record<string, SortedIndex>;
    /** By v2 status (created, pending, handling, deleted), in creation order. */
    byStatus: Record<string, SortedIndex>;
  };
  /** Every Gateway conversation once per sortable field (`sort=id|createdAt|channelId|state`). */
  gateway: { id: SortedIndex; createdAt: SortedIndex; channelId: SortedIndex; state: SortedIndex };
  /** Conversations whose open interaction waits in a queue (auto-accept is armed for them). */
  queued: Record<string, { interactionId: string; queueId: string }>;
};

/** The whole provider state (one JSON document in the store). Every collection is keyed by id. */
export type EightByEightState = {
  tenant: string;
  region: string;
  customerId: string;
  credentials: { apiKey: string; apiSecret: string; gatewayApiKey: string };
  tokenTtlSeconds: number;
  /** Live access tokens by token. */
  tokens: Record<string, Token>;
  /** Tokens in the order they were issued (they expire in that order): a queue, `ids[head..tail)`. */
  tokenQueue: { head: number; tail: number; ids: Record<string, string> };
  queues: Record<string, Queue>;
  agents: Record<string, Agent>;
  /** Agent ids in fixture order: the first available one accepts. */
  agentOrder: string[];
  webhooks: Record<string, Webhook>;
  channels: Record<string, Channel>;
  conversations: Record<string, Conversation>;
  attachments: Record<string, Attachment>;
  index: ConversationIndexes;
  seq: { webhook: number; channel: number; conversation: number };
  signingKey: { kid: string; privateJwk: Record<string, string> };
};

/** Something that happened to a conversation; events.ts turns it into the API's webhook payload(s). */
export type Happening =
  | { kind: 'conversation-update'; state: 'created' | 'active' | 'idle' }
  | { kind: 'queued'; queueId: string }
  | { kind: 'agent-joined'; agentId: string }
  | { kind: 'agent-left'; agentId: string }
  | { kind: 'user-left' }
  | { kind: 'transfer' }
  | { kind: 'agent-message'; messageId: string }
  | { kind: 'agent-typing'; agentId: string; typing: boolean };

/** What a transition asks the glue to do after the state is written. */
export type Outcome = {
  happenings: Happening[];
  /** An interaction that waits in a queue for an agent (auto-accept is scheduled for it). */
  queued?: { interactionId: string; queueId: string };
  signal?: 'conversation.started' | 'conversation.updated' | 'conversation.ended';
};

/** A transition that does not fit the conversation's state. */
export class StateError extends Error {
  override name = 'StateError';
}

/** The conversation's open interaction, if any. */
export function toOpenInteraction(conversation: Conversation): Interaction | undefined {
  const last = conversation.interactions.at(-1);
  return last && last.endTime === null ? last : undefined;
}

/** v2 TransactionStatus of a conversation (simulator choice: derived from the open interaction). */
export function toV2Status(conversation: Conversation): 'created' | 'pending' | 'handling' | 'deleted' {
  const open = toOpenInteraction(conversation);
  if (open) return open.agentId ? 'handling' : 'pending';
  return conversation.customerLeft ? 'deleted' : 'created';
}

/** Gateway state of a conversation: active while an interaction is open, idle after. */
export function toGatewayState(conversation: Conversation): 'active' | 'idle' {
  return toOpenInteraction(conversation) ? 'active' : 'idle';
}

/** Finds a conversation of one API (an id of the other API, or an inherited name, finds nothing). */
export function findConversation(state: EightByEightState, api: Api, id: string): Conversation | undefined {
  const conversation = getOwn(state.conversations, id);
  return conversation?.api === api ? conversation : undefined;
}

/** Finds a web-hook of one API. */
export function findWebhook(state: EightByEightState, api: Api, id: string): Webhook | undefined {
  const webhook = getOwn(state.webhooks, id);
  return webhook?.api === api ? webhook : undefined;
}

/** Finds a channel of one API. */
export function findChannel(state: EightByEightState, api: Api, id: string): Channel | undefined {
  const channel = getOwn(state.channels, id);
  return channel?.api === api ? channel : undefined;
}

/** The first available agent of a queue (fixture order), other than `except`. */
export function findAvailableAgent(
  state: EightByEightState,
  queueId: string,
  except?: string,
): Agent | undefined {
  for (const id of state.agentOrder) {
    const agent = getOwn(state.agents, id);
    if (agent?.available && agent.id !== except && agent.queues.includes(queueId)) return agent;
  }
  return undefined;
}

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
      id: createSortedIndex(),
      createdAt: createSortedIndex(),
      channelId: createSortedIndex(),
      state: createSortedIndex(),
    },
    queued: {},
  };
}

/** What the indexes hold about one conversation; compared before and after a transition. */
export type IndexKeys = {
  channelId: string;
  /** v2 status or Gateway state. */
  status: string;
  queued: { interactionId: string; queueId: string } | null;
};

/** The index keys of a conversation as it is now. */
export function toIndexKeys(conversation: Conversation): IndexKeys {
  const open = toOpenInteraction(conversation);
  return {
    channelId: conversation.channelId,
    status: conversation.api === 'v2' ? toV2Status(conversation) : toGatewayState(conversation),
    queued: open && !open.agentId ? { interactionId: open.id, queueId: open.queueId } : null,
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
  // A new index is written whole, never changed through a reference the draft does not track.
  if (target) insertEntry(target, entry);
  else index[toIndexKey(key)] = { size: 1, buckets: [[entry]] };
}

function unindexIn(index: Record<string, SortedIndex>, key: string, entry: string): void {
  const target = getOwn(index, toIndexKey(key));
  if (!target) return;
  removeEntry(target, entry);
  if (target.size === 0) delete index[toIndexKey(key)];
}

/** Adds a new conversation to every index. */
export function indexConversation(draft: EightByEightState, conversation: Conversation): void {
  const { id, seq } = conversation;
  const keys = toIndexKeys(conversation);
  const index = draft.index;
  if (conversation.api === 'v2') {
    insertEntry(index.v2.created, toEntry('', seq, id));
    indexIn(index.v2.byChannel, keys.channelId, toEntry('', seq, id));
    for (const user of userKeys(conversation)) indexIn(index.v2.byUser, user, toEntry('', seq, id));
    insertEntry(index.v2.byStatus[keys.status]!, toEntry('', seq, id));
  } else {
    insertEntry(index.gateway.id, toEntry(id, seq, id));
    insertEntry(index.gateway.createdAt, toEntry('', seq, id));
    insertEntry(index.gateway.channelId, toEntry(keys.channelId, seq, id));
    insertEntry(index.gateway.state, toEntry(keys.status, seq, id));
  }
  if (keys.queued) index.queued[id] = { ...keys.queued };
}

/** Takes a conversation out of every index (the keys it is indexed under are its current ones). */
export function unindexConversation(draft: EightByEightState, conversation: Conversation): void {
  const { id, seq } = conversation;
  const keys = toIndexKeys(conversation);
  const index = draft.index;
  if (conversation.api === 'v2') {
    removeEntry(index.v2.created, toEntry('', seq, id));
    unindexIn(index.v2.byChannel, keys.channelId, toEntry('', seq, id));
    for (const user of userKeys(conversation)) unindexIn(index.v2.byUser, user, toEntry('', seq, id));
    const byStatus = getOwn(index.v2.byStatus, keys.status);
    if (byStatus) removeEntry(byStatus, toEntry('', seq, id));
  } else {
    removeEntry(index.gateway.id, toEntry(id, seq, id));
    removeEntry(index.gateway.createdAt, toEntry('', seq, id));
    removeEntry(index.gateway.channelId, toEntry(keys.channelId, seq, id));
    removeEntry(index.gateway.state, toEntry(keys.status, seq, id));
  }
  delete index.queued[id];
}

/** Moves a changed conversation in the indexes whose key changed (`before` was taken before the change). */
export function reindexConversation(
  draft: EightByEightState,
  conversation: Conversation,
  before: IndexKeys,
): void {
  const { id, seq } = conversation;
  const after = toIndexKeys(conversation);
  const index = draft.index;
  if (conversation.api === 'v2') {
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
