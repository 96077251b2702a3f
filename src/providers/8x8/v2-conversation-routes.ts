// Imitates the 8x8 Chat API v2 conversations: https://developer.8x8.com/contactcenter/reference
// (OAS reference/8x8/chat-api-v2.openapi.json, tag Conversations; workflow in seeds/004_1f4e3fa8a13d5760.txt).
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { renderProblem, v2Errors } from './errors.ts';
import { applyOutcome, type Ctx, makeInteractionId, readQuery } from './glue.ts';
import {
  type Conversation,
  type EightByEightState,
  findChannel,
  findConversation,
  toIndexKey,
  toV2Status,
} from './model.ts';
import {
  type Page,
  renderJson,
  renderV2Conversation,
  renderV2List,
  renderV2Message,
  renderV2Participants,
} from './render.ts';
import { checkPaging } from './rules.ts';
import { createSortedIndex, type SortedIndex, sliceIds, walkIds } from './sorted-index.ts';
import { applyCreateConversation, applyCustomerLeave, applyCustomerMessage } from './transitions.ts';
import { readV2Json, toV2Constraint, V2_BASE } from './v2-http.ts';
import {
  checkV2ConversationQuery,
  checkV2CreateConversation,
  checkV2Message,
  type V2ConversationQuery,
} from './v2-rules.ts';

type ListFilter = 'channel' | 'user' | 'status';

/** True when a conversation passes the v2 list filters, except the one its index already applied. */
function isListed(conv: Conversation, f: V2ConversationQuery, applied: ListFilter | null): boolean {
  if (applied !== 'channel' && f.channelId !== undefined && conv.channelId !== f.channelId) return false;
  if (applied !== 'status' && f.status !== 'all' && toV2Status(conv) !== f.status) return false;
  if (
    applied !== 'user' &&
    f.userId !== undefined &&
    getOwn(conv.customer, 'customerId') !== f.userId &&
    getOwn(conv.customer, 'userId') !== f.userId
  )
    return false;
  return f.customer.every(([key, value]) => getOwn(conv.customer, key) === value);
}

const EMPTY = createSortedIndex();

/**
 * One page of the v2 conversation list, in creation order (`order`). The channel, user and status filters each
 * have an index: with at most one of them, the page is read straight from it (O(page)). Other combinations, and
 * `customer.<key>` filters, walk the smallest of those indexes and test the rest (simulator choice: no index
 * per customer property).
 */
function toConversationPage(
  state: EightByEightState,
  f: V2ConversationQuery,
  paging: { size: number; page: number },
): Page<Conversation> {
  const index = state.index.v2;
  const choices: { applied: ListFilter | null; index: SortedIndex }[] = [
    { applied: null, index: index.created },
  ];
  if (f.channelId !== undefined)
    choices.push({ applied: 'channel', index: getOwn(index.byChannel, toIndexKey(f.channelId)) ?? EMPTY });
  if (f.userId !== undefined)
    choices.push({ applied: 'user', index: getOwn(index.byUser, toIndexKey(f.userId)) ?? EMPTY });
  if (f.status !== 'all')
    choices.push({ applied: 'status', index: getOwn(index.byStatus, f.status) ?? EMPTY });
  let chosen = choices[0]!;
  for (const choice of choices) if (choice.index.size <= chosen.index.size) chosen = choice;
  const rest = choices.length - (chosen.applied === null ? 1 : 2) + f.customer.length;
  const conversationOf = (id: string) => getOwn(state.conversations, id)!;
  const offset = paging.page * paging.size;
  if (rest === 0) {
    const ids = sliceIds(chosen.index, offset, paging.size, f.order);
    return {
      items: ids.map(conversationOf),
      size: paging.size,
      number: paging.page,
      total: chosen.index.size,
    };
  }
  const items: Conversation[] = [];
  let total = 0;
  walkIds(chosen.index, f.order, (id) => {
    const conv = conversationOf(id);
    if (!isListed(conv, f, chosen.applied)) return;
    if (total >= offset && items.length < paging.size) items.push(conv);
    total += 1;
  });
  return { items, size: paging.size, number: paging.page, total };
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
    const page = toConversationPage(ctx.state(), filters.value, paging.value);
    return renderJson(c, renderV2List({ ...page, items: page.items.map(renderV2Conversation) }));
  });

  app.post(`${V2_BASE}/conversations`, async (c) => {
    const body = await readV2Json(c);
    if (!body.ok) return body.response;
    const checked = checkV2CreateConversation(body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toV2Constraint(checked));
    const { channelId, customer, history } = checked.value;
    const state = ctx.state();
    const channel = findChannel(state, 'v2', channelId)!;
    const queueId = channel.routingOptions.id;
    const now = ctx.clock.now();
    const id = ctx.random.id(22);
    const userParticipantId = getOwn(customer, 'customerId') ?? ctx.random.id(22);
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
    const conversation: Omit<Conversation, 'seq'> = {
      id,
      api: 'v2',
      channelId,
      createdAt: now,
      customer,
      user: {},
      assignment: { type: 'queue', id: queueId },
      userParticipantId,
      language: getOwn(customer, 'language') ?? 'en',
      lastQueueId: queueId,
      customerLeft: false,
      agentIds: [],
      interactions: [],
      messages,
      attachmentIds: [],
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
    if (!findChannel(ctx.state(), 'v2', conv.channelId)) {
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
