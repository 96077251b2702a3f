// Imitates https://developers.chatwoot.com/api-reference/conversations (Application API, /api/v1/accounts/{account_id}).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { type Conversation, findConversation } from './model.ts';
import {
  applyAssignment,
  applyCreateConversation,
  applyCreateMessage,
  applyStatusChange,
  applyTyping,
} from './model-conversations.ts';
import { renderMessage, toIso } from './render.ts';
import { renderConversation, renderMessagesMeta, renderSeedOutputFields } from './render-conversations.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { renderAgent, renderAssignedTeam } from './render-resources.ts';
import { renderTypingUser } from './render-webhooks.ts';
import { authorize, readParams, readQuery, valueOrRefuse } from './routes.ts';
import { type Actor, isInboxVisible, toActorSender, toRecordId } from './rules.ts';
import {
  parseAssignment,
  parseCreateConversation,
  parseMessageCreate,
  parseToggleStatus,
  parseTypingStatus,
} from './rules-conversations.ts';
import { filterConversations, parseFilterPayload } from './rules-filter.ts';
import { listConversations, listMessageIds, parseConversationQuery } from './rules-listing.ts';

const BASE = '/api/v1/accounts/:account_id/conversations';

/** The conversation of the path, or the request is refused (404). */
function loadConversation(ctx: ChatwootContext, c: Context, accountId: number): Conversation {
  const id = toRecordId(c.req.param('conversation_id'));
  const conv = id === null ? undefined : findConversation(ctx.state(), accountId, id);
  return conv ?? refuseWith(c, ERROR_NOT_FOUND);
}

const viewerOf = (actor: Actor) => (actor.kind === 'user' ? actor.agent.id : null);
const viewerAgent = (actor: Actor) => (actor.kind === 'user' ? actor.agent : null);

/** Inboxes whose conversations the actor lists: all for administrators and bots, member inboxes for agents. */
function listVisibleInboxes(ctx: ChatwootContext, actor: Actor, accountId: number): Set<number> {
  // Inboxes come from fixtures: few, whatever the store holds.
  return new Set(
    Object.values(ctx.state().inboxes)
      .filter((i) => i.account_id === accountId && isInboxVisible(actor, i))
      .map((i) => i.id),
  );
}

/** The `GET /conversations` listing (and its counts) the query asks for. */
function listFor(ctx: ChatwootContext, c: Context, actor: Actor, accountId: number) {
  return listConversations(
    ctx.state(),
    accountId,
    viewerOf(actor),
    listVisibleInboxes(ctx, actor, accountId),
    parseConversationQuery(readQuery(c)),
    ctx.options.pageSize,
    ctx.options.searchLimit,
  );
}

