/**
 * Conversation state and transitions: start, assignment, agent and customer actions, completion. Every function
 * works on a draft (ctx.update) and returns the transcript entries to post to the callback URL; callers validate first.
 */
import { toEcho } from '../../echo.ts';
import { getOwn } from '../../own.ts';
import {
  addCustomer,
  countActiveChat,
  dequeueWaiting,
  enqueueWaiting,
  forgetUploads,
  noteUploads,
} from './model-indexes.ts';
import { appendId, removeId } from './model-ordered.ts';
import type {
  Attachment,
  ClientApplication,
  Conversation,
  EceState,
  EntryPoint,
  TranscriptEntry,
} from './model-state.ts';
import type { StartQuery } from './rules.ts';
import type { StartBody } from './rules-body.ts';
import type { CustomerPlan } from './rules-customer.ts';

/** A transcript entry that must be posted to the client application's callback URL. */
export type Posting = { conversationId: string; entry: TranscriptEntry };

/** Thrown by actions that do not fit the conversation's state; the admin API answers it as a 4xx. */
export class ConversationStateError extends Error {
  override name = 'ConversationStateError';
}

/** Whether the callback for this kind is posted at all (callback active; typing only when asked for). */
function isPosted(state: EceState, conversation: Conversation, kind: string): boolean {
  const app = getOwn(state.clientApplications, conversation.clientKey);
  if (!app?.callback.active || !app.callback.url) return false;
  if (kind === 'startTyping' || kind === 'endTyping') return conversation.sendTypingNotification;
  return true;
}

/** Appends a transcript entry with the next message id. */
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
  return full;
}

/** Everything start conversation needs once validated. */
export type StartInput = {
  id: string;
  app: ClientApplication;
  entryPoint: EntryPoint;
  query: StartQuery;
  body: StartBody;
  plan: CustomerPlan;
  contactPoint: string | null;
  now: number;
};

/**
 * Creates the customer (when new), the case (when not given), the chat activity and the conversation, which
 * enters its queue's waiting list. Touches only the records it adds, whatever the size of the partition.
 */
export function applyStart(draft: EceState, input: StartInput): Conversation {
  const { plan, body, now } = input;
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
    clientKey: input.app.key,
    entryPointId: input.entryPoint.id,
    queueId: input.entryPoint.queueId,
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
  return conversation;
}

/** Finds an open conversation or throws. */
export function requireOpen(draft: EceState, conversationId: string): Conversation {
  const conversation = getOwn(draft.conversations, conversationId);
  if (!conversation)
    throw new ConversationStateError(`Conversation ${toEcho(conversationId)} does not exist`);
  if (conversation.status === 'completed') {
    throw new ConversationStateError(
      `Conversation ${toEcho(conversationId)} is completed; nothing follows complete`,
    );
  }
  return conversation;
}

/** Finds an open conversation with an assigned agent or throws. */
export function requireAssigned(draft: EceState, conversationId: string): Conversation & { agentId: string } {
  const conversation = requireOpen(draft, conversationId);
  if (conversation.agentId === null) {
    throw new ConversationStateError(
      `Conversation ${toEcho(conversationId)} is waiting in the queue; no agent is assigned`,
    );
  }
  return conversation as Conversation & { agentId: string };
}

/** The screen name of an agent, for system messages. */
export function agentName(draft: EceState, agentId: string | null): string {
  return (agentId && getOwn(draft.agents, agentId)?.screenName) || 'Agent';
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

/** Completes the conversation: one `complete`, always the last callback. */
export function applyComplete(
  draft: EceState,
  conversationId: string,
  by: 'agent' | 'customer',
  now: number,
): Posting[] {
  const conversation = requireOpen(draft, conversationId);
  const content =
    by === 'agent'
      ? `${agentName(draft, conversation.agentId)} has ended the chat`
      : 'Customer has ended the chat';
  const entry = appendEntry(
    draft,
    conversation,
    { direction: 'toClient', kind: 'complete', content, agentId: null },
    now,
  );
  if (conversation.status === 'waiting') dequeueWaiting(draft, conversation);
  if (conversation.status === 'assigned' && conversation.agentId !== null)
    countActiveChat(draft, conversation.agentId, -1);
  conversation.status = 'completed';
  conversation.completedAt = now;
  return [{ conversationId, entry }];
}

/** Records what the customer sent through sendmessage (or the customer.* actions). */
export function applyCustomerMessage(
  draft: EceState,
  conversationId: string,
  kind: string,
  content: string | null,
  attachments: Attachment[],
  now: number,
): TranscriptEntry {
  const conversation = requireOpen(draft, conversationId);
  return appendEntry(
    draft,
    conversation,
    { direction: 'fromClient', kind, content, agentId: null, attachments },
    now,
  );
}

/**
 * Deletes a completed conversation with its transcript and its index entries (creation order, attachments), for
 * `--retain`. Costs what the conversation holds. A conversation that is gone or not completed is left alone
 * (false). Its case and customer are kept: ECE keeps them beyond the chat, and a later start may name them.
 */
export function applyExpire(draft: EceState, conversationId: string): boolean {
  const conversation = getOwn(draft.conversations, conversationId);
  if (conversation?.status !== 'completed') return false;
  removeId(draft.indexes.conversations, conversationId);
  forgetUploads(draft, conversation);
  delete draft.conversations[conversationId];
  return true;
}
