import { createHmac } from 'node:crypto';
import { getOwn } from '../../own.ts';
import type { WebhookEvent } from '../../provider/index.ts';
import type { ChatwootState, Contact, Conversation, Inbox } from './model.ts';
import { renderContactWebhookData, toIso } from './render.ts';
import type { ChangedAttribute } from './transitions.ts';

type Json = Record<string, unknown>;

/** A conversation payload: `conversation.webhook_data` merged with `event`. */
export type ConversationEventPayload = Json & { event: string; id: number };
/** `changed_attributes` as BaseListener builds it: one object per changed attribute. */
export type ChangedAttributes = Array<Record<string, { previous_value: unknown; current_value: unknown }>>;

/** The typed event map of the chatwoot provider (event name -> payload). */
export type ChatwootEvents = {
  conversation_created: ConversationEventPayload;
  conversation_status_changed: ConversationEventPayload & { changed_attributes: ChangedAttributes };
  conversation_updated: ConversationEventPayload & { changed_attributes: ChangedAttributes };
  message_created: Json & { event: 'message_created'; id: number; message_type: string };
  message_updated: Json & { event: 'message_updated'; id: number; message_type: string };
  conversation_typing_on: {
    event: 'conversation_typing_on';
    user: Json | null;
    conversation: Json;
    is_private: boolean;
  };
  conversation_typing_off: {
    event: 'conversation_typing_off';
    user: Json | null;
    conversation: Json;
    is_private: boolean;
  };
  contact_created: Json & { event: 'contact_created'; id: number };
};

/** A chatwoot event name. */
export type ChatwootEventName = keyof ChatwootEvents;

/** The id scenarios and the admin API use for a conversation: `<account_id>:<display_id>`. */
export function toConversationKey(c: Pick<Conversation, 'account_id' | 'display_id'>): string {
  return `${c.account_id}:${c.display_id}`;
}

/** Renders `changed_attributes`; times become ISO strings as Rails serialises them. */
export function renderChangedAttributes(changes: ChangedAttribute[]): ChangedAttributes {
  const value = (name: string, v: unknown) =>
    name === 'snoozed_until' && typeof v === 'number' ? toIso(v) : v === undefined ? null : v;
  return changes.map((c) => ({
    [c.name]: { previous_value: value(c.name, c.previous), current_value: value(c.name, c.current) },
  }));
}

/** `Contact#webhook_data` merged with `event`. */
export function renderContactCreated(s: ChatwootState, c: Contact): ChatwootEvents['contact_created'] {
  return { ...renderContactWebhookData(s, c), event: 'contact_created' };
}

/** Where one event goes: matching account webhooks, then the API inbox's webhook_url. */
export type Destination = { url: string; secret: string; kind: 'account' | 'api_inbox' };

/**
 * Lists the destinations of an event (WebhookListener#deliver_webhook_payloads): account webhooks subscribed to
 * the event (inbox-scoped ones only for their inbox), and, for Channel::Api inboxes, the inbox webhook_url.
 * Contact events go to account webhooks only.
 */
export function listDestinations(
  s: ChatwootState,
  accountId: number,
  // Any name: raw events (the raw.event action) are routed by their own type.
  event: string,
  inbox: Inbox | null,
): Destination[] {
  const out: Destination[] = [];
  for (const id of getOwn(s.index.webhooksOfAccount, String(accountId)) ?? []) {
    const w = getOwn(s.webhooks, String(id))!;
    if (!w.subscriptions.includes(event)) continue;
    if (w.inbox_id !== null && w.inbox_id !== inbox?.id) continue;
    out.push({ url: w.url, secret: w.secret, kind: 'account' });
  }
  if (inbox && inbox.channel_type === 'Channel::Api' && inbox.webhook_url) {
    out.push({ url: inbox.webhook_url, secret: inbox.secret, kind: 'api_inbox' });
  }
  return out;
}

/** Builds the core webhook events of one chatwoot event, one per destination. */
export function toWebhookEvents<E extends ChatwootEventName>(
  destinations: Destination[],
  event: E,
  payload: ChatwootEvents[E],
  scope: { orderKey: string; conversationId?: string; messageId?: number },
  makeDeliveryId: () => string,
): WebhookEvent[] {
  return destinations.map((d) => ({
    type: event,
    url: d.url,
    orderKey: scope.orderKey,
    ...(scope.conversationId ? { conversationId: scope.conversationId } : {}),
    body: payload,
    contentType: 'application/json',
    meta: {
      secret: d.secret,
      destination: d.kind,
      deliveryId: makeDeliveryId(),
      ...(scope.messageId !== undefined ? { messageId: scope.messageId } : {}),
    },
  }));
}

/** The signature headers of newer Chatwoot: HMAC-SHA256(secret, "<timestamp>.<raw body>"). */
export function createSignatureHeaders(
  secret: string,
  body: string,
  timeMs: number,
  deliveryId: string,
): Record<string, string> {
  const timestamp = String(Math.floor(timeMs / 1000));
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'X-Chatwoot-Signature': `sha256=${digest}`,
    'X-Chatwoot-Timestamp': timestamp,
    'X-Chatwoot-Delivery': deliveryId,
  };
}
