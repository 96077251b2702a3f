// The indexes of the chatwoot state: every transition that stores or removes a record keeps the indexes that
// derive from it through these helpers, so that no request needs to read a whole collection.
import { getOwn, hasOwn } from '../../own.ts';
import {
  appendPagedId,
  createPagedIds,
  createPagedIdsOf,
  isPagedIds,
  newestPagedIds,
  removePagedId,
  storedIds,
} from '../../provider/index.ts';
import {
  type Account,
  type Agent,
  type AgentBot,
  type ChatwootState,
  type Contact,
  type ContactInbox,
  type Conversation,
  type ConversationEntry,
  getConversation,
  getEntry,
  type Inbox,
  type Message,
  type Team,
  type Webhook,
} from './model.ts';
import type { Applied } from './model-outcomes.ts';

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

/** Stores a contact and indexes it by account and unique fields. */
export function storeContact(s: ChatwootState, contact: Contact): void {
  s.contacts[String(contact.id)] = contact;
  const account = String(contact.account_id);
  if (!hasOwn(s.index.contactsOfAccount, account)) s.index.contactsOfAccount[account] = createPagedIds();
  appendPagedId(s.index.contactsOfAccount[account]!, String(contact.id));
  for (const field of ['email', 'phone_number', 'identifier'] as const) {
    const value = contact[field];
    if (value !== null) s.index.contactKeys[toContactKey(contact.account_id, field, value)] = contact.id;
  }
}

/** Stores a contact inbox and indexes it by (inbox, source_id), source_id and contact. */
export function storeContactInbox(s: ChatwootState, ci: ContactInbox): void {
  s.contactInboxes[String(ci.id)] = ci;
  s.index.contactInboxBySource[`${ci.inbox_id}:${ci.source_id}`] = ci.id;
  pushTo(s.index.sourceIds, `s:${ci.source_id}`, ci.id);
  pushTo(s.index.contactInboxesOfContact, String(ci.contact_id), ci.id);
}

