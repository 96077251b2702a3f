import { createHmac } from 'node:crypto';
import { getOwn } from '../../own.ts';
import {
  type EventOf,
  fail,
  ok,
  type Result,
  type SignInput,
  type WebhookTarget,
} from '../../provider/index.ts';
import type { AirkitContext } from './effects.ts';
import type { AirkitOptions } from './fixtures.ts';
import { type AirkitState, getConversation, type Happening } from './model.ts';
import { renderConversation, renderMessage } from './render.ts';
import { toQuoted } from './render-errors.ts';

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

/** What each delivery carries for signing: the resource's secret and the event id of X-Airkit-Event-Id. */
export type AirkitMeta = { secret: string; eventId: string };

/** One Airkit webhook as `emit` takes it. */
export type AirkitWebhook = EventOf<AirkitEvents, AirkitMeta>;

/** Where a conversation's webhooks go: its resource's third-party webhook URL, signed with its secret. */
export type AirkitTarget = { url: string; secret: string };

/**
 * The webhook target of a conversation: its resource's webhook, for third-party managed conversations only (the
 * others have no third-party system); why not otherwise.
 */
export function parseWebhookTarget(s: AirkitState, conversationId: string): Result<AirkitTarget, string> {
  const conv = getConversation(s, conversationId);
  if (!conv) return fail(`No conversation ${toQuoted(conversationId)}`);
  if (!conv.managedByThirdPartySystem) {
    return fail(
      `Conversation ${toQuoted(conversationId)} is not managed by a third-party system, so no webhook receives its events`,
    );
  }
  const resource = getOwn(s.resources, conv.resourceId);
  if (!resource?.webhookUrl) {
    return fail(`Resource ${toQuoted(conv.resourceId)} of ${toQuoted(conversationId)} has no webhookUrl`);
  }
  return ok({ url: resource.webhookUrl, secret: resource.secret });
}

/**
 * The targets of the core's raw.event: the conversation's resource webhook, signed like every Airkit webhook, with
 * the body's `eventId` as X-Airkit-Event-Id when it is a string (a new UUID otherwise).
 */
export function toRawEventTargets(
  ctx: AirkitContext,
  conversationId: string,
  body: unknown,
): Result<WebhookTarget<AirkitMeta>[], string> {
  const target = parseWebhookTarget(ctx.state(), conversationId);
  if (!target.ok) return target;
  const bodyEventId =
    typeof body === 'object' && body !== null
      ? getOwn(body as Record<string, unknown>, 'eventId')
      : undefined;
  const eventId = typeof bodyEventId === 'string' ? bodyEventId : ctx.random.uuid();
  return ok([{ url: target.value.url, meta: { secret: target.value.secret, eventId } }]);
}

/** The webhook of one happening, to `target`. */
export function toWebhook(
  happening: Happening,
  target: AirkitTarget,
  eventId: string,
  now: number,
): AirkitWebhook {
  const conversationId = happening.conversation.id;
  const occurredAt = new Date(now).toISOString();
  const conversation = renderConversation(happening.conversation);
  const delivery = {
    url: target.url,
    orderKey: conversationId,
    conversationId,
    contentType: 'application/json',
    meta: { secret: target.secret, eventId },
  };
  switch (happening.type) {
    case 'conversation.started':
      return {
        ...delivery,
        type: happening.type,
        body: { eventId, type: happening.type, occurredAt, conversation },
      };
    case 'message.created': {
      const message = renderMessage(happening.message);
      return {
        ...delivery,
        type: happening.type,
        body: { eventId, type: happening.type, occurredAt, conversation, message },
      };
    }
    case 'conversation.ended':
      return {
        ...delivery,
        type: happening.type,
        body: { eventId, type: happening.type, occurredAt, conversation, reason: 'customer-left' },
      };
  }
}

/**
 * `X-Airkit-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with its timestamp and event id, when
 * the `signWebhooks` option is on.
 */
export function createSignatureHeaders(
  input: SignInput<AirkitMeta>,
  options: AirkitOptions,
): Record<string, string> {
  const secret = input.event.meta?.secret;
  if (!options.signWebhooks || secret === undefined) return {};
  const timestamp = String(Math.floor(input.time / 1000));
  const digest = createHmac('sha256', secret).update(`${timestamp}.${input.body}`).digest('hex');
  return {
    'X-Airkit-Signature': `sha256=${digest}`,
    'X-Airkit-Timestamp': timestamp,
    'X-Airkit-Event-Id': input.event.meta?.eventId ?? input.eventId,
  };
}
