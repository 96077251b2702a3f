/**
 * The derived indexes of the ECE state (model-state.ts `EceIndexes`) and the small changes that keep them true. Every
 * transition that changes a conversation, a session, a customer or an upload calls the matching function here in
 * the same draft, so the indexes always agree with the records and nothing has to be rebuilt per request.
 */
import { getOwn } from '../../own.ts';
import { toContactKey, toSearchPairs } from './model-customer.ts';
import { appendId, createOrderedIds, removeId } from './model-ordered.ts';
import type { Attachment, Conversation, Customer, EceIndexes, EceState, Session } from './model-state.ts';

/** How long an access token from the Authentication API lives (ref 2.1: expires_in 86400). */
export const TOKEN_LIFETIME_MS = 86_400_000;

/** Expired sessions forgotten per token request at most, so one request never pays for a long idle period. */
const EXPIRED_PER_REQUEST = 64;

/** Indexes of an empty partition. */
export function createEmptyIndexes(): EceIndexes {
  return {
    waiting: {},
    arrivals: 0,
    activeChats: {},
    conversations: createOrderedIds(),
    sessionsByAge: createOrderedIds(),
    sessionsByClient: {},
    customersByContact: {},
    uploads: {},
    latestUploads: {},
  };
}

/**
 * Builds every index from the records, one pass per collection: for fixtures, and once for a store written
 * before the indexes existed. Never called per request.
 */
export function createIndexes(state: Omit<EceState, 'indexes'>): EceIndexes {
  const draft = { ...state, indexes: createEmptyIndexes() } as EceState;
  for (const customer of Object.values(state.customers)) addCustomer(draft, customer);
  const issued = Object.values(state.sessions)
    .filter((s) => s.expiresAt - s.createdAt === TOKEN_LIFETIME_MS)
    .sort((a, b) => a.expiresAt - b.expiresAt);
  for (const session of issued) appendId(draft.indexes.sessionsByAge, session.token, session.expiresAt);
  for (const session of Object.values(state.sessions)) addClientSession(draft, session);
  const conversations = Object.values(state.conversations).sort((a, b) => a.createdAt - b.createdAt);
  for (const conversation of conversations) {
    appendId(draft.indexes.conversations, conversation.id, conversation.createdAt);
    if (conversation.status === 'waiting') enqueueWaiting(draft, conversation);
    if (conversation.status === 'assigned' && conversation.agentId !== null)
      countActiveChat(draft, conversation.agentId, 1);
    for (const [entry, item] of conversation.transcript.entries()) {
      if (item.kind === 'uploadAttachment')
        noteUploads(draft, conversation.id, item.direction, entry, item.attachments);
    }
  }
  return draft.indexes;
}

/** Puts a conversation at the end of its queue's waiting list. */
export function enqueueWaiting(draft: EceState, conversation: Conversation): void {
  const { queueId, id } = conversation;
  if (!getOwn(draft.indexes.waiting, queueId)) draft.indexes.waiting[queueId] = createOrderedIds();
  appendId(draft.indexes.waiting[queueId]!, id, draft.indexes.arrivals++);
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

/** Indexes a customer's contact values for look-up by searchContactOnAttribute. */
export function addCustomer(draft: EceState, customer: Customer): void {
  const index = draft.indexes.customersByContact;
  for (const contact of customer.contacts) {
    for (const [attribute, value] of toSearchPairs(contact)) {
      const key = toContactKey(attribute, value);
      const ids = getOwn(index, key);
      // A list holds the few customers that share one value, so includes() stays short.
      if (!ids) index[key] = [customer.id];
      else if (!ids.includes(customer.id)) ids.push(customer.id);
    }
  }
}

/** Adds a session to the client's list (for forceLogin). */
function addClientSession(draft: EceState, session: Session): void {
  const clientKey = session.clientKey;
  if (session.kind !== 'clientApplication' || clientKey === null) return;
  if (!getOwn(draft.indexes.sessionsByClient, clientKey))
    draft.indexes.sessionsByClient[clientKey] = createOrderedIds();
  appendId(draft.indexes.sessionsByClient[clientKey]!, session.token, session.createdAt);
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
