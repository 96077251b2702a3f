// Imitates https://developers.chatwoot.com/api-reference/conversations (Application API, /api/v1/accounts/{account_id}).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { renderFailure } from './auth.ts';
import { ERROR_NOT_FOUND } from './errors.ts';
import { createHandler, readQuery, toActorSender } from './handler.ts';
import { filterConversations, listConversations, parseConversationQuery } from './listing.ts';
import { type Conversation, findConversation, getEntry } from './model.ts';
import {
  type ChatwootContext,
  runAssign,
  runChangeStatus,
  runCreateConversation,
  runCreateMessage,
  runTyping,
} from './operations.ts';
import {
  renderAgentEvent,
  renderContactEvent,
  renderConversation,
  renderMessage,
  renderSeedOutputFields,
  toIso,
  toSeconds,
} from './render.ts';
import { renderAgent } from './render-resources.ts';
import {
  type Actor,
  isInboxVisible,
  parseAssignment,
  parseCreateConversation,
  parseMessageCreate,
  parseToggleStatus,
  parseTypingStatus,
  toRecordId,
} from './rules.ts';
import { parseFilterPayload } from './rules-resources.ts';

const BASE = '/api/v1/accounts/:account_id/conversations';

function loadConversation(ctx: ChatwootContext, c: Context, accountId: number): Conversation | undefined {
  const id = toRecordId(c.req.param('conversation_id'));
  return id === null ? undefined : findConversation(ctx.state(), accountId, id);
}

/** Messages per page of `GET /messages` (MessageFinder). */
const MESSAGES_PAGE = 20;