/** Stores a webhook and indexes it by account. */
export function storeWebhook(s: ChatwootState, webhook: Webhook): void {
  s.webhooks[String(webhook.id)] = webhook;
  pushTo(s.index.webhooksOfAccount, String(webhook.account_id), webhook.id);
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
  for (const w of r.webhooks) storeWebhook(s, w);
  const byActivity = [...r.conversations].sort(
    (a, b) => a.last_activity_at - b.last_activity_at || a.id - b.id,
  );
  for (const c of byActivity) {
    s.conversations[String(c.id)] = c;
    indexNewConversation(s, c);
  }
  s.index.conversationsOfContact = {};
  for (const c of [...r.conversations].sort((a, b) => a.id - b.id)) {
    s.index.lastConversationOfContactInbox[String(c.contact_inbox_id)] = c.id;
    pushTo(s.index.conversationsOfContact, String(c.contact_id), c.id);
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

/** Whether a stored state predates the indexed shape (its collections are lists). */
export function isListState(
  state: unknown,
): state is ChatwootRecords & { seq?: Partial<ChatwootState['seq']> } {
  return (
    typeof state === 'object' && state !== null && Array.isArray((state as ChatwootRecords).conversations)
  );
}

/** Replaces a state stored before the state was indexed by `indexed` (`createStateFrom` of its records). */
export function applyIndexedState(draft: ChatwootState, indexed: ChatwootState): void {
  Object.assign(draft, indexed);
}

/** A bucket holds one priority, so that `sort_by=priority_*` merges buckets in priority order (ConversationFinder). */
const toBucketKey = (c: Conversation): string =>
  `${c.inbox_id}:${c.status}:${c.assignee_id ?? '-'}:${c.team_id ?? '-'}:${c.priority ?? '-'}`;

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
      priority: c.priority,
      head: null,
      tail: null,
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
  else bucket.tail = c.id;
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
  else if (bucket.tail !== undefined) bucket.tail = entry.prev;
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

/** Indexes a conversation just stored: its display id, an empty entry, and its place in its listing bucket. */
export function indexNewConversation(s: ChatwootState, c: Conversation): void {
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

/**
 * Deletes a resolved conversation with its messages and every index entry pointing at it (listing bucket, display
 * id, derived data, last conversation of its contact inbox), for `--retain`. Costs what the conversation holds.
 * A conversation that is gone or not resolved (re-opened, pending, snoozed) is left alone (false). Display ids are
 * never reused: the account's sequence keeps counting.
 */
export function applyConversationExpiry(s: ChatwootState, conversationId: number): boolean {
  const c = getConversation(s, conversationId);
  if (c?.status !== 'resolved') return false;
  removeConversation(s, c);
  return true;
}

/**
 * Deletes a conversation, whatever its status, with its messages and every index entry pointing at it; costs what
 * the conversation holds. Display ids are never reused.
 */
export function removeConversation(s: ChatwootState, c: Conversation): void {
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
  // A snoozed conversation that is deleted has no reopening to re-arm at the next start.
  if (s.index.snoozed && hasOwn(s.index.snoozed, key)) delete s.index.snoozed[key];
  // index.conversationsOfContact keeps the id: its readers skip ids whose conversation is gone (ids are never reused),
  // so that removing one costs nothing however many conversations the contact has.
  delete s.conversations[key];
}

/**
 * `DELETE /contacts/{id}` (`@contact.destroy!`): the contact goes with what Contact's `dependent: :destroy_async`
 * associations take, its conversations (with their messages) and contact inboxes, and every index entry pointing
 * at them. Costs what the contact holds (and a bucket of its account's paged contact ids). No webhook: 4.12 sends
 * `contact.deleted` over ActionCable only.
 */
export function applyContactRemoval(s: ChatwootState, input: { contactId: number }): Applied<void> {
  const contact = getOwn(s.contacts, String(input.contactId));
  if (!contact) return { value: undefined, outcome: [] };
  const key = String(contact.id);
  for (const id of getOwn(s.index.conversationsOfContact ?? {}, key) ?? []) {
    const c = getConversation(s, id);
    if (c) removeConversation(s, c);
  }
  if (s.index.conversationsOfContact) delete s.index.conversationsOfContact[key];
  for (const ciId of getOwn(s.index.contactInboxesOfContact, key) ?? []) {
    const ci = getOwn(s.contactInboxes, String(ciId));
    if (!ci) continue;
    delete s.index.contactInboxBySource[`${ci.inbox_id}:${ci.source_id}`];
    delete s.index.lastConversationOfContactInbox[String(ci.id)];
    const sameSource = getOwn(s.index.sourceIds, `s:${ci.source_id}`);
    if (sameSource) {
      // One contact inbox per inbox holds a source id: a short list.
      const at = sameSource.indexOf(ci.id);
      if (at >= 0) sameSource.splice(at, 1);
      if (sameSource.length === 0) delete s.index.sourceIds[`s:${ci.source_id}`];
    }
    delete s.contactInboxes[String(ci.id)];
  }
  delete s.index.contactInboxesOfContact[key];
  for (const field of ['email', 'phone_number', 'identifier'] as const) {
    const value = contact[field];
    if (value === null) continue;
    const k = toContactKey(contact.account_id, field, value);
    if (getOwn(s.index.contactKeys, k) === contact.id) delete s.index.contactKeys[k];
  }
  const ofAccount = getOwn(s.index.contactsOfAccount, String(contact.account_id));
  if (ofAccount) removePagedId(ofAccount, key);
  delete s.contacts[key];
  return { value: undefined, outcome: [] };
}

/** Up to `limit` contact ids of an account, the newest first (searches and filters read this many at most). */
export function toNewestContactIds(s: ChatwootState, accountId: number, limit: number): Iterable<string> {
  const list = getOwn(s.index.contactsOfAccount, String(accountId));
  return list ? newestPagedIds(list, limit) : [];
}

/** Whether a stored state keeps an account's contacts in an earlier shape (a plain array, or array buckets). */
export function hasContactArrays(s: ChatwootState): boolean {
  return Object.values(s.index.contactsOfAccount).some((list) => !isPagedIds(list));
}

/** Converts the contact lists of an earlier store into the current paged ids (once, at start). */
export function applyPagedContacts(s: ChatwootState): void {
  for (const [account, list] of Object.entries(s.index.contactsOfAccount)) {
    const ids = storedIds(list);
    if (ids) s.index.contactsOfAccount[account] = createPagedIdsOf(ids);
  }
}
