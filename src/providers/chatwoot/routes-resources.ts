// Imitates https://developers.chatwoot.com/api-reference/contacts, /inboxes, /teams, /agents and /webhooks
// (Application API, /api/v1/accounts/{account_id}).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn, hasOwn } from '../../own.ts';
import { slicePagedIds } from '../../provider/index.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { WEBHOOK_EVENTS, type Webhook } from './model.ts';
import {
  applyCreateContact,
  applyCreateWebhook,
  applyWebhookRemoval,
  applyWebhookUpdate,
} from './model-resources.ts';
import { ERROR_NOT_ALLOWED, ERROR_NOT_FOUND, refuseWith, toUnprocessable } from './render-errors.ts';
import {
  renderAgent,
  renderContact,
  renderInbox,
  renderTeam,
  renderWebhook,
  toInboxViewer,
} from './render-resources.ts';
import { authorize, readParams, valueOrRefuse } from './routes.ts';
import { isInboxVisible, toRecordId } from './rules.ts';
import { parseContactsPage } from './rules-contacts.ts';
import { parseContactCreate, parseWebhookInput, parseWebhookParams } from './rules-resources.ts';
import { searchContacts } from './rules-search.ts';

const BASE = '/api/v1/accounts/:account_id';
const CONTACTS_PAGE = 15;

/** The page a listing asks for (`page`, from 1). */
const readPage = (c: Context) => parseContactsPage(c.req.query('page'));

