/**
 * The derived indexes of the ECE state (model-state.ts `EceIndexes`) and the small changes that keep them true. Every
 * transition that changes a conversation, a session, a customer or an upload calls the matching function here in
 * the same draft, so the indexes always agree with the records and nothing has to be rebuilt per request.
 */
import { getOwn } from '../../own.ts';
import { forEachSearchPair, toContactValueKey } from './model-customer.ts';
import { appendId, appendNewId, createOrderedIds, removeId } from './model-ordered.ts';
import type {
  Attachment,
  Conversation,
  Customer,
  EceIndexes,
  EceState,
  Session,
  TranscriptEntry,
} from './model-state.ts';

/** How long an access token from the Authentication API lives (ref 2.1: expires_in 86400). */
export const TOKEN_LIFETIME_MS = 86_400_000;

/** Expired sessions forgotten per token request at most, so one request never pays for a long idle period. */
const EXPIRED_PER_REQUEST = 64;

/** Indexes of an empty partition. */
export function createEmptyIndexes(): EceIndexes {
  return {
    waiting: {},
    activeChats: {},
    conversations: createOrderedIds(),
    sessionsByAge: createOrderedIds(),
    sessionsByClient: {},
    customersByContact: {},
    uploads: {},
    latestUploads: {},
    callbacksSending: {},
  };
}

/**
 * Builds every index from the records, exactly as the transitions keep them (the indexes are derived state: a
 * file store drops them, and this runs at every start): one pass per collection, on plain objects, never per
 * request. Every waiting conversation must have its `arrival` (performStart upgrades an older store first).
 *
 * Why each order is the live one:
 * - conversations: creation order, which is the order of their activity ids (one counter, taken at start);
 *   insertion order of the record, checked, and sorted by activity id only if it ever disagreed.
 * - waiting: by `arrival`, the sequence number each took when it (last) entered its queue.
 * - sessionsByAge, sessionsByClient: insertion order of the sessions, the order tokens were issued in (tokens
 *   are uuids, never array-index keys, so the record keeps that order; fixture tokens come first either way).
 * - customersByContact: each list is kept sorted by id (`insertCustomerId`), whatever the order of insertion.
 * - uploads, latestUploads: transcript order within each conversation (attachment ids are unique).
 */
export function createIndexes(state: Omit<EceState, 'indexes'>): EceIndexes {
  const draft = { ...state, indexes: createEmptyIndexes() } as EceState;
  const { indexes } = draft;
  for (const customer of Object.values(state.customers)) addCustomer(draft, customer);
  for (const session of Object.values(state.sessions)) {
    if (isIssued(session)) appendNewId(indexes.sessionsByAge, session.token, session.expiresAt);
    addClientSession(draft, session, appendNewId);
  }
  const waiting: Conversation[] = [];
  for (const conversation of toCreationOrder(state.conversations)) {
    const { id, status, agentId, transcript } = conversation;
    appendNewId(indexes.conversations, id, conversation.createdAt);
    if (status === 'waiting') waiting.push(conversation);
    else if (status === 'assigned' && agentId !== null) countActiveChat(draft, agentId, 1);
    if (conversation.callbacks && conversation.callbacks.sending !== null)
      indexes.callbacksSending[id] = true;
    for (let entry = 0; entry < transcript.length; entry++) {
      const item = transcript[entry]!;
      if (item.kind === 'uploadAttachment') noteUploads(draft, id, item.direction, entry, item.attachments);
    }
  }
  waiting.sort((a, b) => a.arrival! - b.arrival!);
  for (const conversation of waiting) appendWaiting(draft, conversation, conversation.arrival!, appendNewId);
  return indexes;
}

/** Whether a session was issued by the Authentication API (the only ones that expire in issue order). */
function isIssued(session: Session): boolean {
  return session.expiresAt - session.createdAt === TOKEN_LIFETIME_MS;
}

/** The activity id's number, which orders conversations by creation. */
const toActivityNumber = (conversation: Conversation) => Number(conversation.activityId);

/**
 * The conversations in creation order: the record's own order (insertion order: conversation ids are uuids),
 * checked against the activity ids; sorted by them should the two ever disagree.
 */
function toCreationOrder(conversations: Record<string, Conversation>): Conversation[] {
  const list = Object.values(conversations);
  for (let i = 1; i < list.length; i++) {
    if (!(toActivityNumber(list[i - 1]!) < toActivityNumber(list[i]!))) {
      return list.sort((a, b) => toActivityNumber(a) - toActivityNumber(b));
    }
  }
  return list;
}

