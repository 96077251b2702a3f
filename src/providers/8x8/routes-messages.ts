// Imitates the 8x8 message routes: Chat API v2 (https://developer.8x8.com/contactcenter/reference, OAS
// reference/8x8/chat-api-v2.openapi.json, tag Conversations) and Chat Gateway v1
// (https://developer.8x8.com/actions-events/reference, chat-gateway-v1.openapi.yml, tag Messages). Sending is one
// logic for both; the lists differ.
import { Hono } from 'hono';
import { performTransition } from './effects.ts';
import { type Ctx, findChannel } from './model.ts';
import { applyCustomerMessage } from './model-conversations.ts';
import { makeInteractionId, makeMessage } from './model-ids.ts';
import { renderCard, renderGatewayMessage, renderV2Message } from './render.ts';
import { gatewayErrors, toNotFound } from './render-errors.ts';
import {
  orRefuse,
  readBodyJson,
  refuseWith,
  requireConversation,
  respond,
  respondList,
  type Surface,
} from './routes-surface.ts';

/** POST messages: the customer (or bot) writes; after AGENT_LEFT this queues a new interaction. */
export function createMessageRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  app.post(`${surface.base}/conversations/:id/messages`, async (c) => {
    const id = c.req.param('id');
    const conversation = requireConversation(c, ctx, surface, id);
    const body = await readBodyJson(c, surface);
    const parsed = surface.parseMessage(body, ctx.state(), id);
    const input = orRefuse(c, parsed, (issues) => surface.errors.invalidMessage(issues, ctx.random));
    if (!findChannel(ctx.state(), surface.api, conversation.channelId)) {
      refuseWith(c, toNotFound('Channel', conversation.channelId));
    }
    const now = ctx.clock.now();
    const message = makeMessage(ctx.random, input, conversation.userParticipantId, now);
    const interactionId = makeInteractionId(ctx.random, now, ctx.state().tenant);
    performTransition(ctx, id, (draft) => applyCustomerMessage(draft, id, message, interactionId));
    return c.body(null, 202);
  });
  return app;
}

/** v2 only: the messages of a conversation, optionally of one interaction. */
export function createV2MessageReads(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  app.get(`${surface.base}/conversations/:id/messages`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'));
    const interactionId = c.req.query('interaction-id');
    if (interactionId && !conversation.interactions.some((i) => i.id === interactionId)) {
      refuseWith(c, toNotFound('Interaction', interactionId));
    }
    const messages = conversation.messages.filter((m) => !interactionId || m.interactionId === interactionId);
    return respond(c, surface, { messages: messages.map(renderV2Message) });
  });
  return app;
}

/** Gateway only: the message list (HAL), one message, and its cards. */
export function createGatewayMessageReads(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const path = `${surface.base}/conversations/:id/messages` as const;
  const notFoundGeneric = gatewayErrors.notFoundGeneric;

  app.get(path, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'), notFoundGeneric);
    return respondList(c, surface, 'messages', conversation.messages, {
      sortable: ['createdAt'],
      defaultSort: 'createdAt:desc',
      render: (m) => renderGatewayMessage(conversation, m),
      key: (m) => m.createdAt,
    });
  });

  app.get(`${path}/:messageId`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'));
    const messageId = c.req.param('messageId');
    const message = conversation.messages.find((m) => m.id === messageId);
    if (!message) refuseWith(c, toNotFound('Message', messageId));
    return respond(c, surface, renderGatewayMessage(conversation, message));
  });

  app.get(`${path}/:messageId/cards`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'), notFoundGeneric);
    const messageId = c.req.param('messageId');
    const message = conversation.messages.find((m) => m.id === messageId);
    if (!message) refuseWith(c, notFoundGeneric('Message', messageId));
    return respondList(c, surface, 'cards', message.cards, {
      sortable: ['createdAt', 'id'],
      defaultSort: 'id:asc',
      render: renderCard,
      key: (card, field) => (field === 'createdAt' ? message.createdAt : card.id),
    });
  });

  return app;
}