/** Contacts, inboxes, teams, agents and webhooks routes. */
export function createResourceRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(`${BASE}/contacts`, async (c) => {
    const { accountId } = authorize(ctx, c, {});
    const params = await readParams(c);
    const contact = valueOrRefuse(c, parseContactCreate(params.body, ctx.state(), accountId));
    const inboxId = contact.inbox?.id ?? null;
    const sourceId = inboxId !== null ? (contact.source_id ?? ctx.random.uuid()) : null;
    const contactId = perform(ctx, applyCreateContact, { accountId, contact, sourceId });
    const s = ctx.state();
    const inbox = inboxId === null ? undefined : getOwn(s.inboxes, String(inboxId));
    return c.json(
      {
        payload: {
          contact: renderContact(s, getOwn(s.contacts, String(contactId))!, true),
          contact_inbox: { inbox: inbox ? renderInbox(inbox) : null, source_id: sourceId },
        },
      },
      200,
    );
  });

  app.get(`${BASE}/contacts`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    const s = ctx.state();
    const list = getOwn(s.index.contactsOfAccount, String(accountId));
    const { page, currentPage } = readPage(c);
    const ids = list ? slicePagedIds(list, (page - 1) * CONTACTS_PAGE, CONTACTS_PAGE) : [];
    return c.json(
      {
        meta: { count: list?.size ?? 0, current_page: currentPage },
        payload: ids.map((id) => renderContact(s, getOwn(s.contacts, id)!, true)),
      },
      200,
    );
  });

  app.get(`${BASE}/contacts/search`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    const q = c.req.query('q');
    if (!q) refuseWith(c, toUnprocessable('Specify search string with parameter q'));
    const s = ctx.state();
    const { page, currentPage } = readPage(c);
    const { count, found } = searchContacts(
      s,
      accountId,
      q.toLowerCase(),
      (page - 1) * CONTACTS_PAGE,
      CONTACTS_PAGE,
      ctx.options.searchLimit,
    );
    return c.json(
      { meta: { count, current_page: currentPage }, payload: found.map((x) => renderContact(s, x, true)) },
      200,
    );
  });

  app.get(`${BASE}/contacts/:id`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    const s = ctx.state();
    const id = toRecordId(c.req.param('id'));
    const contact = id === null ? undefined : getOwn(s.contacts, String(id));
    if (!contact || contact.account_id !== accountId) refuseWith(c, ERROR_NOT_FOUND);
    return c.json({ payload: renderContact(s, contact, true) }, 200);
  });

  app.get(`${BASE}/inboxes`, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    // Inboxes come from fixtures: few, whatever the store holds.
    const list = Object.values(ctx.state().inboxes).filter(
      (i) => i.account_id === accountId && isInboxVisible(actor, i),
    );
    const viewer = toInboxViewer(actor);
    return c.json({ payload: list.map((i) => renderInbox(i, viewer)) }, 200);
  });

  app.get(`${BASE}/inboxes/:id`, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const id = toRecordId(c.req.param('id'));
    const inbox = id === null ? undefined : getOwn(ctx.state().inboxes, String(id));
    if (!inbox || inbox.account_id !== accountId) refuseWith(c, ERROR_NOT_FOUND);
    if (!isInboxVisible(actor, inbox)) refuseWith(c, ERROR_NOT_ALLOWED);
    return c.json(renderInbox(inbox, toInboxViewer(actor)), 200);
  });

  app.get(`${BASE}/teams`, (c) => {
    const { actor, accountId } = authorize(ctx, c, {});
    const viewer = actor.kind === 'user' ? actor.agent : null;
    // Teams come from fixtures: few.
    const list = Object.values(ctx.state().teams).filter((t) => t.account_id === accountId);
    return c.json(
      list.map((t) => renderTeam(t, viewer)),
      200,
    );
  });

  app.get(`${BASE}/agents`, (c) => {
    const { accountId } = authorize(ctx, c, {});
    // Agents come from fixtures: few.
    const list = Object.values(ctx.state().agents).filter((a) => a.account_ids.includes(accountId));
    return c.json(
      list.map((a) => renderAgent(a, accountId)),
      200,
    );
  });

  app.get(`${BASE}/webhooks`, (c) => {
    const { accountId } = authorize(ctx, c, { adminOnly: true });
    const s = ctx.state();
    const ids = getOwn(s.index.webhooksOfAccount, String(accountId)) ?? [];
    return c.json({ payload: ids.map((id) => renderWebhook(s, getOwn(s.webhooks, String(id))!)) }, 200);
  });

  app.post(`${BASE}/webhooks`, async (c) => {
    const { accountId } = authorize(ctx, c, { adminOnly: true });
    const params = await readParams(c);
    const body = valueOrRefuse(c, parseWebhookParams(params.body));
    const webhook = valueOrRefuse(c, parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, null));
    const id = perform(ctx, applyCreateWebhook, { accountId, webhook, secret: ctx.random.id(24) });
    const s = ctx.state();
    return c.json({ payload: { webhook: renderWebhook(s, getOwn(s.webhooks, String(id))!) } }, 200);
  });

  /** The webhook of the path in the account, or the request is refused (404). */
  const loadWebhook = (c: Context, accountId: number): Webhook => {
    const id = toRecordId(c.req.param('webhook_id'));
    const webhook = id === null ? undefined : getOwn(ctx.state().webhooks, String(id));
    return webhook && webhook.account_id === accountId ? webhook : refuseWith(c, ERROR_NOT_FOUND);
  };

  const update = async (c: Context) => {
    const { accountId } = authorize(ctx, c, { adminOnly: true });
    const params = await readParams(c);
    const existing = loadWebhook(c, accountId);
    const webhookId = existing.id;
    const body = valueOrRefuse(c, parseWebhookParams(params.body));
    const webhook = valueOrRefuse(
      c,
      parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, existing),
    );
    const nameGiven = hasOwn(body, 'name') && body.name !== undefined;
    perform(ctx, applyWebhookUpdate, { webhookId, webhook, nameGiven });
    const s = ctx.state();
    return c.json({ payload: { webhook: renderWebhook(s, getOwn(s.webhooks, String(webhookId))!) } }, 200);
  };
  app.patch(`${BASE}/webhooks/:webhook_id`, update);
  app.put(`${BASE}/webhooks/:webhook_id`, update);

  app.delete(`${BASE}/webhooks/:webhook_id`, (c) => {
    const { accountId } = authorize(ctx, c, { adminOnly: true });
    perform(ctx, applyWebhookRemoval, { webhookId: loadWebhook(c, accountId).id });
    return c.body(null, 200);
  });

  return app;
}
