// The indexes of the chatwoot state: every transition that stores or removes a record keeps the indexes that
// derive from it through these helpers, so that no request needs to read a whole collection.
import { getOwn, hasOwn } from '../../own.ts';
import {
  appendPagedId,
  createPagedIds,
  newestPagedIds,
  removePagedId,
  type Writes,
  writeBehind,
} from '../../provider/index.ts';
import {
  type Account,
  type Agent,
  type AgentBot,
  type ChatwootIndex,
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
  indexContact(s.index, contact);
}

/** Stores a contact inbox and indexes it by (inbox, source_id), source_id and contact. */
export function storeContactInbox(s: ChatwootState, ci: ContactInbox): void {
  s.contactInboxes[String(ci.id)] = ci;
  indexContactInbox(s.index, ci);
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

/** The records of a state: everything but its derived `index`. */
export type ChatwootRecordState = Omit<ChatwootState, 'index'>;

/** An empty index, every optional part present (a rebuilt index has them all). */
function createEmptyIndex(): ChatwootIndex {
  return {
    tokens: {},
    displayIds: {},
    conversations: {},
    buckets: {},
    contactInboxBySource: {},
    sourceIds: {},
    contactInboxesOfContact: {},
    lastConversationOfContactInbox: {},
    conversationsOfContact: {},
    contactsOfAccount: {},
    contactKeys: {},
    cannedOfAccount: {},
    webhooksOfAccount: {},
    snoozed: {},
  };
}

/**
 * Ranks for conversations stored without one (a store written before ranks were kept on the records, whose index
 * held them and is dropped at open; or the lists of an even older store): after `last`, in the order of
 * `last_activity_at`, then id (creation), the order the earlier versions gave conversations they indexed from lists.
 * Two conversations active in the same millisecond may so swap once, at that first start: the order they had was
 * recorded only in the dropped index. Answers `[id, rank]` pairs.
 */
export function toFallbackRanks(
  unranked: ReadonlyArray<Pick<Conversation, 'id' | 'last_activity_at'>>,
  last: number,
): Array<[number, number]> {
  const sorted = [...unranked].sort((a, b) => a.last_activity_at - b.last_activity_at || a.id - b.id);
  return sorted.map((c, i) => [c.id, last + i + 1]);
}

/** The conversations of a state that have no rank (read as plain objects, at start). */
export function listUnranked(s: ChatwootRecordState): Conversation[] {
  const out: Conversation[] = [];
  for (const c of Object.values(s.conversations)) if (typeof c.rank !== 'number') out.push(c);
  return out;
}

/** Gives conversations the ranks `toFallbackRanks` chose; `seq.rank` moves past them. */
export function applyFallbackRanks(s: ChatwootState, ranks: ReadonlyArray<[number, number]>): void {
  for (const [id, rank] of ranks) {
    const c = getConversation(s, id);
    if (c) c.rank = rank;
    if (rank > s.seq.rank) s.seq.rank = rank;
  }
}

/**
 * Builds every index of a state from its records, exactly as the transitions keep them: records are read in id
 * order (integer keys iterate ascending, and ids ascend with creation, the order the transitions append in), and
 * each listing bucket is linked in rank order. Reads plain objects (the state as `ctx.state()` gives it, or records
 * being built), never drafts; one pass per collection plus one sort of the conversations by rank. Every
 * conversation must have a rank (`toFallbackRanks` first).
 */
export function createIndexFrom(s: ChatwootRecordState): ChatwootIndex {
  const index = createEmptyIndex();
  const conversationsOfContact = index.conversationsOfContact!;
  const cannedOfAccount = index.cannedOfAccount!;
  const snoozed = index.snoozed!;
  for (const a of Object.values(s.agents)) index.tokens[`t:${a.access_token}`] = { kind: 'user', id: a.id };
  for (const b of Object.values(s.agentBots)) {
    // A user's token wins over a bot's, as the token lookup tries users first.
    if (!hasOwn(index.tokens, `t:${b.access_token}`))
      index.tokens[`t:${b.access_token}`] = { kind: 'bot', id: b.id };
  }
  for (const c of Object.values(s.contacts)) indexContact(index, c);
  for (const ci of Object.values(s.contactInboxes)) indexContactInbox(index, ci);
  for (const w of Object.values(s.webhooks)) pushTo(index.webhooksOfAccount, String(w.account_id), w.id);
  for (const r of Object.values(s.cannedResponses ?? {})) pushTo(cannedOfAccount, String(r.account_id), r.id);
  const conversations = Object.values(s.conversations);
  for (const c of conversations) {
    const key = String(c.id);
    index.displayIds[`${c.account_id}:${c.display_id}`] = c.id;
    index.conversations[key] = createEntry();
    // Ids ascend: the last one written is the contact inbox's latest conversation.
    index.lastConversationOfContactInbox[String(c.contact_inbox_id)] = c.id;
    pushTo(conversationsOfContact, String(c.contact_id), c.id);
    if (c.status === 'snoozed' && c.snoozed_until !== null) snoozed[key] = c.snoozed_until;
  }
  // Linked as the transitions link them: each at the head of its bucket, from the lowest rank up.
  conversations.sort((a, b) => a.rank - b.rank);
  const { write } = writeBehind(index);
  for (const c of conversations) linkInto(index, write, c, index.conversations[String(c.id)]!);
  for (const m of Object.values(s.messages)) {
    const entry = getOwn(index.conversations, String(m.conversation_id));
    if (!entry) continue;
    entry.messageIds.push(m.id);
    if (m.message_type === 'incoming') entry.incoming += 1;
    if (m.message_type !== 'activity' && !m.private) entry.lastChatId = m.id;
  }
  return index;
}

/** Indexes a contact by account and unique fields. */
function indexContact(index: ChatwootIndex, contact: Contact): void {
  const account = String(contact.account_id);
  if (!hasOwn(index.contactsOfAccount, account)) index.contactsOfAccount[account] = createPagedIds();
  appendPagedId(index.contactsOfAccount[account]!, String(contact.id));
  for (const field of ['email', 'phone_number', 'identifier'] as const) {
    const value = contact[field];
    if (value !== null) index.contactKeys[toContactKey(contact.account_id, field, value)] = contact.id;
  }
}

/** Indexes a contact inbox by (inbox, source_id), source_id and contact. */
function indexContactInbox(index: ChatwootIndex, ci: ContactInbox): void {
  index.contactInboxBySource[`${ci.inbox_id}:${ci.source_id}`] = ci.id;
  pushTo(index.sourceIds, `s:${ci.source_id}`, ci.id);
  pushTo(index.contactInboxesOfContact, String(ci.contact_id), ci.id);
}

/**
 * Builds a state, with all its indexes, from records (fixtures, or the lists of a store written before the state
 * was indexed). Conversations without a rank enter the listing order by last activity, then id; `seq` keeps the
 * given sequences (display ids...) and otherwise starts after the largest ids.
 */
export function createStateFrom(r: ChatwootRecords, seq: Partial<ChatwootState['seq']> = {}): ChatwootState {
  const records: ChatwootRecordState = {
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
  for (const a of r.accounts) records.accounts[String(a.id)] = a;
  for (const a of r.agents) records.agents[String(a.id)] = a;
  for (const b of r.agentBots) records.agentBots[String(b.id)] = b;
  for (const i of r.inboxes) records.inboxes[String(i.id)] = i;
  for (const t of r.teams) records.teams[String(t.id)] = t;
  for (const c of r.contacts) records.contacts[String(c.id)] = c;
  for (const ci of r.contactInboxes) records.contactInboxes[String(ci.id)] = ci;
  for (const w of r.webhooks) records.webhooks[String(w.id)] = w;
  for (const c of r.conversations) records.conversations[String(c.id)] = c;
  const ranks = toFallbackRanks(
    r.conversations.filter((c) => typeof c.rank !== 'number'),
    r.conversations.reduce(
      (m, c) => (typeof c.rank === 'number' ? Math.max(m, c.rank) : m),
      records.seq.rank,
    ),
  );
  for (const [id, rank] of ranks) {
    records.conversations[String(id)]!.rank = rank;
    records.seq.rank = Math.max(records.seq.rank, rank);
  }
  for (const m of r.messages) {
    // A message whose conversation is gone is not kept.
    if (!hasOwn(records.conversations, String(m.conversation_id))) continue;
    records.messages[String(m.id)] = m;
    for (const a of m.attachments) records.seq.attachment = Math.max(records.seq.attachment, a.id);
  }
  return { ...records, index: createIndexFrom(records) };
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

/** Puts an index built by `createIndexFrom` in place (derived state: a file store logs none of it). */
export function applyIndex(draft: ChatwootState, index: ChatwootIndex): void {
  draft.index = index;
}

/** A bucket holds one priority, so that `sort_by=priority_*` merges buckets in priority order (ConversationFinder). */
const toBucketKey = (c: Conversation): string =>
  `${c.inbox_id}:${c.status}:${c.assignee_id ?? '-'}:${c.team_id ?? '-'}:${c.priority ?? '-'}`;

/**
 * Puts a conversation at the head of the bucket its inbox, status, assignee, team and priority select. `index` and
 * `entry` are read from `writeBehind`'s view, and changed through its writes.
 */
function linkInto(index: ChatwootIndex, write: Writes, c: Conversation, entry: ConversationEntry): void {
  const accountKey = String(c.account_id);
  if (!hasOwn(index.buckets, accountKey)) write.set(index.buckets, accountKey, {});
  const buckets = getOwn(index.buckets, accountKey)!;
  const key = toBucketKey(c);
  if (!hasOwn(buckets, key)) {
    write.set(buckets, key, {
      inbox_id: c.inbox_id,
      status: c.status,
      assignee_id: c.assignee_id,
      team_id: c.team_id,
      priority: c.priority,
      head: null,
      tail: null,
      count: 0,
    });
  }
  const bucket = getOwn(buckets, key)!;
  write.set(entry, 'bucket', key);
  write.set(entry, 'prev', null);
  write.set(entry, 'next', bucket.head);
  if (bucket.head !== null) write.set(getOwn(index.conversations, String(bucket.head))!, 'prev', c.id);
  else write.set(bucket, 'tail', c.id);
  write.set(bucket, 'head', c.id);
  write.set(bucket, 'count', bucket.count + 1);
}

/** Takes a conversation out of its bucket (dropping the bucket when it empties); arguments as for `linkInto`. */
function unlinkConversation(
  index: ChatwootIndex,
  write: Writes,
  c: Conversation,
  entry: ConversationEntry,
): void {
  const entryOf = (id: number) => getOwn(index.conversations, String(id))!;
  const buckets = getOwn(index.buckets, String(c.account_id))!;
  const bucket = getOwn(buckets, entry.bucket)!;
  if (entry.prev === null) write.set(bucket, 'head', entry.next);
  else write.set(entryOf(entry.prev), 'next', entry.next);
  if (entry.next !== null) write.set(entryOf(entry.next), 'prev', entry.prev);
  else if (bucket.tail !== undefined) write.set(bucket, 'tail', entry.prev);
  write.set(bucket, 'count', bucket.count - 1);
  if (bucket.count === 0) {
    write.remove(buckets, entry.bucket);
    // An account without conversations has no buckets, as a rebuild leaves it (an account has few buckets).
    if (Object.keys(buckets).length === 0) write.remove(index.buckets, String(c.account_id));
  }
  write.set(entry, 'prev', null);
  write.set(entry, 'next', null);
}

/**
 * Records activity on a conversation: `last_activity_at` becomes `now` and the conversation moves to the head of
 * the bucket its current inbox, status, assignee and team select, with a new, highest activity rank. The index is
 * derived state: changed natively behind the draft (`writeBehind`), each write undone on rollback.
 */
export function applyActivity(s: ChatwootState, c: Conversation, now: number): void {
  const { view: index, write } = writeBehind(s.index);
  const entry = getOwn(index.conversations, String(c.id))!;
  c.last_activity_at = now;
  unlinkConversation(index, write, c, entry);
  s.seq.rank += 1;
  c.rank = s.seq.rank;
  linkInto(index, write, c, entry);
}

/** The index entry of a conversation without messages, not yet in a bucket. */
const createEntry = (): ConversationEntry => ({
  messageIds: [],
  incoming: 0,
  lastChatId: null,
  bucket: '',
  prev: null,
  next: null,
});

/**
 * Indexes a conversation just stored with its rank: its display id, an empty entry, and its place at the head of
 * its listing bucket.
 */
export function indexNewConversation(s: ChatwootState, c: Conversation): void {
  const { view: index, write } = writeBehind(s.index);
  write.set(index.displayIds, `${c.account_id}:${c.display_id}`, c.id);
  write.set(index.conversations, String(c.id), createEntry());
  linkInto(index, write, c, getOwn(index.conversations, String(c.id))!);
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
  const behind = writeBehind(s.index);
  unlinkConversation(behind.view, behind.write, c, getOwn(behind.view.conversations, key)!);
  const entry = getEntry(s, c.id);
  const messageIds = entry.messageIds;
  // An indexed loop: the cost is this conversation's messages, read once.
  for (let i = 0; i < messageIds.length; i++) delete s.messages[String(messageIds[i])];
  delete s.index.conversations[key];
  const displayKey = `${c.account_id}:${c.display_id}`;
  if (getOwn(s.index.displayIds, displayKey) === c.id) delete s.index.displayIds[displayKey];
  const { id, contact_id: contactId, contact_inbox_id: contactInboxId } = c;
  delete s.conversations[key];
  const contactInboxKey = String(contactInboxId);
  if (getOwn(s.index.lastConversationOfContactInbox, contactInboxKey) === id) {
    // `contact_inbox.conversations.last`: the latest conversation left, if any (what a rebuild finds).
    const previous = findLastConversationOf(s, contactId, contactInboxId);
    if (previous === null) delete s.index.lastConversationOfContactInbox[contactInboxKey];
    else s.index.lastConversationOfContactInbox[contactInboxKey] = previous;
  }
  // A snoozed conversation that is deleted has no reopening to re-arm at the next start.
  if (s.index.snoozed && hasOwn(s.index.snoozed, key)) delete s.index.snoozed[key];
  // index.conversationsOfContact keeps the id: its readers skip ids whose conversation is gone (ids are never reused),
  // so that removing one costs nothing however many conversations the contact has (a rebuild leaves it out).
}

/**
 * The id of the latest stored conversation of a contact inbox, read from its contact's conversations newest first;
 * null when it has none left.
 */
function findLastConversationOf(s: ChatwootState, contactId: number, contactInboxId: number): number | null {
  const ids = getOwn(s.index.conversationsOfContact ?? {}, String(contactId)) ?? [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const c = getConversation(s, ids[i]!);
    if (c?.contact_inbox_id === contactInboxId) return c.id;
  }
  return null;
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
  // An account without contacts has no list, as a rebuild leaves it.
  if (ofAccount?.size === 0) delete s.index.contactsOfAccount[String(contact.account_id)];
  delete s.contacts[key];
  return { value: undefined, outcome: [] };
}

/** Up to `limit` contact ids of an account, the newest first (searches and filters read this many at most). */
export function toNewestContactIds(s: ChatwootState, accountId: number, limit: number): Iterable<string> {
  const list = getOwn(s.index.contactsOfAccount, String(accountId));
  return list ? newestPagedIds(list, limit) : [];
}
