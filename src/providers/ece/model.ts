/**
 * Conversation transitions: start, customer messages, completion, expiry. Every function works on a draft
 * (ctx.update) and returns what happened, an `Outcome` that effects.ts performs; one that can refuse returns the
 * reason before it changes anything. The state types are in model-state.ts.
 */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import { type ConversationSignal, fail, ok, type Result } from '../../provider/index.ts';
import {
  addCustomer,
  countActiveChat,
  dequeueWaiting,
  enqueueWaiting,
  forgetUploads,
  noteUploads,
} from './model-indexes.ts';
import { appendId, removeId } from './model-ordered.ts';
import type { Attachment, Conversation, EceState, TranscriptEntry } from './model-state.ts';
import type { StartBody } from './rules-body.ts';
import type { CustomerPlan } from './rules-customer.ts';
import type { StartQuery } from './rules-query.ts';

/**
 * A transcript entry toward the client (a copy) and its place in the transcript: its callback is posted when
 * `entry.posted`.
 */
export type Posting = { conversationId: string; index: number; entry: TranscriptEntry };

/** What a transition did, for effects.ts to perform. Plain values only, never objects of the state. */
export type Outcome = {
  /** Entries written toward the client, in order: callbacks to post, and conversation signals. */
  postings?: Posting[];
  /** Other conversation signals (a start). */
  signals?: ConversationSignal[];
  /** A chat entered a queue or an agent has room again: an automatic assignment pass is wanted. */
  assignmentWanted?: boolean;
  /** The time an assignment pass is now due at: arm its timer. */
  assignmentDueAt?: number;
  /** Lines for the simulator's log. */
  warnings?: string[];
};

/** The ids of a started conversation, as the start answer shows them. */
export type StartedConversation = Pick<
  Conversation,
  'id' | 'activityId' | 'caseId' | 'customerId' | 'entryPointId'
>;

/** Whether the callback for this kind is posted at all (callback active; typing only when asked for). */
function isPosted(state: EceState, conversation: Conversation, kind: string): boolean {
  const app = getOwn(state.clientApplications, conversation.clientKey);
  if (!app?.callback.active || !app.callback.url) return false;
  if (kind === 'startTyping' || kind === 'endTyping') return conversation.sendTypingNotification;
  return true;
}

/** Appends a transcript entry with the next message id; returns a copy of it. */
export function appendEntry(
  draft: EceState,
  conversation: Conversation,
  entry: Omit<TranscriptEntry, 'id' | 'posted' | 'timeStamp' | 'attachments'> & {
    attachments?: Attachment[];
  },
  now: number,
): TranscriptEntry {
  const full: TranscriptEntry = {
    id: String(draft.counters.message++),
    attachments: [],
    ...entry,
    timeStamp: now,
    posted: entry.direction === 'toClient' && isPosted(draft, conversation, entry.kind),
  };
  const index = conversation.transcript.length;
  conversation.transcript.push(full);
  if (full.kind === 'uploadAttachment')
    noteUploads(draft, conversation.id, full.direction, index, full.attachments);
  return { ...full, attachments: full.attachments.map((attachment) => ({ ...attachment })) };
}

/** An entry toward the client, as a posting. */
export function appendPosting(
  draft: EceState,
  conversation: Conversation,
  entry: Omit<TranscriptEntry, 'id' | 'posted' | 'timeStamp' | 'attachments' | 'direction'> & {
    attachments?: Attachment[];
  },
  now: number,
): Posting {
  const appended = appendEntry(draft, conversation, { direction: 'toClient', ...entry }, now);
  return { conversationId: conversation.id, index: conversation.transcript.length - 1, entry: appended };
}

/** Everything start conversation needs once validated. */
export type StartInput = {
  id: string;
  clientKey: string;
  entryPointId: string;
  queueId: string;
  query: StartQuery;
  body: StartBody;
  plan: CustomerPlan;
  contactPoint: string | null;
};

/**
 * Creates the customer (when new), the case (when not given), the chat activity and the conversation, which
 * enters its queue's waiting list. Touches only the records it adds, whatever the size of the partition.
 */
