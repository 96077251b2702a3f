// Imitates https://developers.chatwoot.com/api-reference/contacts (Application API): contact updates, delete and
// filter, a contact's conversations and contact inboxes, as contacts_controller.rb, contacts/conversations_controller.rb
// and contacts/contact_inboxes_controller.rb (Chatwoot 4.12) answer them.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { type Contact, getConversation } from './model.ts';
import { applyContactRemoval } from './model-indexes.ts';
import { applyContactInbox } from './model-resources.ts';
import { applyContactUpdate } from './model-updates.ts';
import { renderConversation } from './render-conversations.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { renderContact, renderInbox, toInboxViewer } from './render-resources.ts';
import { authorize, readParams, valueOrRefuse } from './routes.ts';
import { isInboxVisible, toRecordId } from './rules.ts';
import type { Access } from './rules-auth.ts';
import { parseContactInbox, parseContactsPage, parseContactUpdate } from './rules-contacts.ts';
import { CONTACT_FILTER_KEYS, filterContacts, parseFilterPayload } from './rules-filter.ts';

const BASE = '/api/v1/accounts/:account_id/contacts/:contact_id';
/** ContactsController::RESULTS_PER_PAGE. */
const CONTACTS_PAGE = 15;

/** Conversations a contact's listing shows at most (simulator choice: Chatwoot lists them all). */
const CONTACT_CONVERSATIONS_LIMIT = 100;

/** The contact of the path in the account (`Current.account.contacts.find`), or 404. */
function loadContact(ctx: ChatwootContext, c: Context, access: Access): Contact {
  const id = toRecordId(c.req.param('contact_id'));
  const contact = id === null ? undefined : getOwn(ctx.state().contacts, String(id));
  return contact && contact.account_id === access.accountId ? contact : refuseWith(c, ERROR_NOT_FOUND);
}

/** Contact update, conversations and contact inbox routes. */
export function createContactRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  const update = async (c: Context) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const contact = loadContact(ctx, c, access);
    const changes = valueOrRefuse(c, parseContactUpdate(params.body, ctx.state(), contact));
    const contactId = contact.id;
    perform(ctx, applyContactUpdate, { contactId, changes });
    const s = ctx.state();
    return c.json({ payload: renderContact(s, getOwn(s.contacts, String(contactId))!, true) }, 200);
  };
  app.patch(BASE, update);
  app.put(BASE, update);

  // ContactPolicy#destroy?: administrators only, checked (check_authorization) before the contact is found. The
  // simulator keeps no contact presence, so the 422 `contacts.online.delete` refusal never happens.
  app.delete(BASE, (c) => {
    const access = authorize(ctx, c, { adminOnly: true });
    const contact = loadContact(ctx, c, access);
    perform(ctx, applyContactRemoval, { contactId: contact.id });
    return c.body(null, 200);
  });

  // `POST /contacts/filter` (ContactsController#filter, Contacts::FilterService): the filter.json.jbuilder answer
  // `{meta: {count, current_page}, payload}`, 15 per page; FilterService's errors as 422 `{"error": ...}`.
  app.post('/api/v1/accounts/:account_id/contacts/filter', async (c) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const conditions = valueOrRefuse(c, parseFilterPayload(params.body, CONTACT_FILTER_KEYS));
    const { page, currentPage } = parseContactsPage(c.req.query('page'));
    const s = ctx.state();
    const { count, found } = valueOrRefuse(
      c,
      filterContacts(
        s,
        access.accountId,
        conditions,
        (page - 1) * CONTACTS_PAGE,
        CONTACTS_PAGE,
        ctx.options.searchLimit,
        ctx.clock.now(),
      ),
    );
    return c.json(
      { meta: { count, current_page: currentPage }, payload: found.map((x) => renderContact(s, x, true)) },
      200,
    );
  });

  app.get(`${BASE}/conversations`, (c) => {
    const access = authorize(ctx, c, {});
    const contact = loadContact(ctx, c, access);
    const s = ctx.state();
    const ids = getOwn(s.index.conversationsOfContact ?? {}, String(contact.id)) ?? [];
    const viewer = access.actor.kind === 'user' ? access.actor.agent : null;
    // Newest first; agents see the conversations of their inboxes only (ConversationFinder scoping).
    const payload: Array<Record<string, unknown>> = [];
    for (let i = ids.length - 1; i >= 0 && payload.length < CONTACT_CONVERSATIONS_LIMIT; i--) {
      const conv = getConversation(s, ids[i]!);
      if (!conv) continue;
      if (!isInboxVisible(access.actor, getOwn(s.inboxes, String(conv.inbox_id))!)) continue;
      payload.push(renderConversation(s, conv, viewer));
    }
    return c.json({ payload }, 200);
  });

  app.post(`${BASE}/contact_inboxes`, async (c) => {
    const access = authorize(ctx, c, {});
    const params = await readParams(c);
    const contact = loadContact(ctx, c, access);
    const plan = valueOrRefuse(c, parseContactInbox(params.body, ctx.state(), contact));
    const sourceId = plan.sourceId ?? ctx.random.uuid();
    if (plan.existingId === null) {
      const input = { contact_id: contact.id, inbox_id: plan.inbox.id, source_id: sourceId };
      ctx.update((draft) => applyContactInbox(draft, input, ctx.clock.now()));
    }
    const inbox = getOwn(ctx.state().inboxes, String(plan.inbox.id))!;
    return c.json({ source_id: sourceId, inbox: renderInbox(inbox, toInboxViewer(access.actor)) }, 200);
  });

  return app;
}
