// The state transitions of the chatwoot provider: every change of a record also updates the indexes that
// derive from it, so that no request needs to read a whole collection.
import { getOwn, hasOwn } from '../../own.ts';
import type { ChatwootFixtures } from './fixtures.ts';
import {
  type Account,
  type Agent,
  type AgentBot,
  type Attachment,
  type ChatwootState,
  type Contact,
  type ContactInbox,
  type Conversation,
  type ConversationEntry,
  type ConversationStatus,
  DEFAULT_SUBSCRIPTIONS,
  getConversation,
  getEntry,
  type Inbox,
  type Message,
  type MessageTypeName,
  type Team,
  type Webhook,
} from './model.ts';

type Attrs = Record<string, unknown>;

/** Appends `value` to the id list stored under `key`, creating it. */
function pushTo(record: Record<string, number[]>, key: string, value: number): void {
  const list = getOwn(record, key);
  if (list) list.push(value);
  else record[key] = [value];
}

/** The index key of a contact's unique field in its account (e-mail case-insensitive). */
export function toContactKey(
  accountId: number,
  field: 'email' | 'phone_number' | 'identifier',
  value: string,
): string {
  return `${accountId}:${field}:${field === 'email' ? value.toLowerCase() : value}`;
}

function storeContact(s: ChatwootState, contact: Contact): void {
  s.contacts[String(contact.id)] = contact;
  pushTo(s.index.contactsOfAccount, String(contact.account_id), contact.id);
  for (const field of ['email', 'phone_number', 'identifier'] as const) {
    const value = contact[field];
    if (value !== null) s.index.contactKeys[toContactKey(contact.account_id, field, value)] = contact.id;
  }
}

function storeContactInbox(s: ChatwootState, ci: ContactInbox): void {
  s.contactInboxes[String(ci.id)] = ci;
  s.index.contactInboxBySource[`${ci.inbox_id}:${ci.source_id}`] = ci.id;
  pushTo(s.index.sourceIds, `s:${ci.source_id}`, ci.id);
  pushTo(s.index.contactInboxesOfContact, String(ci.contact_id), ci.id);
}

/** What a new contact needs; id and times are filled by `applyContact`. */
export type NewContact = Omit<Contact, 'id' | 'blocked' | 'created_at' | 'last_activity_at'>;

/** Adds a contact and indexes it; returns its id. */
export function applyContact(s: ChatwootState, input: NewContact, now: number): number {
  s.seq.contact += 1;
  const id = s.seq.contact;
  storeContact(s, { id, ...input, blocked: false, created_at: now, last_activity_at: null });
  return id;
}

/** Adds a contact inbox and indexes it by (inbox, source_id), source_id and contact; returns its id. */
export function applyContactInbox(
  s: ChatwootState,
  input: Pick<ContactInbox, 'contact_id' | 'inbox_id' | 'source_id'>,
  now: number,
): number {
  s.seq.contactInbox += 1;
  const id = s.seq.contactInbox;
  storeContactInbox(s, { id, ...input, hmac_verified: false, created_at: now, updated_at: now });
  return id;
}

/** Adds a webhook and indexes it by account. */
export function applyWebhook(s: ChatwootState, webhook: Webhook): void {
  s.webhooks[String(webhook.id)] = webhook;
  pushTo(s.index.webhooksOfAccount, String(webhook.account_id), webhook.id);
}

/** Removes a webhook and its index entry (an account has few webhooks). */
export function applyWebhookRemoval(s: ChatwootState, webhookId: number): void {
  const webhook = getOwn(s.webhooks, String(webhookId));
  if (!webhook) return;
  delete s.webhooks[String(webhookId)];
  const ids = getOwn(s.index.webhooksOfAccount, String(webhook.account_id)) ?? [];
  const at = ids.indexOf(webhookId);
  if (at >= 0) ids.splice(at, 1);
}

/** Every record of a chatwoot state, as lists (fixtures, or a store written before the state was indexed). */
export type ChatwootRecords = {
  accounts: Account[];
  agents: Agent[];
  agentBots: AgentBot[];
  inboxes: Inbox[];
  teams: Team[];
  contacts: Contact[];
  contactInboxes: ContactInbox[];
  conversations: Conversation[];
  messages: Message[];
  webhooks: Webhook[];
};

const maxId = (items: ReadonlyArray<{ id: number }>) => items.reduce((m, i) => Math.max(m, i.id), 0);

/**
 * Builds a state, with all its indexes, from records. Conversations enter the listing order by last activity, then
 * id; `seq` keeps the given sequences (display ids...) and otherwise starts after the largest ids.
 */
