import { getOwn } from '../../own.ts';
import type { PagedIds } from '../../provider/index.ts';

type Attrs = Record<string, unknown>;

/** Conversation statuses (Conversation model enum). */
export const CONVERSATION_STATUSES = ['open', 'resolved', 'pending', 'snoozed'] as const;
/** A conversation status. */
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
/** Message types and their integer values (Message model enum). */
export const MESSAGE_TYPES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;
/** A message type name. */
export type MessageTypeName = keyof typeof MESSAGE_TYPES;

/** An account. */
export type Account = { id: number; name: string };
/** A user (agent or administrator) and its access token. */
export type Agent = {
  id: number;
  account_ids: number[];
  name: string;
  email: string;
  role: 'administrator' | 'agent';
  access_token: string;
  availability_status: 'online' | 'busy' | 'offline';
};
/** An agent bot and its access token. */
export type AgentBot = {
  id: number;
  account_id: number;
  name: string;
  access_token: string;
  /** Where the bot's webhooks go (AgentBot#outgoing_url); null: the bot gets none. */
  outgoing_url?: string | null;
  /** The secret its webhooks are signed with. */
  secret?: string;
};
/** An inbox with its channel settings. */
export type Inbox = {
  id: number;
  account_id: number;
  name: string;
  channel_type: string;
  webhook_url: string | null;
  secret: string;
  website_url: string | null;
  lock_to_single_conversation: boolean;
  agent_bot_id: number | null;
  member_ids: number[];
  /** The Client API's identity-validation key (`Channel::Api#hmac_token`); absent in older stores. */
  hmac_token?: string;
  /** Whether the Client API requires `identifier_hash` (`Channel::Api#hmac_mandatory`). */
  hmac_mandatory?: boolean;
};
/** A team. */
export type Team = {
  id: number;
  account_id: number;
  name: string;
  description: string;
  allow_auto_assign: boolean;
  agent_ids: number[];
};
/** A contact. */
export type Contact = {
  id: number;
  account_id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  blocked: boolean;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  created_at: number;
  /** Unset in stores written before contacts could change. */
  updated_at?: number;
  last_activity_at: number | null;
};
/** The link of a contact to an inbox, named by `source_id`. */
export type ContactInbox = {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  hmac_verified: boolean;
  created_at: number;
  updated_at: number;
};
/** A conversation; `display_id` is the per-account number the API calls `id`. */
export type Conversation = {
  id: number;
  display_id: number;
  account_id: number;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  uuid: string;
  status: ConversationStatus;
  assignee_id: number | null;
  team_id: number | null;
  additional_attributes: Attrs;
  custom_attributes: Attrs;
  labels: string[];
  snoozed_until: number | null;
  priority: string | null;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
  waiting_since: number | null;
  first_reply_created_at: number | null;
  agent_last_seen_at: number | null;
  contact_last_seen_at: number | null;
  assignee_last_seen_at: number | null;
  /**
   * Activity rank: the higher, the more recent the last activity (`seq.rank` when it happened). Kept on the record,
   * not in the index, because two activities in the same millisecond are ordered by it and nothing else records
   * that order; the listing buckets are rebuilt from it at start. Stores written before it was kept get one at start
   * (`toFallbackRanks`). Never rendered.
   */
  rank: number;
};
/** An attachment: its metadata and, up to a size, its bytes. */
export type Attachment = {
  id: number;
  file_type: string;
  file_name: string;
  file_size: number;
  content_type: string;
  /** The file's bytes, base64 (absent for larger files and in older stores). */
  data?: string;
  /** Image dimensions (ActiveStorage's analyzer metadata); null for other files. */
  width?: number | null;
  height?: number | null;
};
/** A message. */
export type Message = {
  id: number;
  account_id: number;
  inbox_id: number;
  conversation_id: number;
  content: string | null;
  message_type: MessageTypeName;
  content_type: string;
  content_attributes: Attrs;
  additional_attributes: Attrs;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  source_id: string | null;
  echo_id: string | null;
  sender_type: 'Contact' | 'User' | 'AgentBot' | null;
  sender_id: number | null;
  attachments: Attachment[];
  created_at: number;
  updated_at: number;
};
/** A canned response (saved reply) of an account. */
export type CannedResponse = {
  id: number;
  account_id: number;
  short_code: string;
  content: string;
  created_at: number;
  updated_at: number;
};
/** An account webhook. */
export type Webhook = {
  id: number;
  account_id: number;
  name: string | null;
  url: string;
  subscriptions: string[];
  inbox_id: number | null;
  secret: string;
};

