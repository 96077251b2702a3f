// Imitates the 8x8 conversation routes: Chat API v2 (https://developer.8x8.com/contactcenter/reference, OAS
// reference/8x8/chat-api-v2.openapi.json, tag Conversations; workflow in seeds/004_1f4e3fa8a13d5760.txt) and Chat
// Gateway v1 (https://developer.8x8.com/actions-events/reference, chat-gateway-v1.openapi.yml, tags Conversations
// and Participants; chat-workflow.md). Start, read and leave are one logic for both; lists differ.
import { Hono } from 'hono';
import { performTransition } from './effects.ts';
import type { Ctx } from './model.ts';
import {
  applyConversationChange,
  applyConversationStart,
  applyCustomerLeave,
} from './model-conversations.ts';
import { makeConversationStart, makeReferenceId } from './model-ids.ts';
import { toGatewayConversationPage, toV2ConversationPage } from './model-lists.ts';
import {
  renderGatewayConversation,
  renderGatewayParticipants,
  renderInteraction,
  renderV2Conversation,
  renderV2Participants,
} from './render.ts';
import { gatewayErrors } from './render-errors.ts';
import {
  orRefuse,
  readBodyJson,
  requireConversation,
  respond,
  respondList,
  type Surface,
} from './routes-surface.ts';
import type { Issue, Parsed } from './rules.ts';
import {
  parseGatewayConversationChange,
  parseReadReceipt,
  parseThinking,
  parseTyping,
} from './rules-gateway.ts';
import { parseListQuery, parsePaging } from './rules-lists.ts';
import { parseV2ConversationQuery } from './rules-v2.ts';

/** Start, read and leave a conversation: the same in both APIs (behind its auth). */
export function createConversationRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const path = `${surface.base}/conversations`;
  const { errors } = surface;

  app.post(path, async (c) => {
    const body = await readBodyJson(c, surface);
    const request = orRefuse(c, surface.parseConversation(body, ctx.state()), errors.invalid);
    const now = ctx.clock.now();
    const context = { api: surface.api, tenant: ctx.state().tenant, now };
    const start = makeConversationStart(ctx.random, request, context);
    performTransition(ctx, start.id, (draft) => applyConversationStart(draft, start, now));
    return respond(c, surface, surface.renderStarted(start.id, now), 202);
  });

  app.get(`${path}/:id`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'));
    return respond(c, surface, surface.renderConversation(conversation));
  });

  const leave = surface.customerLeave;
  app.on(leave.method, `${path}/:id/${leave.path}`, async (c) => {
    const id = c.req.param('id');
    requireConversation(c, ctx, surface, id);
    if (leave.parse) orRefuse(c, leave.parse(await readBodyJson(c, surface)), errors.invalid);
    const now = ctx.clock.now();
    performTransition(ctx, id, (draft) => applyCustomerLeave(draft, id, now));
    return c.body(null, 204);
  });

  return app;
}

/** v2 only: the conversation list (filters read through the v2 indexes) and the participants. */
export function createV2ConversationReads(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const path = `${surface.base}/conversations`;

  app.get(path, (c) => {
    const query = c.req.query();
    const paging = orRefuse(c, parsePaging(query), surface.errors.invalid);
    const filters = orRefuse(c, parseV2ConversationQuery(query), surface.errors.invalid);
    const page = toV2ConversationPage(ctx.state(), filters, paging);
    return respond(
      c,
      surface,
      surface.renderList(c, 'conversations', { ...page, items: page.items.map(renderV2Conversation) }),
    );
  });

  app.get(`${path}/:id/participants`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'));
    return respond(c, surface, { participants: renderV2Participants(conversation) });
  });

  return app;
}

/**
 * Gateway only: the conversation list (from the index of the sort field), PUT/PATCH (user, channel, assignment),
 * interactions, participants, and the typing, thinking and read-receipt indicators.
 */
export function createGatewayConversationRoutes(ctx: Ctx, surface: Surface): Hono {
  const app = new Hono();
  const path = `${surface.base}/conversations`;
  const invalid = surface.errors.invalid;

  app.get(path, (c) => {
    const parsed = parseListQuery(c.req.query(), ['id', 'channelId', 'createdAt', 'state'], 'id:asc');
    const query = orRefuse(c, parsed, invalid);
    const page = toGatewayConversationPage(ctx.state(), query, renderGatewayConversation);
    return respond(c, surface, surface.renderList(c, 'conversations', page));
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.on(method, `${path}/:id`, async (c) => {
      const id = c.req.param('id');
      requireConversation(c, ctx, surface, id);
      const body = await readBodyJson(c, surface);
      const change = orRefuse(c, parseGatewayConversationChange(body, ctx.state(), method), invalid);
      performTransition(ctx, id, (draft) => applyConversationChange(draft, id, change));
      return respond(c, surface, renderGatewayConversation(requireConversation(c, ctx, surface, id)), 202);
    });
  }

  app.get(`${path}/:id/interactions`, (c) => {
    const conversation = requireConversation(c, ctx, surface, c.req.param('id'));
    return respondList(c, surface, 'interactions', conversation.interactions, {
      sortable: ['id', 'startTime'],
      defaultSort: 'startTime:asc',
      render: renderInteraction,
    });
  });

  app.get(`${path}/:id/participants`, (c) => {
    const id = c.req.param('id');
    const conversation = requireConversation(c, ctx, surface, id, gatewayErrors.notFoundGeneric);
    return respondList(c, surface, 'participants', renderGatewayParticipants(conversation), {
      sortable: ['id', 'type'],
      defaultSort: 'type:desc',
      render: (p) => p,
    });
  });

  // Indicators reach the agent's screen only: they are validated and answered, no webhook follows.
  const indicators: Record<string, (body: unknown) => Parsed<unknown>> = {
    typing: parseTyping,
    thinking: parseThinking,
    'read-receipt': parseReadReceipt,
  };
  const toInvalidParameter = ([first]: Issue[]) =>
    gatewayErrors.invalidParameter(`${first!.field}: ${first!.message}`, makeReferenceId(ctx.random));
  for (const [name, parse] of Object.entries(indicators)) {
    app.post(`${path}/:id/${name}`, async (c) => {
      requireConversation(c, ctx, surface, c.req.param('id'), gatewayErrors.entityNotFound);
      orRefuse(c, parse(await readBodyJson(c, surface)), toInvalidParameter);
      return c.body(null, 204);
    });
  }

  return app;
}