export function createStateFrom(r: ChatwootRecords, seq: Partial<ChatwootState['seq']> = {}): ChatwootState {
  const s: ChatwootState = {
    accounts: {},
    agents: {},
    agentBots: {},
    inboxes: {},
    teams: {},
    contacts: {},
    contactInboxes: {},
    conversations: {},
    messages: {},
    webhooks: {},
    index: {
      tokens: {},
      displayIds: {},
      conversations: {},
      buckets: {},
      contactInboxBySource: {},
      sourceIds: {},
      contactInboxesOfContact: {},
      lastConversationOfContactInbox: {},
      contactsOfAccount: {},
      contactKeys: {},
      webhooksOfAccount: {},
    },
    seq: {
      contact: maxId(r.contacts),
      contactInbox: maxId(r.contactInboxes),
      conversation: maxId(r.conversations),
      message: maxId(r.messages),
      attachment: 0,
      webhook: maxId(r.webhooks),
      rank: 0,
      displayIds: {},
      ...seq,
    },
  };
  for (const a of r.accounts) s.accounts[String(a.id)] = a;
  for (const a of r.agents) {
    s.agents[String(a.id)] = a;
    s.index.tokens[`t:${a.access_token}`] = { kind: 'user', id: a.id };
  }
  for (const b of r.agentBots) {
    s.agentBots[String(b.id)] = b;
    // A user's token wins over a bot's, as the token lookup tries users first.
    if (!hasOwn(s.index.tokens, `t:${b.access_token}`))
      s.index.tokens[`t:${b.access_token}`] = { kind: 'bot', id: b.id };
  }
  for (const i of r.inboxes) s.inboxes[String(i.id)] = i;
  for (const t of r.teams) s.teams[String(t.id)] = t;
  for (const c of r.contacts) storeContact(s, c);
  for (const ci of r.contactInboxes) storeContactInbox(s, ci);
  for (const w of r.webhooks) applyWebhook(s, w);
  const byActivity = [...r.conversations].sort(
    (a, b) => a.last_activity_at - b.last_activity_at || a.id - b.id,
  );
  for (const c of byActivity) {
    s.conversations[String(c.id)] = c;
    indexNewConversation(s, c);
  }
  for (const c of [...r.conversations].sort((a, b) => a.id - b.id)) {
    s.index.lastConversationOfContactInbox[String(c.contact_inbox_id)] = c.id;
  }
  for (const m of [...r.messages].sort((a, b) => a.id - b.id)) {
    const entry = getOwn(s.index.conversations, String(m.conversation_id));
    if (!entry) continue;
    s.messages[String(m.id)] = m;
    entry.messageIds.push(m.id);
    if (m.message_type === 'incoming') entry.incoming += 1;
    if (m.message_type !== 'activity' && !m.private) entry.lastChatId = m.id;
    for (const a of m.attachments) s.seq.attachment = Math.max(s.seq.attachment, a.id);
  }
  return s;
}

/** Builds the initial state from merged fixtures; missing secrets come from `makeSecret` (seeded). */
export function createChatwootState(
  f: ChatwootFixtures,
  now: number,
  makeSecret: () => string,
): ChatwootState {
  return createStateFrom({
    accounts: (f.accounts ?? []).map((a) => ({ ...a })),
    agents: (f.agents ?? []).map((a) => ({ ...a, account_ids: [...a.account_ids] })),
    agentBots: (f.agent_bots ?? []).map((b) => ({ ...b })),
    inboxes: (f.inboxes ?? []).map((i) => ({ ...i, secret: i.secret ?? makeSecret() })),
    teams: (f.teams ?? []).map((t) => ({ ...t, agent_ids: [...t.agent_ids] })),
    contacts: (f.contacts ?? []).map((c) => ({ ...c, created_at: now, last_activity_at: null })),
    contactInboxes: (f.contact_inboxes ?? []).map((ci) => ({
      ...ci,
      hmac_verified: false,
      created_at: now,
      updated_at: now,
    })),
    conversations: [],
    messages: [],
    webhooks: (f.webhooks ?? []).map((w) => ({
      ...w,
      subscriptions: w.subscriptions ?? [...DEFAULT_SUBSCRIPTIONS],
      secret: w.secret ?? makeSecret(),
    })),
  });
}

/** Whether a stored state predates the indexed shape (its collections are lists). */
export function isListState(
  state: unknown,
): state is ChatwootRecords & { seq?: Partial<ChatwootState['seq']> } {
  return (
    typeof state === 'object' && state !== null && Array.isArray((state as ChatwootRecords).conversations)
  );
}