/** Per-conversation data derived from the messages and kept by the transitions. */
export type ConversationEntry = {
  /** Ids of the conversation's messages, oldest first. */
  messageIds: number[];
  /** Number of incoming messages (the unread count while no agent has seen the conversation). */
  incoming: number;
  /** The last non-activity, non-private message (what `messages[]` shows). */
  lastChatId: number | null;
  /** Key of the listing bucket the conversation is in (see `Bucket`). */
  bucket: string;
  /** The neighbour with the next higher rank in the bucket, or null at its head. */
  prev: number | null;
  /** The neighbour with the next lower rank in the bucket, or null at its tail. */
  next: number | null;
};

/**
 * The conversations of one account that share inbox, status, assignee, team and priority, as a list linked through
 * `ConversationEntry.prev/next`, most recent activity first. Listings merge the buckets their filters select,
 * and their counts add up bucket counts, so neither reads more than a page of conversations.
 */
export type Bucket = {
  inbox_id: number;
  status: string;
  assignee_id: number | null;
  team_id: number | null;
  /** Absent in stores written before buckets held one priority: such a bucket may mix priorities. */
  priority?: string | null;
  head: number | null;
  /** The conversation with the lowest rank (absent in older stores). */
  tail?: number | null;
  count: number;
};

/**
 * Indexes kept by the transitions, so that no request reads more than its answer needs. Derived state
 * (`derived: ['index']`): a file store never writes it, and `createIndexFrom` rebuilds all of it from the records at
 * every start, as the transitions keep it.
 */
export type ChatwootIndex = {
  /** `t:<access token>` -> the user or agent bot holding it. */
  tokens: Record<string, { kind: 'user' | 'bot'; id: number }>;
  /** `<account_id>:<display_id>` -> conversation id. */
  displayIds: Record<string, number>;
  /** Conversation id -> its derived data and place in the listing order. */
  conversations: Record<string, ConversationEntry>;
  /** Account id -> bucket key -> bucket. */
  buckets: Record<string, Record<string, Bucket>>;
  /** `<inbox_id>:<source_id>` -> contact inbox id. */
  contactInboxBySource: Record<string, number>;
  /** `s:<source_id>` -> ids of the contact inboxes with that source id (one per inbox). */
  sourceIds: Record<string, number[]>;
  /** Contact id -> ids of its contact inboxes. */
  contactInboxesOfContact: Record<string, number[]>;
  /** Contact inbox id -> its latest conversation id. */
  lastConversationOfContactInbox: Record<string, number>;
  /**
   * Contact id -> ids of its conversations, oldest first (absent in stores written before it existed). Deleted
   * conversations stay listed; readers skip them.
   */
  conversationsOfContact?: Record<string, number[]>;
  /**
   * Account id -> contact ids, oldest first, as paged ids (a contact delete costs a bucket, not the contacts after
   * it). Stores written before hold plain arrays: converted at start (`applyPagedContacts`).
   */
  contactsOfAccount: Record<string, PagedIds>;
  /** `<account_id>:email:<lower-case email>`, `...:phone_number:<number>`, `...:identifier:<id>` -> contact id. */
  contactKeys: Record<string, number>;
  /** Account id -> canned response ids, oldest first (absent in older stores). */
  cannedOfAccount?: Record<string, number[]>;
  /** Account id -> webhook ids, oldest first. */
  webhooksOfAccount: Record<string, number[]>;
  /**
   * Conversation id -> `snoozed_until` of the snoozed conversations that have one, so their reopening is re-armed at
   * start (absent in stores written before it existed: built once at start).
   */
  snoozed?: Record<string, number>;
};

/** The whole chatwoot state: collections keyed by id, their indexes and the id sequences. */
export type ChatwootState = {
  accounts: Record<string, Account>;
  agents: Record<string, Agent>;
  agentBots: Record<string, AgentBot>;
  inboxes: Record<string, Inbox>;
  teams: Record<string, Team>;
  contacts: Record<string, Contact>;
  contactInboxes: Record<string, ContactInbox>;
  conversations: Record<string, Conversation>;
  messages: Record<string, Message>;
  webhooks: Record<string, Webhook>;
  /** Absent in stores written before canned responses existed. */
  cannedResponses?: Record<string, CannedResponse>;
  index: ChatwootIndex;
  /** Last used ids; `displayIds` is per account; `rank` orders conversation activity. */
  seq: {
    contact: number;
    contactInbox: number;
    conversation: number;
    message: number;
    attachment: number;
    webhook: number;
    /** Absent in older stores. */
    canned?: number;
    rank: number;
    displayIds: Record<string, number>;
  };
};

