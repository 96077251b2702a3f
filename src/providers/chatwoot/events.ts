// The webhook events of the chatwoot provider: the typed event map and delivery meta, the payload builders, the
// targets of raw events and the signature.
import { createHmac } from 'node:crypto';
import { toIso } from '../../clock.ts';
import { getOwn } from '../../own.ts';
import {
  fail,
  ok,
  type ProviderContext,
  type Result,
  type SignInput,
  type WebhookTarget,
} from '../../provider/index.ts';
import type { ChatwootOptions } from './fixtures.ts';
import {
  type ChatwootState,
  type Contact,
  findConversationByKey,
  getConversation,
  toConversationKey,
} from './model.ts';
import { type ChangedAttribute, type ChatwootHappening, listDestinations } from './model-outcomes.ts';
import { toInputText } from './render-errors.ts';
import {
  renderContactWebhookData,
  renderConversationWebhookData,
  renderMessageWebhookData,
  renderWidgetTriggered,
} from './render-webhooks.ts';

type Json = Record<string, unknown>;

/** A conversation payload: `conversation.webhook_data` merged with `event`. */
export type ConversationEventPayload = Json & { event: string; id: number };
/** `changed_attributes` as BaseListener builds it: one object per changed attribute. */
export type ChangedAttributes = Array<Record<string, { previous_value: unknown; current_value: unknown }>>;
/** A typing payload: who types, in which conversation, privately or not. */
type TypingPayload<E extends string> = {
  event: E;
  user: Json | null;
  conversation: Json;
  is_private: boolean;
};

/** The typed event map of the chatwoot provider (event name -> payload). */
export type ChatwootEvents = {
  conversation_created: ConversationEventPayload;
  /** Agent-bot only: a conversation of the bot's inbox was opened. */
  conversation_opened: ConversationEventPayload;
  /** Agent-bot only: a conversation of the bot's inbox was resolved. */
  conversation_resolved: ConversationEventPayload;
  conversation_status_changed: ConversationEventPayload & { changed_attributes: ChangedAttributes };
  conversation_updated: ConversationEventPayload & { changed_attributes: ChangedAttributes };
  message_created: Json & { event: 'message_created'; id: number; message_type: string };
  message_updated: Json & { event: 'message_updated'; id: number; message_type: string };
  conversation_typing_on: TypingPayload<'conversation_typing_on'>;
  conversation_typing_off: TypingPayload<'conversation_typing_off'>;
  contact_created: Json & { event: 'contact_created'; id: number };
  contact_updated: Json & { event: 'contact_updated'; id: number; changed_attributes: ChangedAttributes };
  webwidget_triggered: Json & { event: 'webwidget_triggered'; id: number; event_info: Json };
};

/** A chatwoot event name. */
export type ChatwootEventName = keyof ChatwootEvents;

/** What each delivery carries for signing and for its settlement (never sent). */
export type ChatwootMeta = {
  /** The destination's secret (account webhook or API inbox). */
  secret: string;
  destination: 'account' | 'api_inbox' | 'agent_bot';
  /** `X-Chatwoot-Delivery`: one UUID per delivery, kept across attempts. */
  deliveryId: string;
  /** The message a message event reports: a failed API-inbox delivery marks it failed. */
  messageId?: number;
};

/** The chatwoot provider context. */
export type ChatwootContext = ProviderContext<ChatwootState, ChatwootOptions, ChatwootEvents, ChatwootMeta>;

/** An event type with its payload, as `emit` takes them. */
export type RenderedEvent = {
  [E in ChatwootEventName]: { type: E; body: ChatwootEvents[E] };
}[ChatwootEventName];

/** Datetime columns: their changes are ISO strings, as Rails serialises a Time. */
const TIME_ATTRIBUTES: ReadonlySet<string> = new Set([
  'snoozed_until',
  'waiting_since',
  'first_reply_created_at',
  'updated_at',
  'last_activity_at',
  'agent_last_seen_at',
  'contact_last_seen_at',
  'assignee_last_seen_at',
]);

/** Renders `changed_attributes` (BaseListener#extract_changed_attributes); times become ISO strings. */
export function renderChangedAttributes(changes: ChangedAttribute[]): ChangedAttributes {
  const value = (name: string, v: unknown) =>
    TIME_ATTRIBUTES.has(name) && typeof v === 'number' ? toIso(v) : v === undefined ? null : v;
  return changes.map((c) => ({
    [c.name]: { previous_value: value(c.name, c.previous), current_value: value(c.name, c.current) },
  }));
}