const toBucketKey = (c: Conversation): string =>
  `${c.inbox_id}:${c.status}:${c.assignee_id ?? '-'}:${c.team_id ?? '-'}`;

/** Puts a conversation at the head of its bucket with a new, highest activity rank. */
function linkConversation(s: ChatwootState, c: Conversation, entry: ConversationEntry): void {
  const accountKey = String(c.account_id);
  // New records are stored whole, then read back through the state, so that every change goes through it.
  if (!hasOwn(s.index.buckets, accountKey)) s.index.buckets[accountKey] = {};
  const buckets = getOwn(s.index.buckets, accountKey)!;
  const key = toBucketKey(c);
  if (!hasOwn(buckets, key)) {
    buckets[key] = {
      inbox_id: c.inbox_id,
      status: c.status,
      assignee_id: c.assignee_id,
      team_id: c.team_id,
      head: null,
      count: 0,
    };
  }
  const bucket = getOwn(buckets, key)!;
  s.seq.rank += 1;
  entry.rank = s.seq.rank;
  entry.bucket = key;
  entry.prev = null;
  entry.next = bucket.head;
  if (bucket.head !== null) getEntry(s, bucket.head).prev = c.id;
  bucket.head = c.id;
  bucket.count += 1;
}

/** Takes a conversation out of its bucket (dropping the bucket when it empties). */
function unlinkConversation(s: ChatwootState, c: Conversation, entry: ConversationEntry): void {
  const buckets = getOwn(s.index.buckets, String(c.account_id))!;
  const bucket = getOwn(buckets, entry.bucket)!;
  if (entry.prev === null) bucket.head = entry.next;
  else getEntry(s, entry.prev).next = entry.next;
  if (entry.next !== null) getEntry(s, entry.next).prev = entry.prev;
  bucket.count -= 1;
  if (bucket.count === 0) delete buckets[entry.bucket];
  entry.prev = null;
  entry.next = null;
}

/**
 * Records activity on a conversation: `last_activity_at` becomes `now` and the conversation moves to the head of
 * the bucket its current inbox, status, assignee and team select.
 */
export function applyActivity(s: ChatwootState, c: Conversation, now: number): void {
  const entry = getEntry(s, c.id);
  c.last_activity_at = now;
  unlinkConversation(s, c, entry);
  linkConversation(s, c, entry);
}

/** What a new conversation needs; ids, times and the rest are filled by `applyConversation`. */
export type NewConversation = Pick<
  Conversation,
  | 'account_id'
  | 'inbox_id'
  | 'contact_id'
  | 'contact_inbox_id'
  | 'uuid'
  | 'status'
  | 'assignee_id'
  | 'team_id'
  | 'additional_attributes'
  | 'custom_attributes'
  | 'snoozed_until'
>;

/** Adds a conversation with the next display id of its account and indexes it; returns its id. */
export function applyConversation(s: ChatwootState, input: NewConversation, now: number): number {
  s.seq.conversation += 1;
  const id = s.seq.conversation;
  const accountKey = String(input.account_id);
  const displayId = (getOwn(s.seq.displayIds, accountKey) ?? 0) + 1;
  s.seq.displayIds[accountKey] = displayId;
  s.conversations[String(id)] = {
    id,
    display_id: displayId,
    ...input,
    labels: [],
    priority: null,
    created_at: now,
    updated_at: now,
    last_activity_at: now,
    waiting_since: now,
    first_reply_created_at: null,
    agent_last_seen_at: null,
    contact_last_seen_at: null,
    assignee_last_seen_at: null,
  };
  s.index.lastConversationOfContactInbox[String(input.contact_inbox_id)] = id;
  indexNewConversation(s, getConversation(s, id)!);
  return id;
}

/** Indexes a conversation just stored: its display id, an empty entry, and its place in its listing bucket. */
function indexNewConversation(s: ChatwootState, c: Conversation): void {
  s.index.displayIds[`${c.account_id}:${c.display_id}`] = c.id;
  s.index.conversations[String(c.id)] = {
    messageIds: [],
    incoming: 0,
    lastChatId: null,
    rank: 0,
    bucket: '',
    prev: null,
    next: null,
  };
  linkConversation(s, c, getEntry(s, c.id));
}

/** What a new message needs; ids and times are filled by `applyMessage`. */
export type NewMessage = {
  content: string | null;
  message_type: MessageTypeName;
  content_type: string;
  content_attributes: Attrs;
  private: boolean;
  source_id: string | null;
  echo_id: string | null;
  sender_type: Message['sender_type'];
  sender_id: number | null;
  attachments: Array<Omit<Attachment, 'id'>>;
};