export function applyStart(
  draft: EceState,
  input: StartInput,
  now: number,
): Outcome & { started: StartedConversation } {
  const { plan, body } = input;
  let customerId: string | null = null;
  if (plan.kind === 'existing') customerId = plan.customerId;
  if (plan.kind === 'create') {
    customerId = String(draft.counters.customer++);
    const customer = {
      id: customerId,
      departmentId: plan.departmentId,
      type: plan.customer.type,
      contacts: [{ id: String(draft.counters.contact++), ...plan.customer.contact }],
    };
    draft.customers[customerId] = customer;
    addCustomer(draft, customer);
  }
  let caseId = body.caseId;
  if (caseId === null) {
    caseId = String(draft.counters.case++);
    draft.cases[caseId] = { id: caseId, customerId, status: 'open' };
  }
  const conversation: Conversation = {
    id: input.id,
    activityId: String(draft.counters.activity++),
    caseId,
    customerId,
    contactPoint: input.contactPoint,
    clientKey: input.clientKey,
    entryPointId: input.entryPointId,
    queueId: input.queueId,
    status: 'waiting',
    agentId: null,
    sendTypingNotification: input.query.sendTypingNotification,
    clientInfo: body.clientInfo,
    subject: body.subject,
    customAttributes: body.customAttributes,
    createdAt: now,
    completedAt: null,
    transcript: [],
  };
  draft.conversations[conversation.id] = conversation;
  appendId(draft.indexes.conversations, conversation.id, now);
  enqueueWaiting(draft, conversation);
  const { id, activityId, entryPointId } = conversation;
  return {
    started: { id, activityId, caseId, customerId, entryPointId },
    signals: [{ type: 'conversation.started', conversationId: id, data: { entryPointId } }],
    assignmentWanted: true,
  };
}

/** An open conversation, or why there is none. */
export function findOpen(state: EceState, conversationId: string): Result<Conversation> {
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) return fail(`Conversation ${toEcho(conversationId)} does not exist`);
  if (conversation.status === 'completed') {
    return fail(`Conversation ${toEcho(conversationId)} is completed; nothing follows complete`);
  }
  return ok(conversation);
}

/** An open conversation with an assigned agent, or why there is none. */
export function findAssigned(
  state: EceState,
  conversationId: string,
): Result<Conversation & { agentId: string }> {
  const found = findOpen(state, conversationId);
  if (!found.ok) return found;
  if (found.value.agentId === null) {
    return fail(`Conversation ${toEcho(conversationId)} is waiting in the queue; no agent is assigned`);
  }
  return ok(found.value as Conversation & { agentId: string });
}

/** The screen name of an agent, for system messages. */
export function toAgentName(state: EceState, agentId: string | null): string {
  return (agentId && getOwn(state.agents, agentId)?.screenName) || 'Agent';
}

/**
 * Finds an attachment uploaded in this conversation in one direction (the latest when `attachmentId` is null),
 * through the upload index: a plain copy, never the stored object.
 */
export function findAttachment(
  state: EceState,
  conversation: Conversation,
  direction: 'toClient' | 'fromClient',
  attachmentId: string | null,
): Attachment | null {
  const id = attachmentId ?? getOwn(state.indexes.latestUploads, conversation.id)?.[direction] ?? null;
  if (id === null) return null;
  const place = getOwn(state.indexes.uploads, id);
  if (!place || place.conversationId !== conversation.id || place.direction !== direction) return null;
  const found = conversation.transcript[place.entry]?.attachments[place.slot];
  return found ? { ...found } : null;
}

/** Gives attachments their ids. */
export function makeAttachments(draft: EceState, files: Array<Omit<Attachment, 'id'>>): Attachment[] {
  return files.map((file) => {
    const id = String(draft.counters.attachment++);
    return {
      ...file,
      id,
      contentUrl: file.contentUrl || `attachments/${id}/${encodeURIComponent(file.fileName)}`,
    };
  });
}

/** Completes an open conversation: one `complete`, always the last callback. */
export function completeConversation(
  draft: EceState,
  conversation: Conversation,
  by: 'agent' | 'customer',
  now: number,
): Outcome {
  const content =
    by === 'agent'
      ? `${toAgentName(draft, conversation.agentId)} has ended the chat`
      : 'Customer has ended the chat';
  const posting = appendPosting(draft, conversation, { kind: 'complete', content, agentId: null }, now);
  if (conversation.status === 'waiting') dequeueWaiting(draft, conversation);
  if (conversation.status === 'assigned' && conversation.agentId !== null)
    countActiveChat(draft, conversation.agentId, -1);
  conversation.status = 'completed';
  conversation.completedAt = now;
  return { postings: [posting], assignmentWanted: true };
}

/** The agent completes the conversation (agent.complete). */
export function applyComplete(draft: EceState, conversationId: string, now: number): Result<Outcome> {
  const found = findOpen(draft, conversationId);
  if (!found.ok) return found;
  return ok(completeConversation(draft, found.value, 'agent', now));
}

/**
 * Deletes a completed conversation with its transcript and its index entries (creation order, attachments), for
 * `--retain`. Costs what the conversation holds. A conversation that is gone or not completed is left alone
 * (false). Its case and customer are kept: ECE keeps them beyond the chat, and a later start may name them.
 */
export function applyExpire(draft: EceState, conversationId: string): Outcome & { expired: boolean } {
  const conversation = getOwn(draft.conversations, conversationId);
  if (conversation?.status !== 'completed') return { expired: false };
  removeId(draft.indexes.conversations, conversationId);
  forgetUploads(draft, conversation);
  delete draft.indexes.callbacksSending[conversationId];
  delete draft.conversations[conversationId];
  return { expired: true };
}
