// Imitates https://developers.chatwoot.com/api-reference/conversations (Application API, /api/v1/accounts/{account_id}).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { applyCreateConversation } from './model-conversations.ts';
import { renderConversation, renderSeedOutputFields } from './render-conversations.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { authorize, loadConversation, readParams, readQuery, valueOrRefuse } from './routes.ts';
import { createSearchRoutes } from './routes-search.ts';
import { type Actor, isInboxVisible, toActorSender } from './rules.ts';
import { parseCreateConversation } from './rules-conversations.ts';
import { filterConversations, parseFilterPayload } from './rules-filter.ts';
import { isUnknownTeam, listConversations, parseConversationQuery } from './rules-listing.ts';

const BASE = '/api/v1/accounts/:account_id/conversations';

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
  const query = parseConversationQuery(readQuery(c));
  if (isUnknownTeam(ctx.state(), accountId, query)) refuseWith(c, ERROR_NOT_FOUND);
  return listConversations(
    ctx.state(),
    accountId,
    viewerOf(actor),
    listVisibleInboxes(ctx, actor, accountId),
    query,
    ctx.options.pageSize,
    ctx.options.searchLimit,
    ctx.clock.now(),
  );
}

/** Conversation create, list, counts, filter and show routes, and the search routes. */
export function createConversationRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();
  // The search routes (`/search/*`) are served alongside the listings they resemble.
  app.route('/', createSearchRoutes(ctx));

  app.post(BASE, async (c) => {
    const access = authorize(ctx, c, { bots: true });
    const { actor, accountId } = access;
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
    const access = authorize(ctx, c, {});
    const { actor, accountId } = access;
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
    const access = authorize(ctx, c, {});
    const { actor, accountId } = access;
    return c.json({ meta: listFor(ctx, c, actor, accountId).counts }, 200);
  });

  app.post(`${BASE}/filter`, async (c) => {
    const access = authorize(ctx, c, {});
    const { actor, accountId } = access;
    const params = await readParams(c);
    const conditions = valueOrRefuse(c, parseFilterPayload(params.body));
    const s = ctx.state();
    const filtered = filterConversations(
      s,
      accountId,
      viewerOf(actor),
      conditions,
      Math.max(1, Number(c.req.query('page')) || 1),
      ctx.options.pageSize,
      ctx.options.searchLimit,
      listVisibleInboxes(ctx, actor, accountId),
      ctx.clock.now(),
    );
    const { counts, page } = valueOrRefuse(c, filtered);
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
    const access = authorize(ctx, c, {});
    const conv = loadConversation(ctx, c, access);
    return c.json(renderConversation(ctx.state(), conv, viewerAgent(access.actor)), 200);
  });

  return app;
}