/** Subscriptions a webhook gets when none are given (the webhooks table default). */
export const DEFAULT_SUBSCRIPTIONS = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
] as const;

/** Events a webhook may subscribe to. */
export const WEBHOOK_EVENTS = [
  ...DEFAULT_SUBSCRIPTIONS,
  'conversation_typing_on',
  'conversation_typing_off',
  'inbox_created',
  'inbox_updated',
] as const;

/** Who a message or typing event comes from. */
export type Sender = { type: 'Contact' | 'User' | 'AgentBot'; id: number };

/** The id scenarios and the admin API use for a conversation: `<account_id>:<display_id>`. */
export function toConversationKey(c: Pick<Conversation, 'account_id' | 'display_id'>): string {
  return `${c.account_id}:${c.display_id}`;
}

/** A conversation by its internal id. */
export function getConversation(s: ChatwootState, id: number): Conversation | undefined {
  return getOwn(s.conversations, String(id));
}

/** The derived data of a conversation (every stored conversation has one). */
export function getEntry(s: ChatwootState, conversationId: number): ConversationEntry {
  return getOwn(s.index.conversations, String(conversationId))!;
}

/** Finds a conversation by account and display id. */
export function findConversation(
  s: ChatwootState,
  accountId: number,
  displayId: number,
): Conversation | undefined {
  const id = getOwn(s.index.displayIds, `${accountId}:${displayId}`);
  return id === undefined ? undefined : getConversation(s, id);
}

/** Finds a conversation by its key `<account>:<display>` or a bare display id (first account having it). */
export function findConversationByKey(s: ChatwootState, key: string): Conversation | undefined {
  const m = /^(\d+):(\d+)$/.exec(key);
  if (m) return findConversation(s, Number(m[1]), Number(m[2]));
  if (!/^\d+$/.test(key)) return undefined;
  // Accounts come from fixtures: few.
  for (const account of Object.values(s.accounts)) {
    const conv = findConversation(s, account.id, Number(key));
    if (conv) return conv;
  }
  return undefined;
}

/** The last non-activity, non-private message of a conversation (what `messages[]` shows). */
export function findLastChatMessage(s: ChatwootState, conversationId: number): Message | undefined {
  const id = getOwn(s.index.conversations, String(conversationId))?.lastChatId ?? null;
  return id === null ? undefined : getOwn(s.messages, String(id));
}

/** The last message of a conversation, of any kind (what the REST partial's `messages[]` shows). */
export function findLastMessage(s: ChatwootState, conversationId: number): Message | undefined {
  const ids = getOwn(s.index.conversations, String(conversationId))?.messageIds ?? [];
  const id = ids[ids.length - 1];
  return id === undefined ? undefined : getOwn(s.messages, String(id));
}

/** The last incoming message of a conversation, newest first (a conversation's own messages only). */
export function findLastIncoming(s: ChatwootState, conversationId: number): Message | undefined {
  const ids = getOwn(s.index.conversations, String(conversationId))?.messageIds ?? [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const m = getOwn(s.messages, String(ids[i]))!;
    if (m.message_type === 'incoming') return m;
  }
  return undefined;
}

/** `unread_incoming_messages` loads at most the last 10 (`.incoming.last(10)`), so its count stops at 10. */
const UNREAD_CAP = 10;

/**
 * Incoming messages the agents have not seen (`unread_incoming_messages.count`): all of them while
 * `agent_last_seen_at` is unset, else those created after it, counted from the newest back and capped at 10.
 */
export function countUnread(s: ChatwootState, c: Conversation): number {
  const entry = getEntry(s, c.id);
  if (c.agent_last_seen_at === null) return Math.min(UNREAD_CAP, entry.incoming);
  let unread = 0;
  for (let i = entry.messageIds.length - 1; i >= 0 && unread < UNREAD_CAP; i--) {
    const m = getOwn(s.messages, String(entry.messageIds[i]))!;
    if (m.created_at <= c.agent_last_seen_at) break;
    if (m.message_type === 'incoming') unread++;
  }
  return unread;
}
