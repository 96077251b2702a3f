// Imitates the search of the Chatwoot dashboard (Application API, /api/v1/accounts/{account_id}/search):
// search_controller.rb and SearchService of Chatwoot 4.12, with the views of app/views/api/v1/accounts/search/.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ChatwootContext } from './events.ts';
import { renderSearchContact, renderSearchConversation, renderSearchMessage } from './render-search.ts';
import { authorize } from './routes.ts';
import { type Actor, isInboxVisible } from './rules.ts';
import {
  parseSearchQuery,
  type SearchQuery,
  searchContactsByActivity,
  searchConversations,
  searchMessages,
} from './rules-search.ts';

const BASE = '/api/v1/accounts/:account_id/search';

/** `current_user.assigned_inboxes`: every inbox of the account for administrators, member inboxes for agents. */
function listSearchInboxes(ctx: ChatwootContext, actor: Actor, accountId: number): Set<number> {
  // Inboxes come from fixtures: few, whatever the store holds.
  return new Set(
    Object.values(ctx.state().inboxes)
      .filter((i) => i.account_id === accountId && isInboxVisible(actor, i))
      .map((i) => i.id),
  );
}

/** `GET /search`, `/search/conversations`, `/search/contacts` and `/search/messages`. */
export function createSearchRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();
  // SearchController has no policy: any user of the account; agent bots are refused (not bot-accessible).
  const read = (c: Context) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const q: SearchQuery = parseSearchQuery(c.req.query('q'), c.req.query('page'));
    const inboxes = listSearchInboxes(ctx, actor, accountId);
    const limit = ctx.options.searchLimit;
    const s = ctx.state();
    return {
      conversations: () =>
        searchConversations(s, accountId, inboxes, q, limit).map((x) => renderSearchConversation(s, x)),
      contacts: () => searchContactsByActivity(s, accountId, q, limit).map(renderSearchContact),
      messages: () =>
        searchMessages(s, accountId, inboxes, q, limit, ctx.clock.now()).map((m) =>
          renderSearchMessage(s, m),
        ),
    };
  };

  app.get(BASE, (c) => {
    const r = read(c);
    return c.json(
      { payload: { conversations: r.conversations(), contacts: r.contacts(), messages: r.messages() } },
      200,
    );
  });
  app.get(`${BASE}/conversations`, (c) =>
    c.json({ payload: { conversations: read(c).conversations() } }, 200),
  );
  app.get(`${BASE}/contacts`, (c) => c.json({ payload: { contacts: read(c).contacts() } }, 200));
  app.get(`${BASE}/messages`, (c) => c.json({ payload: { messages: read(c).messages() } }, 200));
  return app;
}