/** How many of the ascending `ids` are below `limit`. */
function countBelow(ids: readonly number[], limit: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const viewerOf = (actor: Actor) => (actor.kind === 'user' ? actor.agent.id : null);

/** Inboxes whose conversations the actor lists: all for administrators and bots, member inboxes for agents. */
function visibleInboxes(ctx: ChatwootContext, actor: Actor, accountId: number): Set<number> {
  // Inboxes come from fixtures: few, whatever the store holds.
  return new Set(
    Object.values(ctx.state().inboxes)
      .filter((i) => i.account_id === accountId && isInboxVisible(actor, i))
      .map((i) => i.id),
  );
}

/** Conversation, message, status, typing and assignment routes. */
export function createConversationRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(
    BASE,
    createHandler(ctx, { bots: true }, ({ c, actor, accountId, params }) => {
      const plan = parseCreateConversation(params.body, ctx.state(), accountId, actor, () =>
        ctx.random.uuid(),
      );
      if (!plan.ok) return renderFailure(c, plan.error);
      const { conversation, message } = runCreateConversation(
        ctx,
        accountId,
        plan.value,
        toActorSender(actor),
      );
      const s = ctx.state();
      const body = renderConversation(s, conversation);
      if (ctx.options.seedOutputFields) Object.assign(body, renderSeedOutputFields(s, conversation, message));
      return c.json(body, 200);
    }),
  );

  app.get(
    BASE,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const query = parseConversationQuery(readQuery(c));
      const { counts, page } = listConversations(
        ctx.state(),
        accountId,
        viewerOf(actor),
        visibleInboxes(ctx, actor, accountId),
        query,
        ctx.options.pageSize,
        ctx.options.searchLimit,
      );
      const s = ctx.state();
      return c.json(
        { data: { meta: counts, payload: page.map((conv) => renderConversation(s, conv)) } },
        200,
      );
    }),
  );

  app.get(
    `${BASE}/meta`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const query = parseConversationQuery(readQuery(c));
      const { counts } = listConversations(
        ctx.state(),
        accountId,
        viewerOf(actor),
        visibleInboxes(ctx, actor, accountId),
        query,
        ctx.options.pageSize,
        ctx.options.searchLimit,
      );
      return c.json({ meta: counts }, 200);
    }),
  );

  app.post(
    `${BASE}/filter`,
    createHandler(ctx, {}, ({ c, actor, accountId, params }) => {
      const conditions = parseFilterPayload(params.body);
      if (!conditions.ok) return renderFailure(c, conditions.error);
      const s = ctx.state();
      const { counts, page } = filterConversations(
        s,
        accountId,
        viewerOf(actor),
        conditions.value,
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
          payload: page.map((conv) => renderConversation(s, conv)),
        },
        200,
      );
    }),
  );

  app.get(
    `${BASE}/:conversation_id`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      return c.json(renderConversation(ctx.state(), conv), 200);
    }),
  );

  app.post(
    `${BASE}/:conversation_id/toggle_status`,
    createHandler(ctx, { bots: true }, ({ c, accountId, params }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      const input = parseToggleStatus(params.body, conv.status);
      if (!input.ok) return renderFailure(c, input.error);
      const updated = runChangeStatus(ctx, conv.id, input.value.status, input.value.snoozed_until);
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
    }),
  );

  app.post(
    `${BASE}/:conversation_id/toggle_typing_status`,
    createHandler(ctx, {}, ({ c, actor, accountId, params }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      const input = parseTypingStatus(params.body);
      if (!input.ok) return renderFailure(c, input.error);
      const user =
        actor.kind === 'user'
          ? { id: actor.agent.id, name: actor.agent.name, email: actor.agent.email, type: 'user' }
          : { id: actor.bot.id, name: actor.bot.name, type: 'agent_bot' };
      runTyping(ctx, conv.id, input.value.on, user, input.value.isPrivate);
      return c.body(null, 200);
    }),
  );

  app.post(
    `${BASE}/:conversation_id/assignments`,
    createHandler(ctx, { bots: true }, ({ c, accountId, params }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      const plan = parseAssignment(params.body, ctx.state(), accountId);
      if (!plan.ok) return renderFailure(c, plan.error);
      const updated = runAssign(ctx, conv.id, plan.value);
      const s = ctx.state();
      if (plan.value.kind === 'agent' && updated.assignee_id !== null) {
        return c.json(renderAgent(getOwn(s.agents, String(updated.assignee_id))!, accountId), 200);
      }
      if (plan.value.kind === 'team' && updated.team_id !== null) {
        const t = getOwn(s.teams, String(updated.team_id))!;
        return c.json(
          {
            id: t.id,
            name: t.name,
            description: t.description,
            allow_auto_assign: t.allow_auto_assign,
            account_id: t.account_id,
          },
          200,
        );
      }
      return c.json(null, 200);
    }),
  );

  app.post(
    `${BASE}/:conversation_id/messages`,
    createHandler(ctx, { bots: true }, ({ c, actor, accountId, params }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      const inbox = getOwn(ctx.state().inboxes, String(conv.inbox_id))!;
      const input = parseMessageCreate(params.body, inbox, params.files);
      if (!input.ok) return renderFailure(c, input.error);
      const sender =
        input.value.message_type === 'incoming'
          ? { type: 'Contact' as const, id: conv.contact_id }
          : toActorSender(actor);
      const message = runCreateMessage(ctx, conv.id, input.value, sender);
      return c.json(renderMessage(ctx.state(), message), 200);
    }),
  );

  app.get(
    `${BASE}/:conversation_id/messages`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const conv = loadConversation(ctx, c, accountId);
      if (!conv) return renderFailure(c, ERROR_NOT_FOUND);
      const s = ctx.state();
      const before = toRecordId(c.req.query('before'));
      const ids = getEntry(s, conv.id).messageIds;
      // Messages.where('id < before').last(20): ids are ascending, so the cut is found by bisection.
      const end = before === null ? ids.length : countBelow(ids, before);
      const page = ids.slice(Math.max(0, end - MESSAGES_PAGE), end);
      const contact = getOwn(s.contacts, String(conv.contact_id))!;
      const assignee = conv.assignee_id === null ? undefined : getOwn(s.agents, String(conv.assignee_id));
      return c.json(
        {
          meta: {
            labels: conv.labels,
            additional_attributes: conv.additional_attributes,
            contact: renderContactEvent(contact),
            ...(assignee ? { assignee: renderAgentEvent(assignee) } : {}),
            agent_last_seen_at: conv.agent_last_seen_at === null ? null : toSeconds(conv.agent_last_seen_at),
            assignee_last_seen_at:
              conv.assignee_last_seen_at === null ? null : toSeconds(conv.assignee_last_seen_at),
          },
          payload: page.map((id) => renderMessage(s, getOwn(s.messages, String(id))!)),
        },
        200,
      );
    }),
  );

  return app;
}