/**
 * Arrival numbers for the waiting conversations of a store written before `Conversation.arrival` existed (its
 * arrival counter was in the indexes, which a store now drops): they enter the waiting lists by the time they
 * entered their queue (the last `transfer` entry of a waiting chat is the one to its queue; else the start),
 * then, at the same millisecond, starts before transfers (the sequence of the two is not recorded: simulator
 * choice), starts by activity id and transfers by message id (both counters). Also the counter's next value.
 * Walks every conversation: once, at the start of such a store only.
 */
export function toArrivalFallback(state: Omit<EceState, 'indexes'>): {
  arrivals: Array<{ conversationId: string; arrival: number }>;
  next: number;
} {
  const keyed: Array<{ conversationId: string; time: number; transfer: number; sequence: number }> = [];
  for (const conversation of Object.values(state.conversations)) {
    if (conversation.status !== 'waiting' || conversation.arrival !== undefined) continue;
    const { transcript } = conversation;
    let transfer: TranscriptEntry | undefined;
    for (let i = transcript.length - 1; i >= 0 && !transfer; i--) {
      if (transcript[i]!.kind === 'transfer') transfer = transcript[i];
    }
    keyed.push(
      transfer
        ? {
            conversationId: conversation.id,
            time: transfer.timeStamp,
            transfer: 1,
            sequence: Number(transfer.id),
          }
        : {
            conversationId: conversation.id,
            time: conversation.createdAt,
            transfer: 0,
            sequence: toActivityNumber(conversation),
          },
    );
  }
  keyed.sort((a, b) => a.time - b.time || a.transfer - b.transfer || a.sequence - b.sequence);
  let next = state.counters.arrival ?? 0;
  const arrivals = keyed.map(({ conversationId }) => ({ conversationId, arrival: next++ }));
  return { arrivals, next };
}

/** Puts a conversation at the end of its queue's waiting list, with the next arrival number. */
export function enqueueWaiting(draft: EceState, conversation: Conversation): void {
  const arrival = draft.counters.arrival++;
  conversation.arrival = arrival;
  appendWaiting(draft, conversation, arrival);
}

/** Appends a conversation to its queue's waiting list (created when missing). */
function appendWaiting(
  draft: EceState,
  conversation: Conversation,
  arrival: number,
  append: typeof appendId = appendId,
): void {
  const { queueId, id } = conversation;
  if (!getOwn(draft.indexes.waiting, queueId)) draft.indexes.waiting[queueId] = createOrderedIds();
  append(draft.indexes.waiting[queueId]!, id, arrival);
}

/** Takes a conversation out of its queue's waiting list (an emptied list is dropped). */
export function dequeueWaiting(draft: EceState, conversation: Conversation): void {
  const list = getOwn(draft.indexes.waiting, conversation.queueId);
  if (!list) return;
  removeId(list, conversation.id);
  if (list.size === 0) delete draft.indexes.waiting[conversation.queueId];
}

/** Changes an agent's count of open assigned chats by `delta`. */
export function countActiveChat(draft: EceState, agentId: string, delta: number): void {
  const count = (getOwn(draft.indexes.activeChats, agentId) ?? 0) + delta;
  if (count > 0) draft.indexes.activeChats[agentId] = count;
  else delete draft.indexes.activeChats[agentId];
}

/** Number of open conversations assigned to an agent. */
export function toActiveChats(state: EceState, agentId: string): number {
  return getOwn(state.indexes.activeChats, agentId) ?? 0;
}

/**
 * Indexes a customer's contact values for look-up by searchContactOnAttribute. Each list is kept sorted by id
 * (`compareCustomerIds`), so that it does not depend on the order customers were added in and a rebuild gives
 * the same lists (in creation order too, for the ids ECE gives: a counter).
 */
export function addCustomer(draft: EceState, customer: Customer): void {
  const index = draft.indexes.customersByContact;
  for (const contact of customer.contacts) {
    forEachSearchPair(contact, (attribute, value) => {
      if (!getOwn(index, attribute)) index[attribute] = {};
      const values = index[attribute]!;
      const key = toContactValueKey(attribute, value);
      const ids = getOwn(values, key);
      if (!ids) values[key] = [customer.id];
      else insertCustomerId(ids, customer.id);
    });
  }
}