/** Conversation, message, status, typing and assignment routes. */
export function createConversationRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(BASE, async (c) => {
    const { actor, accountId } = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const plan = valueOrRefuse(
      c,
      parseCreateConversation(params.body, ctx.state(), accountId, actor, () => ctx.random.uuid()),
    );
    const created = perform(ctx, applyCreateConversation, {
      accountId,
      plan,
      sender: toActorSender(actor),
      uuid: ctx.random.uuid(),
    });
    const s = ctx.state();
    const conversation = getOwn(s.conversations, String(created.conversationId))!;
    const body = renderConversation(s, conversation, viewerAgent(actor));
    if (ctx.options.seedOutputFields) {
      const message = created.messageId === null ? null : getOwn(s.messages, String(created.messageId))!;
      Object.assign(body, renderSeedOutputFields(s, conversation, message));
    }
    return c.json(body, 200);
  });

  app.get(BASE, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const { counts, page } = listFor(ctx, c, actor, accountId);
    const s = ctx.state();
    return c.json(
      {
        data: { meta: counts, payload: page.map((conv) => renderConversation(s, conv, viewerAgent(actor))) },
      },
      200,
    );
  });

  app.get(`${BASE}/meta`, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    return c.json({ meta: listFor(ctx, c, actor, accountId).counts }, 200);
  });

  app.post(`${BASE}/filter`, async (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const params = await readParams(c);
    const conditions = valueOrRefuse(c, parseFilterPayload(params.body));
    const s = ctx.state();
    const { counts, page } = filterConversations(
      s,
      accountId,
      viewerOf(actor),
      conditions,
      Math.max(1, Number(c.req.query('page')) || 1),
      ctx.options.pageSize,
      ctx.options.searchLimit,
    );
    return c.json(
      {
        meta: {
          mine_count: counts.mine_count,
          unassigned_count: counts.unassigned_count,
          all_count: counts.all_count,
        },
        payload: page.map((conv) => renderConversation(s, conv, viewerAgent(actor))),
      },
      200,
    );
  });

  app.get(`${BASE}/:conversation_id`, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, accountId);
    return c.json(renderConversation(ctx.state(), conv, viewerAgent(actor)), 200);
  });

  app.post(`${BASE}/:conversation_id/toggle_status`, async (c) => {
    const { accountId } = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, accountId);
    const input = valueOrRefuse(c, parseToggleStatus(params.body, conv.status));
    const conversationId = conv.id;
    perform(ctx, applyStatusChange, {
      conversationId,
      status: input.status,
      snoozedUntil: input.snoozed_until,
    });
    const updated = getOwn(ctx.state().conversations, String(conversationId))!;
    return c.json(
      {
        meta: {},
        payload: {
          success: true,
          conversation_id: updated.display_id,
          current_status: updated.status,
          snoozed_until: updated.snoozed_until === null ? null : toIso(updated.snoozed_until),
        },
      },
      200,
    );
  });

  app.post(`${BASE}/:conversation_id/toggle_typing_status`, async (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, accountId);
    const input = valueOrRefuse(c, parseTypingStatus(params.body));
    perform(ctx, applyTyping, {
      conversationId: conv.id,
      on: input.on,
      user: renderTypingUser(actor),
      isPrivate: input.isPrivate,
    });
    return c.body(null, 200);
  });

  app.post(`${BASE}/:conversation_id/assignments`, async (c) => {
    const { accountId } = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, accountId);
    const plan = valueOrRefuse(c, parseAssignment(params.body, ctx.state(), accountId));
    const conversationId = conv.id;
    perform(ctx, applyAssignment, { conversationId, plan });
    const s = ctx.state();
    const updated = getOwn(s.conversations, String(conversationId))!;
    if (plan.kind === 'agent' && updated.assignee_id !== null) {
      return c.json(renderAgent(getOwn(s.agents, String(updated.assignee_id))!, accountId), 200);
    }
    if (plan.kind === 'team' && updated.team_id !== null) {
      return c.json(renderAssignedTeam(getOwn(s.teams, String(updated.team_id))!), 200);
    }
    return c.json(null, 200);
  });

  app.post(`${BASE}/:conversation_id/messages`, async (c) => {
    const { actor, accountId } = authorize(ctx, c, { bots: true });
    const params = await readParams(c);
    const conv = loadConversation(ctx, c, accountId);
    const inbox = getOwn(ctx.state().inboxes, String(conv.inbox_id))!;
    const message = valueOrRefuse(c, parseMessageCreate(params.body, inbox, params.files));
    const sender =
      message.message_type === 'incoming'
        ? { type: 'Contact' as const, id: conv.contact_id }
        : toActorSender(actor);
    const messageId = perform(ctx, applyCreateMessage, { conversationId: conv.id, message, sender });
    const s = ctx.state();
    return c.json(renderMessage(s, getOwn(s.messages, String(messageId))!), 200);
  });

  app.get(`${BASE}/:conversation_id/messages`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, accountId);
    const s = ctx.state();
    const page = listMessageIds(s, conv.id, toRecordId(c.req.query('before')));
    return c.json(
      {
        meta: renderMessagesMeta(s, conv),
        payload: page.map((id) => renderMessage(s, getOwn(s.messages, String(id))!)),
      },
      200,
    );
  });

  return app;
}
