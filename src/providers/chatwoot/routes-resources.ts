// Imitates https://developers.chatwoot.com/api-reference/contacts, /inboxes, /teams, /agents and /webhooks
// (Application API, /api/v1/accounts/{account_id}).
import { Hono } from 'hono';
import { renderFailure } from './auth.ts';
import { ERROR_NOT_ALLOWED, ERROR_NOT_FOUND, toUnprocessable } from './errors.ts';
import { listDestinations, renderContactCreated, toWebhookEvents } from './events.ts';
import { createHandler } from './handler.ts';
import { DEFAULT_SUBSCRIPTIONS, WEBHOOK_EVENTS } from './model.ts';
import type { ChatwootContext } from './operations.ts';
import { renderAgent, renderContact, renderInbox, renderTeam, renderWebhook } from './render-resources.ts';
import { isInboxVisible, toRecordId } from './rules.ts';
import { parseContactCreate, parseWebhookInput } from './rules-resources.ts';

const BASE = '/api/v1/accounts/:account_id';
const CONTACTS_PAGE = 15;

/** Contacts, inboxes, teams, agents and webhooks routes. */
export function createResourceRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(
    `${BASE}/contacts`,
    createHandler(ctx, {}, ({ c, accountId, params }) => {
      const input = parseContactCreate(params.body, ctx.state(), accountId);
      if (!input.ok) return renderFailure(c, input.error);
      const v = input.value;
      const sourceId = v.inbox ? (v.source_id ?? ctx.random.uuid()) : null;
      const now = ctx.clock.now();
      const ids = ctx.update((s) => {
        s.seq.contact += 1;
        const contactId = s.seq.contact;
        s.contacts.push({
          id: contactId,
          account_id: accountId,
          name: v.name,
          email: v.email,
          phone_number: v.phone_number,
          identifier: v.identifier,
          blocked: false,
          additional_attributes: v.additional_attributes,
          custom_attributes: v.custom_attributes,
          created_at: now,
          last_activity_at: null,
        });
        if (v.inbox && sourceId !== null) {
          s.seq.contactInbox += 1;
          s.contactInboxes.push({
            id: s.seq.contactInbox,
            contact_id: contactId,
            inbox_id: v.inbox.id,
            source_id: sourceId,
            hmac_verified: false,
            created_at: now,
            updated_at: now,
          });
        }
        return { contactId };
      });
      const s = ctx.state();
      const contact = s.contacts.find((x) => x.id === ids.contactId)!;
      const events = toWebhookEvents(
        listDestinations(s, accountId, 'contact_created', null),
        'contact_created',
        renderContactCreated(s, contact),
        { orderKey: `contact-${contact.id}` },
        () => ctx.random.uuid(),
      );
      for (const e of events) ctx.emit(e);
      return c.json(
        {
          payload: {
            contact: renderContact(s, contact, true),
            contact_inbox: { inbox: v.inbox ? renderInbox(v.inbox) : null, source_id: sourceId },
          },
        },
        200,
      );
    }),
  );

  app.get(
    `${BASE}/contacts`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const s = ctx.state();
      const all = s.contacts.filter((x) => x.account_id === accountId);
      const page = Math.max(1, Number(c.req.query('page')) || 1);
      return c.json(
        {
          meta: { count: all.length, current_page: page },
          payload: all
            .slice((page - 1) * CONTACTS_PAGE, page * CONTACTS_PAGE)
            .map((x) => renderContact(s, x, true)),
        },
        200,
      );
    }),
  );

  app.get(
    `${BASE}/contacts/search`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const q = c.req.query('q');
      if (!q) return renderFailure(c, toUnprocessable('Specify search string with parameter q'));
      const s = ctx.state();
      const needle = q.toLowerCase();
      const found = s.contacts.filter(
        (x) =>
          x.account_id === accountId &&
          [x.name, x.email, x.phone_number, x.identifier].some((v) => v?.toLowerCase().includes(needle)),
      );
      const page = Math.max(1, Number(c.req.query('page')) || 1);
      return c.json(
        {
          meta: { count: found.length, current_page: page },
          payload: found
            .slice((page - 1) * CONTACTS_PAGE, page * CONTACTS_PAGE)
            .map((x) => renderContact(s, x, true)),
        },
        200,
      );
    }),
  );

  app.get(
    `${BASE}/contacts/:id`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const s = ctx.state();
      const id = toRecordId(c.req.param('id'));
      const contact = s.contacts.find((x) => x.account_id === accountId && x.id === id);
      if (!contact) return renderFailure(c, ERROR_NOT_FOUND);
      return c.json({ payload: renderContact(s, contact, true) }, 200);
    }),
  );

  app.get(
    `${BASE}/inboxes`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const list = ctx.state().inboxes.filter((i) => i.account_id === accountId && isInboxVisible(actor, i));
      return c.json({ payload: list.map(renderInbox) }, 200);
    }),
  );

  app.get(
    `${BASE}/inboxes/:id`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const id = toRecordId(c.req.param('id'));
      const inbox = ctx.state().inboxes.find((i) => i.account_id === accountId && i.id === id);
      if (!inbox) return renderFailure(c, ERROR_NOT_FOUND);
      if (!isInboxVisible(actor, inbox)) return renderFailure(c, ERROR_NOT_ALLOWED);
      return c.json(renderInbox(inbox), 200);
    }),
  );

  app.get(
    `${BASE}/teams`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const viewer = actor.kind === 'user' ? actor.agent : null;
      const list = ctx.state().teams.filter((t) => t.account_id === accountId);
      return c.json(
        list.map((t) => renderTeam(t, viewer)),
        200,
      );
    }),
  );

  app.get(
    `${BASE}/agents`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const list = ctx.state().agents.filter((a) => a.account_ids.includes(accountId));
      return c.json(
        list.map((a) => renderAgent(a, accountId)),
        200,
      );
    }),
  );

  app.get(
    `${BASE}/webhooks`,
    createHandler(ctx, { adminOnly: true }, ({ c, accountId }) => {
      const s = ctx.state();
      return c.json(
        { payload: s.webhooks.filter((w) => w.account_id === accountId).map((w) => renderWebhook(s, w)) },
        200,
      );
    }),
  );

  app.post(
    `${BASE}/webhooks`,
    createHandler(ctx, { adminOnly: true }, ({ c, accountId, params }) => {
      const body = (params.body.webhook ?? params.body) as Record<string, unknown>;
      const input = parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, null);
      if (!input.ok) return renderFailure(c, input.error);
      const secret = ctx.random.id(24);
      const id = ctx.update((s) => {
        s.seq.webhook += 1;
        s.webhooks.push({
          id: s.seq.webhook,
          account_id: accountId,
          name: input.value.name,
          url: input.value.url,
          subscriptions: input.value.subscriptions ?? [...DEFAULT_SUBSCRIPTIONS],
          inbox_id: input.value.inbox_id ?? null,
          secret,
        });
        return s.seq.webhook;
      });
      const s = ctx.state();
      return c.json({ payload: { webhook: renderWebhook(s, s.webhooks.find((w) => w.id === id)!) } }, 200);
    }),
  );

  const update = createHandler(ctx, { adminOnly: true }, ({ c, accountId, params }) => {
    const id = toRecordId(c.req.param('webhook_id'));
    const existing = ctx.state().webhooks.find((w) => w.account_id === accountId && w.id === id);
    if (!existing) return renderFailure(c, ERROR_NOT_FOUND);
    const body = (params.body.webhook ?? params.body) as Record<string, unknown>;
    const input = parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, existing);
    if (!input.ok) return renderFailure(c, input.error);
    ctx.update((s) => {
      const w = s.webhooks.find((x) => x.id === existing.id)!;
      w.url = input.value.url;
      if (body.name !== undefined) w.name = input.value.name;
      if (input.value.subscriptions) w.subscriptions = input.value.subscriptions;
      if (input.value.inbox_id !== undefined) w.inbox_id = input.value.inbox_id;
    });
    const s = ctx.state();
    return c.json(
      { payload: { webhook: renderWebhook(s, s.webhooks.find((w) => w.id === existing.id)!) } },
      200,
    );
  });
  app.patch(`${BASE}/webhooks/:webhook_id`, update);
  app.put(`${BASE}/webhooks/:webhook_id`, update);

  app.delete(
    `${BASE}/webhooks/:webhook_id`,
    createHandler(ctx, { adminOnly: true }, ({ c, accountId }) => {
      const id = toRecordId(c.req.param('webhook_id'));
      const existing = ctx.state().webhooks.find((w) => w.account_id === accountId && w.id === id);
      if (!existing) return renderFailure(c, ERROR_NOT_FOUND);
      ctx.update((s) => {
        s.webhooks = s.webhooks.filter((w) => w.id !== existing.id);
      });
      return c.body(null, 200);
    }),
  );

  return app;
}
