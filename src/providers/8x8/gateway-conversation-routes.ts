// Imitates the 8x8 Chat Gateway v1 conversations: https://developer.8x8.com/actions-events/reference
// (OAS reference/8x8/chat-gateway-v1.openapi.yml, tags Conversations and Participants; chat-workflow.md).
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { gatewayErrors, renderProblem } from './errors.ts';
import {
  GATEWAY_BASE,
  readGatewayJson,
  readGatewayListQuery,
  renderGatewayList,
  renderGatewayPage,
  toGatewayGeneric,
} from './gateway-http.ts';
import { createGatewayMessageRoutes, toStoredMessage } from './gateway-message-routes.ts';
import {
  checkGatewayConversationChange,
  checkGatewayCreateConversation,
  checkReadReceipt,
  checkThinking,
  checkTyping,
  checkUserRemoval,
} from './gateway-rules.ts';
import { applyOutcome, type Ctx, makeInteractionId, makeReferenceId } from './glue.ts';
import { type Conversation, type EightByEightState, findChannel, findConversation } from './model.ts';
import {
  renderGatewayConversation,
  renderGatewayParticipants,
  renderInteraction,
  renderJson,
} from './render.ts';
import { type Checked, isFilterMatch } from './rules.ts';
import { sliceIds, walkIds } from './sorted-index.ts';
import { applyConversationChange, applyCreateConversation, applyCustomerLeave } from './transitions.ts';

const CONVERSATIONS = `${GATEWAY_BASE}/conversations`;

/** The Gateway conversation routes (behind the Gateway auth middleware). */
export function createGatewayConversationRoutes(ctx: Ctx): Hono {
  const app = new Hono();
  const find = (id: string) => findConversation(ctx.state(), 'gateway', id);

  // One page from the index of the sort field (O(page)); a filter walks that index in order (no index per
  // filterable field: simulator choice) and renders each conversation it tests.
  app.get(CONVERSATIONS, (c) => {
    const query = readGatewayListQuery(c, ['id', 'channelId', 'createdAt', 'state'], 'id:asc');
    if (!query.ok) return query.response;
    const { size, page, field, direction, filter } = query.value;
    const state = ctx.state();
    const index = state.index.gateway[field as keyof EightByEightState['index']['gateway']];
    const conversationOf = (id: string) => getOwn(state.conversations, id)!;
    const offset = page * size;
    if (filter.length === 0) {
      const items = sliceIds(index, offset, size, direction).map((id) =>
        renderGatewayConversation(conversationOf(id)),
      );
      return renderGatewayPage(c, 'conversations', { items, size, number: page, total: index.size });
    }
    const items: ReturnType<typeof renderGatewayConversation>[] = [];
    let total = 0;
    walkIds(index, direction, (id) => {
      const rendered = renderGatewayConversation(conversationOf(id));
      if (!isFilterMatch(rendered, filter)) return;
      if (total >= offset && items.length < size) items.push(rendered);
      total += 1;
    });
    return renderGatewayPage(c, 'conversations', { items, size, number: page, total });
  });

  app.post(CONVERSATIONS, async (c) => {
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkGatewayCreateConversation(body.value, ctx.state());
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const { channelId, user, assignment, history } = checked.value;
    const channel = findChannel(ctx.state(), 'gateway', channelId)!;
    const queueId = assignment?.type === 'queue' ? assignment.id : channel.routingOptions.id;
    const now = ctx.clock.now();
    const id = ctx.random.id(22);
    const userId = getOwn(user, 'userId');
    const userParticipantId = typeof userId === 'string' ? userId : ctx.random.id(22);
    const interactionId = makeInteractionId(ctx);
    const language = getOwn(user, 'language');
    const conversation: Omit<Conversation, 'seq'> = {
      id,
      api: 'gateway',
      channelId,
      createdAt: now,
      customer: {},
      user,
      assignment: assignment ?? { type: 'queue', id: queueId },
      userParticipantId,
      language: typeof language === 'string' ? language : 'en',
      lastQueueId: queueId,
      customerLeft: false,
      agentIds: [],
      interactions: [],
      messages: history.map((m) => ({
        ...toStoredMessage(ctx, m, userParticipantId, now),
        interactionId,
      })),
      attachmentIds: [],
    };
    const outcome = ctx.update((draft) => applyCreateConversation(draft, conversation, interactionId));
    applyOutcome(ctx, id, outcome);
    return renderJson(c, { conversationId: id, createdAt: new Date(now).toISOString() }, 202, true);
  });

  app.get(`${CONVERSATIONS}/:id`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, gatewayErrors.notFound('Conversation', c.req.param('id')));
    return renderJson(c, renderGatewayConversation(conv), 200, true);
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.on(method, `${CONVERSATIONS}/:id`, async (c) => {
      const id = c.req.param('id');
      if (!find(id)) return renderProblem(c, gatewayErrors.notFound('Conversation', id));
      const body = await readGatewayJson(c);
      if (!body.ok) return body.response;
      const checked = checkGatewayConversationChange(body.value, ctx.state(), method);
      if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
      applyOutcome(
        ctx,
        id,
        ctx.update((draft) => applyConversationChange(draft, id, checked.value)),
      );
      return renderJson(c, renderGatewayConversation(find(id)!), 202, true);
    });
  }

  app.get(`${CONVERSATIONS}/:id/interactions`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, gatewayErrors.notFound('Conversation', c.req.param('id')));
    return renderGatewayList(c, 'interactions', conv.interactions, {
      sortable: ['id', 'startTime'],
      defaultSort: 'startTime:asc',
      render: renderInteraction,
    });
  });

  app.get(`${CONVERSATIONS}/:id/participants`, (c) => {
    const conv = find(c.req.param('id'));
    if (!conv) return renderProblem(c, gatewayErrors.notFoundGeneric('Conversation', c.req.param('id')));
    return renderGatewayList(c, 'participants', renderGatewayParticipants(conv), {
      sortable: ['id', 'type'],
      defaultSort: 'type:desc',
      render: (p) => p,
    });
  });

  app.patch(`${CONVERSATIONS}/:id/participants/user`, async (c) => {
    const id = c.req.param('id');
    if (!find(id)) return renderProblem(c, gatewayErrors.notFound('Conversation', id));
    const body = await readGatewayJson(c);
    if (!body.ok) return body.response;
    const checked = checkUserRemoval(body.value);
    if (!checked.ok) return renderProblem(c, toGatewayGeneric(checked));
    const now = ctx.clock.now();
    applyOutcome(
      ctx,
      id,
      ctx.update((draft) => applyCustomerLeave(draft, id, now)),
    );
    return c.body(null, 204);
  });

  // Indicators reach the agent's screen only: they are validated and answered, no webhook follows.
  const indicators: Record<string, (body: unknown) => Checked<unknown>> = {
    typing: checkTyping,
    thinking: checkThinking,
    'read-receipt': checkReadReceipt,
  };
  for (const [name, check] of Object.entries(indicators)) {
    app.post(`${CONVERSATIONS}/:id/${name}`, async (c) => {
      const id = c.req.param('id');
      if (!find(id)) return renderProblem(c, gatewayErrors.entityNotFound('Conversation', id));
      const body = await readGatewayJson(c);
      if (!body.ok) return body.response;
      const checked = check(body.value);
      if (!checked.ok) {
        const first = checked.issues[0]!;
        return renderProblem(
          c,
          gatewayErrors.invalidParameter(`${first.field}: ${first.message}`, makeReferenceId(ctx)),
        );
      }
      return c.body(null, 204);
    });
  }

  app.route('/', createGatewayMessageRoutes(ctx));
  return app;
}
