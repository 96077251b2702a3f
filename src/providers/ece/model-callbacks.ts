/**
 * Callbacks batched as ECE sends them (reference 2.6: "one or more messages per request, at most 1000"): while
 * one callback request of a conversation is in the dispatcher's hands, the conversation's next messages wait, and
 * the next request carries every message waiting by then, up to `maxMessages`, in order. Pure transitions on a
 * draft; effects.ts renders and emits the batches they return.
 */
import { getOwn } from '../../own.ts';
import type { Posting } from './model.ts';
import type { Conversation, EceState } from './model-state.ts';

/** Messages per callback request at most (reference 2.6). */
export const MAX_CALLBACK_MESSAGES = 1000;

/** One callback request to send: a conversation and the transcript places of its messages, in order. */
export type CallbackBatch = { conversationId: string; entries: number[] };

/**
 * Queues the posted entries of a transition in their conversations' outboxes and returns the requests to send
 * now: one per conversation that has no request in the dispatcher's hands.
 */
export function applyQueueCallbacks(
  draft: EceState,
  postings: readonly Posting[],
  maxMessages: number,
): CallbackBatch[] {
  // Conversations in the order of their first posting (a transition may post to several: an assignment pass).
  const touched = new Map<string, Conversation>();
  for (const { conversationId, index, entry } of postings) {
    if (!entry.posted) continue;
    const conversation = getOwn(draft.conversations, conversationId);
    if (!conversation) continue;
    conversation.callbacks ??= { pending: [], sending: null };
    conversation.callbacks.pending.push(index);
    touched.set(conversationId, conversation);
  }
  const batches: CallbackBatch[] = [];
  for (const conversation of touched.values()) {
    if (conversation.callbacks?.sending !== null) continue;
    const batch = takeBatch(draft, conversation, maxMessages);
    if (batch) batches.push(batch);
  }
  return batches;
}

/**
 * The request that carried `messageId` has settled (delivered, failed after its retries, or dropped): the
 * conversation's waiting messages go in the next request. While the callback URL is inactive (or absent) they
 * are not posted: they stay in the transcript with `posted: false`. A settlement that is not the request in hand
 * (a raw event, or one resumed after a restart) changes nothing.
 */
export function applyCallbackSettled(
  draft: EceState,
  conversationId: string,
  messageId: string,
  maxMessages: number,
): CallbackBatch[] {
  const conversation = getOwn(draft.conversations, conversationId);
  const callbacks = conversation?.callbacks;
  if (!conversation || !callbacks || callbacks.sending !== messageId) return [];
  callbacks.sending = null;
  delete draft.indexes.callbacksSending[conversationId];
  const batch = takeBatch(draft, conversation, maxMessages);
  return batch ? [batch] : [];
}

/**
 * After a restart: the requests the previous process had handed over are resumed by the dispatcher on their own,
 * and may have settled before it stopped; the messages waiting behind them are sent now (behind the resumed ones,
 * as the dispatcher keeps a conversation's deliveries in order). Costs the conversations that had a request in
 * hand, never the whole partition.
 */
export function applyCallbacksResume(draft: EceState, maxMessages: number): CallbackBatch[] {
  const sending = draft.indexes.callbacksSending;
  const batches: CallbackBatch[] = [];
  for (const conversationId of Object.keys(sending)) {
    delete sending[conversationId];
    const conversation = getOwn(draft.conversations, conversationId);
    if (!conversation?.callbacks) continue;
    conversation.callbacks.sending = null;
    const batch = takeBatch(draft, conversation, maxMessages);
    if (batch) batches.push(batch);
  }
  return batches;
}

/** Takes the next request's messages out of the outbox (or drops them when the callback URL is inactive). */
function takeBatch(draft: EceState, conversation: Conversation, maxMessages: number): CallbackBatch | null {
  const callbacks = conversation.callbacks;
  if (!callbacks || callbacks.pending.length === 0) return null;
  const app = getOwn(draft.clientApplications, conversation.clientKey);
  if (!app?.callback.active || !app.callback.url) {
    for (const index of callbacks.pending) {
      const entry = conversation.transcript[index];
      if (entry) entry.posted = false;
    }
    callbacks.pending = [];
    return null;
  }
  const entries = callbacks.pending.splice(0, Math.max(1, Math.min(maxMessages, MAX_CALLBACK_MESSAGES)));
  callbacks.sending = conversation.transcript[entries[0]!]!.id;
  draft.indexes.callbacksSending[conversation.id] = true;
  return { conversationId: conversation.id, entries };
}