/** `Contact#webhook_data` merged with `event`. */
export function renderContactCreated(s: ChatwootState, c: Contact): ChatwootEvents['contact_created'] {
  return { ...renderContactWebhookData(s, c), event: 'contact_created' };
}

/** The payload of a conversation event: `conversation.webhook_data`, the event name and the changes. */
function renderConversationEvent(
  s: ChatwootState,
  conversationId: number,
  event: string,
): ConversationEventPayload {
  const conv = getConversation(s, conversationId)!;
  return { ...renderConversationWebhookData(s, conv), id: conv.display_id, event };
}

/** Renders the payload of what happened, from the state as it is now. */
export function renderEvent(s: ChatwootState, h: ChatwootHappening): RenderedEvent {
  switch (h.type) {
    case 'conversation_created':
    case 'conversation_opened':
    case 'conversation_resolved':
      return { type: h.type, body: renderConversationEvent(s, h.conversationId, h.type) };
    case 'conversation_status_changed':
    case 'conversation_updated':
      return {
        type: h.type,
        body: {
          ...renderConversationEvent(s, h.conversationId, h.type),
          changed_attributes: renderChangedAttributes(h.changes ?? []),
        },
      };
    case 'message_created':
    case 'message_updated': {
      const data = renderMessageWebhookData(s, getOwn(s.messages, String(h.messageId))!);
      return h.type === 'message_created'
        ? { type: h.type, body: { ...data, event: h.type } }
        : { type: h.type, body: { ...data, event: h.type } };
    }
    case 'conversation_typing_on':
    case 'conversation_typing_off': {
      const conversation = renderConversationWebhookData(s, getConversation(s, h.conversationId)!);
      const body = { user: h.user, conversation, is_private: h.isPrivate };
      return h.type === 'conversation_typing_on'
        ? { type: h.type, body: { event: h.type, ...body } }
        : { type: h.type, body: { event: h.type, ...body } };
    }
    case 'contact_updated':
      return {
        type: h.type,
        body: {
          ...renderContactWebhookData(s, getOwn(s.contacts, String(h.contactId))!),
          event: 'contact_updated',
          changed_attributes: renderChangedAttributes(h.changes),
        },
      };
    case 'contact_created':
      return { type: h.type, body: renderContactCreated(s, getOwn(s.contacts, String(h.contactId))!) };
    case 'webwidget_triggered':
      return { type: h.type, body: renderWidgetTriggered(s, h.contactInboxId, h.eventInfo) };
  }
}

/**
 * Where a raw event of type `type` goes for a conversation (its key or bare display id): where a real event of that
 * type would go, each delivery with its own secret and delivery id.
 */
export function listWebhookTargets(
  ctx: ChatwootContext,
  key: string,
  type: string,
): Result<WebhookTarget<ChatwootMeta>[], string> {
  const s = ctx.state();
  const conv = findConversationByKey(s, key);
  if (!conv) return fail(`no chatwoot conversation '${toInputText(key)}' (use <account_id>:<display_id>)`);
  const destinations = listDestinations(s, conv.account_id, type, conv.inbox_id);
  const conversationKey = toConversationKey(conv);
  if (destinations.length === 0) {
    return fail(
      `no webhook receives '${toInputText(type)}' for chatwoot conversation ${conversationKey}: no webhook of account ` +
        `${conv.account_id} subscribes to it and inbox ${conv.inbox_id} is not an API inbox with a webhook_url`,
    );
  }
  return ok(
    destinations.map((d) => ({
      url: d.url,
      orderKey: `conversation-${conv.id}`,
      conversationId: conversationKey,
      meta: { secret: d.secret, destination: d.kind, deliveryId: ctx.random.uuid() },
    })),
  );
}

/**
 * The signature headers of a delivery: none when signing is off (older Chatwoot) or for an API inbox when its
 * signing is off (before 4.13.0).
 */
export function signDelivery(
  input: SignInput<ChatwootMeta>,
  options: ChatwootOptions,
): Record<string, string> {
  const meta = input.event.meta;
  if (!options.signWebhooks || meta?.secret === undefined) return {};
  if (meta.destination === 'api_inbox' && !options.signApiInboxWebhooks) return {};
  return createSignatureHeaders(meta.secret, input.body, input.time, meta.deliveryId ?? input.eventId);
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