/** Digit strings first, by number (then text); other ids after them, by text: a total order on ids. */
export function compareCustomerIds(a: string, b: string): number {
  const digitsA = /^\d+$/.test(a);
  const digitsB = /^\d+$/.test(b);
  if (digitsA !== digitsB) return digitsA ? -1 : 1;
  if (digitsA && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Inserts an id in its sorted place (once). A list holds the few customers that share one value, so the walk
 * stays short; a new customer's id (the counter) is the largest, so it is usually appended.
 */
function insertCustomerId(ids: string[], id: string): void {
  let at = ids.length;
  while (at > 0 && compareCustomerIds(ids[at - 1]!, id) > 0) at--;
  if (at > 0 && ids[at - 1] === id) return;
  if (at === ids.length) ids.push(id);
  else ids.splice(at, 0, id);
}

/** Adds a session to the client's list (for forceLogin). */
function addClientSession(draft: EceState, session: Session, append: typeof appendId = appendId): void {
  const clientKey = session.clientKey;
  if (session.kind !== 'clientApplication' || clientKey === null) return;
  if (!getOwn(draft.indexes.sessionsByClient, clientKey))
    draft.indexes.sessionsByClient[clientKey] = createOrderedIds();
  append(draft.indexes.sessionsByClient[clientKey]!, session.token, session.createdAt);
}

/** Stores a session issued by the Authentication API. */
export function addIssuedSession(draft: EceState, session: Session): void {
  draft.sessions[session.token] = session;
  appendId(draft.indexes.sessionsByAge, session.token, session.expiresAt);
  addClientSession(draft, session);
}

/** Forgets a session and its index entries. */
export function endSession(draft: EceState, token: string): void {
  const session = getOwn(draft.sessions, token);
  removeId(draft.indexes.sessionsByAge, token);
  if (!session) return;
  const clientKey = session.clientKey;
  delete draft.sessions[token];
  if (clientKey === null) return;
  const list = getOwn(draft.indexes.sessionsByClient, clientKey);
  if (!list) return;
  removeId(list, token);
  if (list.size === 0) delete draft.indexes.sessionsByClient[clientKey];
}

/** Forgets the oldest issued sessions that have expired (a bounded number per call). */
export function endExpiredSessions(draft: EceState, now: number): void {
  for (let i = 0; i < EXPIRED_PER_REQUEST; i++) {
    const token = draft.indexes.sessionsByAge.head;
    if (token === null) return;
    const session = getOwn(draft.sessions, token);
    if (session && session.expiresAt > now) return;
    endSession(draft, token);
  }
}

/** Ends every session of a client application (forceLogin=yes). */
export function endClientSessions(draft: EceState, clientKey: string): void {
  for (;;) {
    const token = getOwn(draft.indexes.sessionsByClient, clientKey)?.head ?? null;
    if (token === null) return;
    endSession(draft, token);
  }
}

/**
 * Forgets the attachments of a conversation about to be deleted: its upload entries (one walk over its own
 * transcript) and its latest uploads. An attachment id indexed for another conversation is left alone.
 */
export function forgetUploads(draft: EceState, conversation: Conversation): void {
  const { id, transcript } = conversation;
  // Indexed loops: the cost is this conversation's transcript, read once.
  for (let entry = 0; entry < transcript.length; entry++) {
    const item = transcript[entry]!;
    if (item.kind !== 'uploadAttachment') continue;
    for (let slot = 0; slot < item.attachments.length; slot++) {
      const attachmentId = item.attachments[slot]!.id;
      if (getOwn(draft.indexes.uploads, attachmentId)?.conversationId === id)
        delete draft.indexes.uploads[attachmentId];
    }
  }
  delete draft.indexes.latestUploads[id];
}

/** Records where the attachments of an upload entry are, and which one is now the latest of its direction. */
export function noteUploads(
  draft: EceState,
  conversationId: string,
  direction: 'toClient' | 'fromClient',
  entry: number,
  attachments: readonly Attachment[],
): void {
  for (const [slot, attachment] of attachments.entries()) {
    draft.indexes.uploads[attachment.id] = { conversationId, direction, entry, slot };
  }
  const last = attachments.at(-1);
  if (!last) return;
  if (!getOwn(draft.indexes.latestUploads, conversationId))
    draft.indexes.latestUploads[conversationId] = { toClient: null, fromClient: null };
  draft.indexes.latestUploads[conversationId]![direction] = last.id;
}
