import { createHmac } from 'node:crypto';
import type { WebhookEvent } from '../../provider/index.ts';
import type { AirkitConversation, AirkitMessage, Resource } from './model.ts';
import { renderConversation, renderMessage } from './render.ts';

type Conversation = Record<string, unknown>;

/** The typed event map sent to the third-party system (all names are simulator choices). */
export type AirkitEvents = {
  'conversation.started': {
    eventId: string;
    type: 'conversation.started';
    occurredAt: string;
    conversation: Conversation;
  };
  'message.created': {
    eventId: string;
    type: 'message.created';
    occurredAt: string;
    conversation: Conversation;
    message: Record<string, unknown>;
  };
  'conversation.ended': {
    eventId: string;
    type: 'conversation.ended';
    occurredAt: string;
    conversation: Conversation;
    reason: 'customer-left';
  };
};

/** An airkit event name. */
export type AirkitEventName = keyof AirkitEvents;

/** Builds the payload of one event. */
export function createEventPayload<E extends AirkitEventName>(
  type: E,
  eventId: string,
  now: number,
  conversation: AirkitConversation,
  message?: AirkitMessage,
): AirkitEvents[E] {
  const base = {
    eventId,
    type,
    occurredAt: new Date(now).toISOString(),
    conversation: renderConversation(conversation),
  };
  if (type === 'message.created')
    return { ...base, message: renderMessage(message!) } as unknown as AirkitEvents[E];
  if (type === 'conversation.ended')
    return { ...base, reason: 'customer-left' } as unknown as AirkitEvents[E];
  return base as unknown as AirkitEvents[E];
}

/** Wraps a payload as a core webhook event to the resource's third-party webhook URL. */
export function toWebhookEvent<E extends AirkitEventName>(
  resource: Resource,
  conversation: AirkitConversation,
  payload: AirkitEvents[E],
): WebhookEvent {
  return {
    type: payload.type,
    url: resource.webhookUrl!,
    orderKey: conversation.id,
    conversationId: conversation.id,
    body: payload,
    contentType: 'application/json',
    meta: { secret: resource.secret, eventId: payload.eventId },
  };
}

/** `X-Airkit-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with its timestamp and event id. */
export function createSignatureHeaders(
  secret: string,
  body: string,
  timeMs: number,
  eventId: string,
): Record<string, string> {
  const timestamp = String(Math.floor(timeMs / 1000));
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'X-Airkit-Signature': `sha256=${digest}`,
    'X-Airkit-Timestamp': timestamp,
    'X-Airkit-Event-Id': eventId,
  };
}
