// 8x8 response bodies (v2 application/json, Gateway application/hal+json), as the OpenAPI files in
// reference/8x8/ document them.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toIso } from '../../clock.ts';
import type { Attachment, Channel, Conversation, Interaction, Message, Webhook } from './model.ts';
import { toGatewayState } from './model.ts';
import type { Page } from './model-lists.ts';

/** Answers a success body with the API's media type (v2: application/json, Gateway: application/hal+json). */
export function renderJson(c: Context, body: unknown, status = 200, hal = false): Response {
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'content-type': hal ? 'application/hal+json' : 'application/json',
  });
}

/** The AuthResponse of POST /oauth/v2/token (every value a string, as in the spec example). */
export function renderToken(input: {
  accessToken: string;
  clientId: string;
  applicationName: string;
  issuedAt: number;
  ttlSeconds: number;
}) {
  return {
    refresh_token_expires_in: '0',
    api_product_list: ['vcc'],
    organization_name: '8x8gateway',
    token_type: 'BearerToken',
    issued_at: String(input.issuedAt),
    client_id: input.clientId,
    access_token: input.accessToken,
    application_name: input.applicationName,
    scope: '',
    expires_in: String(input.ttlSeconds),
    refresh_count: '0',
    status: 'approved',
  };
}

/** WebHookV2Result. */
export function renderWebhook(w: Webhook) {
  return { id: w.id, name: w.name, uri: w.uri, version: w.version };
}

/** ChannelV2Result (the Gateway adds `type`). */
export function renderChannel(ch: Channel) {
  return {
    id: ch.id,
    name: ch.name,
    ...(ch.api === 'gateway' ? { type: ch.type ?? 'ChatAPI' } : {}),
    webHookId: ch.webHookId,
    routingOptions: { ...ch.routingOptions },
  };
}

/** InteractionInfo; an open interaction has no endTime. */
export function renderInteraction(i: Interaction) {
  return {
    id: i.id,
    startTime: toIso(i.startTime),
    ...(i.endTime === null ? {} : { endTime: toIso(i.endTime) }),
  };
}

/** v2 ConversationResult. */
export function renderV2Conversation(conv: Conversation) {
  return {
    id: conv.id,
    channelId: conv.channelId,
    startTime: toIso(conv.createdAt),
    customer: conv.customer,
    interactions: conv.interactions.map(renderInteraction),
  };
}

/** v2 MessageResult. */
export function renderV2Message(m: Message) {
  return {
    interactionId: m.interactionId,
    originalText: m.text,
    translatedText: m.text,
    authorType: m.authorType,
    participantId: m.participantId,
  };
}

/**
 * The v2 participants: everyone who joined during the conversation's lifespan (the OAS description), the customer,
 * the bot once it wrote, then every agent in join order. A list, though the OAS types `participants` as one object
 * (see docs/providers/8x8.md, spec defects).
 */
export function renderV2Participants(conv: Conversation) {
  return [
    { id: conv.userParticipantId, type: 'user', language: conv.language },
    ...(conv.botJoined ? [{ id: 'bot', type: 'bot', language: conv.language }] : []),
    ...conv.agentIds.map((id) => ({ id, type: 'agent', language: 'en' })),
  ];
}

/** Gateway ConversationResult. */
export function renderGatewayConversation(conv: Conversation) {
  return {
    id: conv.id,
    channelId: conv.channelId,
    assignment: { ...conv.assignment },
    user: conv.user,
    state: toGatewayState(conv),
  };
}

/** A Gateway message author (ConversationParticipant). */
function renderAuthor(conv: Conversation, m: Message, open: Interaction | undefined) {
  if (m.authorType === 'agent') {
    return { id: m.participantId, removed: open?.agentId !== m.participantId, type: 'agent', language: 'en' };
  }
  if (m.authorType === 'user') {
    return { id: m.participantId, removed: conv.customerLeft, type: 'user', language: conv.language };
  }
  return { id: m.participantId, removed: false, type: m.authorType, language: conv.language };
}

/** Gateway MessageResult. */
export function renderGatewayMessage(conv: Conversation, m: Message) {
  const open = conv.interactions.at(-1);
  return {
    id: m.id,
    text: m.text,
    createdAt: toIso(m.createdAt),
    author: renderAuthor(conv, m, open && open.endTime === null ? open : undefined),
    ...(m.externalProvider ? { externalProvider: m.externalProvider } : {}),
    attachments: m.attachments.map((a) => ({ id: a.id })),
    cards: m.cards.map(renderCard),
  };
}

/** Gateway AdaptiveCards item. */
export function renderCard(card: Message['cards'][number]) {
  return {
    id: card.id,
    contentType: card.contentType,
    content: card.content,
    actionSubmitted: card.actionSubmitted,
    actionExecuted: card.actionExecuted,
  };
}

/** Gateway participants: the user, the bot once it wrote, and every agent that joined, with `removed`. */
export function renderGatewayParticipants(conv: Conversation) {
  const open = conv.interactions.at(-1);
  const current = open && open.endTime === null ? open.agentId : null;
  return [
    { id: conv.userParticipantId, removed: conv.customerLeft, type: 'user', language: conv.language },
    ...(conv.botJoined ? [{ id: 'bot', removed: false, type: 'bot', language: conv.language }] : []),
    ...conv.agentIds.map((id) => ({ id, removed: id !== current, type: 'agent', language: 'en' })),
  ];
}

/** Gateway AttachmentResult. */
export function renderAttachment(a: Attachment) {
  return { id: a.id, filename: a.filename, sizeInBytes: a.sizeInBytes, createdAt: toIso(a.createdAt) };
}

/** A v2 list: `{data, page:{pageSize,pageIndex,elementCount,pageCount}}`. */
export function renderV2List<T>(page: Page<T>) {
  return {
    data: page.items,
    page: {
      pageSize: page.size,
      pageIndex: page.number,
      elementCount: page.total,
      pageCount: Math.ceil(page.total / page.size),
    },
  };
}

/** A Gateway HAL list: `{_embedded:{<name>:[...]}, _links:{self:{href}}, page:{size,number,totalElements,totalPages}}`. */
export function renderHalList<T>(name: string, page: Page<T>, href: string) {
  return {
    _embedded: { [name]: page.items },
    _links: { self: { href } },
    page: {
      size: page.size,
      number: page.number,
      totalElements: page.total,
      totalPages: Math.ceil(page.total / page.size),
    },
  };
}

/**
 * `Content-Disposition: attachment` for any file name (RFC 6266): an ASCII `filename` fallback (other characters,
 * quotes and backslashes as `_`) and, when that differs from the name, `filename*=UTF-8''<percent-encoded>`
 * (RFC 5987). A header value must be Latin-1 text, so the name is never written raw.
 */
export function toContentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (fallback === filename) return `attachment; filename="${fallback}"`;
  // encodeURIComponent throws on a lone surrogate: such a half character becomes U+FFFD first.
  const wellFormed = filename.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
  const encoded = encodeURIComponent(wellFormed).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