/** Adds a message to a conversation and updates the conversation's activity times; returns the message id. */
export function applyMessage(
  s: ChatwootState,
  conversation: Conversation,
  input: NewMessage,
  now: number,
): number {
  s.seq.message += 1;
  const id = s.seq.message;
  const message: Message = {
    id,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    conversation_id: conversation.id,
    content: input.content,
    message_type: input.message_type,
    content_type: input.content_type,
    content_attributes: input.content_attributes,
    additional_attributes: {},
    private: input.private,
    status: 'sent',
    source_id: input.source_id,
    echo_id: input.echo_id,
    sender_type: input.sender_type,
    sender_id: input.sender_id,
    attachments: input.attachments.map((a) => {
      s.seq.attachment += 1;
      return { ...a, id: s.seq.attachment };
    }),
    created_at: now,
    updated_at: now,
  };
  s.messages[String(id)] = message;
  const entry = getEntry(s, conversation.id);
  entry.messageIds.push(id);
  if (input.message_type === 'incoming') entry.incoming += 1;
  if (input.message_type !== 'activity' && !input.private) entry.lastChatId = id;
  if (input.message_type !== 'activity') applyActivity(s, conversation, now);
  if (input.message_type === 'incoming' && conversation.waiting_since === null)
    conversation.waiting_since = now;
  if (input.message_type === 'outgoing' && !input.private && input.sender_type === 'User') {
    if (conversation.first_reply_created_at === null) conversation.first_reply_created_at = now;
    conversation.waiting_since = null;
  }
  conversation.updated_at = now;
  if (input.message_type === 'incoming') {
    const contact = getOwn(s.contacts, String(conversation.contact_id));
    if (contact) contact.last_activity_at = now;
  }
  return id;
}

/** A change of one conversation attribute, as `changed_attributes` reports it. */
export type ChangedAttribute = { name: string; previous: unknown; current: unknown };

/** Attributes whose change Chatwoot records with an activity message (status, assignee, team). */
const ACTIVITY_ATTRIBUTES: ReadonlySet<string> = new Set(['status', 'assignee_id', 'team_id']);

/**
 * Applies attribute changes to a conversation and returns what actually changed (plain values). A change of
 * status, assignee or team is activity: Chatwoot writes an activity message for it, which moves
 * `last_activity_at` (Message#set_conversation_activity).
 */
export function applyConversationChanges(
  s: ChatwootState,
  conversation: Conversation,
  changes: {
    status?: ConversationStatus;
    assignee_id?: number | null;
    team_id?: number | null;
    snoozed_until?: number | null;
  },
  now: number,
): ChangedAttribute[] {
  const changed: ChangedAttribute[] = [];
  for (const key of ['status', 'snoozed_until', 'assignee_id', 'team_id'] as const) {
    const value = changes[key];
    if (value === undefined || conversation[key] === value) continue;
    changed.push({ name: key, previous: conversation[key], current: value });
    (conversation as Record<string, unknown>)[key] = value;
  }
  if (changed.length === 0) return changed;
  conversation.updated_at = now;
  if (changed.some((c) => ACTIVITY_ATTRIBUTES.has(c.name))) applyActivity(s, conversation, now);
  return changed;
}

/**
 * Deletes a resolved conversation with its messages and every index entry pointing at it (listing bucket, display
 * id, derived data, last conversation of its contact inbox), for `--retain`. Costs what the conversation holds.
 * A conversation that is gone or not resolved (re-opened, pending, snoozed) is left alone (false). Display ids are
 * never reused: the account's sequence keeps counting.
 */
export function applyConversationExpiry(s: ChatwootState, conversationId: number): boolean {
  const c = getConversation(s, conversationId);
  if (c?.status !== 'resolved') return false;
  const key = String(c.id);
  const entry = getEntry(s, c.id);
  unlinkConversation(s, c, entry);
  const messageIds = entry.messageIds;
  // An indexed loop: the cost is this conversation's messages, read once.
  for (let i = 0; i < messageIds.length; i++) delete s.messages[String(messageIds[i])];
  delete s.index.conversations[key];
  const displayKey = `${c.account_id}:${c.display_id}`;
  if (getOwn(s.index.displayIds, displayKey) === c.id) delete s.index.displayIds[displayKey];
  const contactInboxKey = String(c.contact_inbox_id);
  if (getOwn(s.index.lastConversationOfContactInbox, contactInboxKey) === c.id)
    delete s.index.lastConversationOfContactInbox[contactInboxKey];
  delete s.conversations[key];
  return true;
}
