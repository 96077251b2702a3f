// Imitates the 8x8 Chat API v2 conversations: https://developer.8x8.com/contactcenter/reference
// (OAS reference/8x8/chat-api-v2.openapi.json, tag Conversations; workflow in seeds/004_1f4e3fa8a13d5760.txt).
import { Hono } from 'hono';
import { renderProblem, v2Errors } from './errors.ts';
import { applyOutcome, type Ctx, makeInteractionId, readQuery } from './glue.ts';
import { type Conversation, findConversation, toV2Status } from './model.ts';
import {
  renderJson,
  renderV2Conversation,
  renderV2List,
  renderV2Message,
  renderV2Participants,
  toPage,
} from './render.ts';
import { checkPaging } from './rules.ts';
import { applyCreateConversation, applyCustomerLeave, applyCustomerMessage } from './transitions.ts';
import { readV2Json, toV2Constraint, V2_BASE } from './v2-http.ts';
import { checkV2ConversationQuery, checkV2CreateConversation, checkV2Message } from './v2-rules.ts';

/** True when a conversation passes the v2 list filters. */
function isListed(
  conv: Conversation,
  q: ReturnType<typeof checkV2ConversationQuery> & { ok: true },
): boolean {
  const f = q.value;
  if (f.channelId && conv.channelId !== f.channelId) return false;
  if (f.status !== 'all' && toV2Status(conv) !== f.status) return false;
  if (f.userId && conv.customer.customerId !== f.userId && conv.customer.userId !== f.userId) return false;
  return Object.entries(f.customer).every(([key, value]) => conv.customer[key] === value);
}

/** The v2 conversation routes (behind the v2 auth middleware of v2-routes.ts). */
export function createV2ConversationRoutes(ctx: Ctx): Hono {
  const app = new Hono();
  const find = (id: string) => findConversation(ctx.state(), 'v2', id);

  app.get(`${V2_BASE}/conversations`, (c) => {
    const query = readQuery(c);
    const paging = checkPaging(query);
    if (!paging.ok) return renderProblem(c, toV2Constraint(paging));
    const filters = checkV2ConversationQuery(query);
    if (!filters.ok) return renderProblem(c, toV2Constraint(filters));
    const listed = ctx
      .state()
      .conversations.filter((conv) => conv.api === 'v2' && isListed(conv, filters))
      .sort((a, b) =>
        filters.value.order === 'asc' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt,
      );
    const page = toPage(listed, paging.value.size, paging.value.page);
    return renderJson(c, renderV2List({ ...page, items: page.items.map(renderV2Conversation) }));
  });

  app.post(`${V2_BASE}/conversations`, async (c) => {
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkV2CreateConversation(body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const { channelId, customer, history } = checked.value;
    const state = ctx.state();
    const channel = state.channels.find((ch) => ch.api === 'v2' && ch.id === channelId)!;
    const now = ctx.clock.now();
    const id = ctx.random.id(22);
    const userParticipantId = customer.customerId ?? ctx.random.id(22);
    const interactionId = makeInteractionId(ctx);
    const messages = history.map((m) => ({
      id: ctx.random.id(22),
      interactionId,
      authorType: m.type,
      participantId: m.type === 'bot' ? 'bot' : userParticipantId,
      text: m.text,
      createdAt: now,
      attachments: [],
      cards: [],
    }));
    const conversation: Conversation = {
      id,
      api: 'v2',
      channelId,
      createdAt: now,
      customer,
      user: {},
      assignment: { type: 'queue', id: channel.routingOptions.id },
      userParticipantId,
      language: customer.language ?? 'en',
      lastQueueId: channel.routingOptions.id,
      customerLeft: false,
      agentIds: [],
      interactions: [],
      messages,
    };
    const outcome = ctx.update((draft) => applyCreateConversation(draft, conversation, interactionId));
    applyOutcome(ctx, id, outcome);
    return renderJson(c, { conversationId: id, timestamp: now }, 202);
  });

  app.get(`${V2_BASE}/conversations/:id`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, v2Errors.notFound('Conversation', c.req.param('id')));
    return renderJson(c, renderV2Conversation(conv));
  });

  app.get(`${V2_BASE}/conversations/:id/participants`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, v2Errors.notFound('Conversation', c.req.param('id')));
    return renderJson(c, { participants: renderV2Participants(conv) });
  });

  app.delete(`${V2_BASE}/conversations/:id/participants/customer`, (c) => {
    const id = c.req.param('id');
    if (!find(id)) return renderProblem(c, v2Errors.notFound('Conversation', id));
    const now = ctx.clock.now();
    applyOutcome(
      ctx,
      id,
      ctx.update((draft) => applyCustomerLeave(draft, id, now)),
    );
    return c.body(null, 204);
  });

  app.get(`${V2_BASE}/conversations/:id/messages`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, v2Errors.notFound('Conversation', c.req.param('id')));
    const interactionId = c.req.query('interaction-id');
    if (interactionId && !conv.interactions.some((i) => i.id === interactionId)) {
      return renderProblem(c, v2Errors.notFound('Interaction', interactionId));
    }
    const messages = conv.messages.filter((m) => !interactionId || m.interactionId === interactionId);
    return renderJson(c, { messages: messages.map(renderV2Message) });
  });

  app.post(`${V2_BASE}/conversations/:id/messages`, async (c) => {
    const id = c.req.param('id');
    const conv = find(id);
    if (!conv) return renderProblem(c, v2Errors.notFound('Conversation', id));
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkV2Message(body.value);
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    if (!ctx.state().channels.some((ch) => ch.api === 'v2' && ch.id === conv.channelId)) {
      return renderProblem(c, v2Errors.notFound('Channel', conv.channelId));
    }
    const now = ctx.clock.now();
    const message = {
      id: ctx.random.id(22),
      authorType: checked.value.authorType,
      participantId: checked.value.authorType === 'bot' ? 'bot' : conv.userParticipantId,
      text: checked.value.text,
      createdAt: now,
      attachments: [],
      cards: [],
    };
    const interactionId = makeInteractionId(ctx);
    applyOutcome(
      ctx,
      id,
      ctx.update((draft) => applyCustomerMessage(draft, id, message, interactionId)),
    );
    return c.body(null, 202);
  });

  return app;
}
