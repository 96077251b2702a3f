/**
 * Callback messages ECE posts to the client application's callback URL (reference 2.6): {"message":[...]},
 * JSON or XML as configured, with the configured callback authentication.
 */

import { toEcho } from '../../echo.ts';
import { renderXml } from '../../http.ts';
import { getOwn } from '../../own.ts';
import { fail, ok, type Result, type WebhookEvent, type WebhookTarget } from '../../provider/index.ts';
import type { Posting } from './model.ts';
import type { CallbackBatch } from './model-callbacks.ts';
import type {
  Agent,
  Attachment,
  CallbackKind,
  ClientApplication,
  EceState,
  TranscriptEntry,
} from './model-state.ts';

/** Who sent a callback message: an agent (`user`) or ECE itself (`system`). */
export type CallbackSender =
  | { type: 'user'; user: { id: string; name: string; screenName: string } }
  | { type: 'system' };

/** One element of the callback's `message` array. */
export type CallbackMessage = {
  id: string;
  conversation: { id: string };
  type: { value: CallbackKind };
  content?: string;
  sender: CallbackSender;
  timeStamp: number;
  attachments?: { attachment: Attachment[] };
};

/** The type of a callback request carrying several messages: their kinds in order, joined by commas. */
export type CallbackBatchType = `${CallbackKind},${string}`;

/**
 * The typed event map: each callback kind (a request of one message) or kinds list (a request of several) and
 * its body, the rendered `{"message":[…]}` document (JSON or XML, as the client application is configured).
 */
export type EceEvents = Record<CallbackKind | CallbackBatchType, string>;

/**
 * What each callback delivery carries for `onSettled`: its client application, and when not raw its first
 * message and its number of messages.
 */
export type EceMeta = { clientKey: string; messageId?: string; messages?: number };

function toSender(entry: TranscriptEntry, agent: Agent | undefined): CallbackSender {
  if (entry.kind === 'complete' || !agent) return { type: 'system' };
  return { type: 'user', user: { id: agent.id, name: agent.name, screenName: agent.screenName } };
}

/** Builds the callback message of a transcript entry. */
export function toCallbackMessage(
  state: EceState,
  conversationId: string,
  entry: TranscriptEntry,
): CallbackMessage {
  // Key order follows the imiconnect "Process ECE Events" sample (reference 2.6).
  const message: Partial<CallbackMessage> = {
    conversation: { id: conversationId },
    type: { value: entry.kind as CallbackKind },
  };
  if (entry.content !== null) message.content = entry.content;
  if (entry.attachments.length > 0) message.attachments = { attachment: entry.attachments };
  message.sender = toSender(entry, entry.agentId ? getOwn(state.agents, entry.agentId) : undefined);
  message.timeStamp = entry.timeStamp;
  message.id = entry.id;
  return message as CallbackMessage;
}

/** The Authorization header ECE sends with callbacks, as configured for the application. */
export function toCallbackHeaders(app: ClientApplication): Record<string, string> {
  const auth = app.callback.auth;
  if (auth.type === 'basic') {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {};
}

/** Renders a callback request body holding at most 1000 messages. */
export function renderCallbackBody(messages: CallbackMessage[], format: 'json' | 'xml'): string {
  if (messages.length > 1000) throw new RangeError('A callback request carries at most 1000 messages');
  return format === 'xml'
    ? renderXml('messages', { message: messages })
    : JSON.stringify({ message: messages });
}

/** Turns postings into webhook events, one per message, ordered per conversation (`callbackBatching: single`). */
export function toCallbackEvents(
  state: EceState,
  postings: Posting[],
): WebhookEvent<CallbackKind, string, EceMeta>[] {
  const events: WebhookEvent<CallbackKind, string, EceMeta>[] = [];
  for (const { conversationId, entry } of postings) {
    if (!entry.posted) continue;
    const conversation = getOwn(state.conversations, conversationId);
    const app = conversation ? getOwn(state.clientApplications, conversation.clientKey) : undefined;
    if (!app?.callback.url) continue;
    const format = app.callback.format;
    events.push({
      type: entry.kind as CallbackKind,
      url: app.callback.url,
      orderKey: conversationId,
      conversationId,
      body: renderCallbackBody([toCallbackMessage(state, conversationId, entry)], format),
      contentType: toContentType(format),
      headers: toCallbackHeaders(app),
      meta: { clientKey: app.key, messageId: entry.id },
    });
  }
  return events;
}

/**
 * The webhook event of one batched callback request (model-callbacks.ts): its messages in order, typed by their
 * kinds; null when the client application has no callback URL any more.
 */
export function toCallbackBatchEvent(
  state: EceState,
  batch: CallbackBatch,
): WebhookEvent<CallbackKind | CallbackBatchType, string, EceMeta> | null {
  const conversation = getOwn(state.conversations, batch.conversationId);
  const app = conversation ? getOwn(state.clientApplications, conversation.clientKey) : undefined;
  if (!conversation || !app?.callback.url) return null;
  const entries = batch.entries.map((index) => conversation.transcript[index]!);
  const format = app.callback.format;
  return {
    type: entries.map((entry) => entry.kind).join(',') as CallbackKind | CallbackBatchType,
    url: app.callback.url,
    orderKey: batch.conversationId,
    conversationId: batch.conversationId,
    body: renderCallbackBody(
      entries.map((entry) => toCallbackMessage(state, batch.conversationId, entry)),
      format,
    ),
    contentType: toContentType(format),
    headers: toCallbackHeaders(app),
    meta: { clientKey: app.key, messageId: entries[0]!.id, messages: entries.length },
  };
}

function toContentType(format: 'json' | 'xml'): string {
  return format === 'xml' ? 'application/xml' : 'application/json';
}

/**
 * Where a conversation's callbacks go, for the core's raw.event: its client application's callback URL, in the
 * application's format (an object body is written as XML under `messages` for XML applications), with the
 * configured callback authorization.
 */
export function toWebhookTargets(state: EceState, conversationId: string): Result<WebhookTarget<EceMeta>[]> {
  const conversation = getOwn(state.conversations, conversationId);
  if (!conversation) return fail(`Conversation ${toEcho(conversationId)} does not exist`);
  const app = getOwn(state.clientApplications, conversation.clientKey);
  if (!app?.callback.url) return fail('The client application has no callback URL');
  const format = app.callback.format;
  return ok([
    {
      url: app.callback.url,
      contentType: toContentType(format),
      headers: toCallbackHeaders(app),
      ...(format === 'xml' ? { serialize: (body: unknown) => renderXml('messages', body) } : {}),
      meta: { clientKey: app.key },
    },
  ]);
}
