// Imitates https://developers.chatwoot.com/api-reference/contacts, /inboxes, /teams, /agents and /webhooks
// (Application API, /api/v1/accounts/{account_id}).
import { Hono } from 'hono';
import { getOwn, hasOwn } from '../../own.ts';
import { renderFailure } from './auth.ts';
import { ERROR_NOT_ALLOWED, ERROR_NOT_FOUND, toUnprocessable } from './errors.ts';
import { listDestinations, renderContactCreated, toWebhookEvents } from './events.ts';
import { createHandler } from './handler.ts';
import { type ChatwootState, type Contact, DEFAULT_SUBSCRIPTIONS, WEBHOOK_EVENTS } from './model.ts';
import type { ChatwootContext } from './operations.ts';
import { renderAgent, renderContact, renderInbox, renderTeam, renderWebhook } from './render-resources.ts';
import { isInboxVisible, isPresent, toRecordId } from './rules.ts';
import { parseContactCreate, parseWebhookInput } from './rules-resources.ts';
import { applyContact, applyContactInbox, applyWebhook, applyWebhookRemoval } from './transitions.ts';

const BASE = '/api/v1/accounts/:account_id';
const CONTACTS_PAGE = 15;

/** Rails' answer when `params.require(:webhook)` finds no usable value (ParameterMissing, request_exception_handler). */
const ERROR_WEBHOOK_MISSING = toUnprocessable('param is missing or the value is empty: webhook');

/**
 * The webhook params: the `webhook` object when the body has that key (ParamsWrapper leaves such a body alone), else
 * the body itself (ParamsWrapper wraps it). A `webhook` that is null, empty or not an object is a missing param.
 */
function readWebhookParams(body: Record<string, unknown>): Record<string, unknown> | null {
  if (!hasOwn(body, 'webhook')) return body;
  const webhook = body.webhook;
  if (typeof webhook !== 'object' || webhook === null || Array.isArray(webhook)) return null;
  return isPresent(webhook) ? (webhook as Record<string, unknown>) : null;
}

/** Contacts, inboxes, teams, agents and webhooks routes. */
export function createResourceRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(
    `${BASE}/contacts`,
    createHandler(ctx, {}, ({ c, accountId, params }) => {
      const input = parseContactCreate(params.body, ctx.state(), accountId);
      if (!input.ok) return renderFailure(c, input.error);
      const v = input.value;
      const inboxId = v.inbox?.id ?? null;
      const sourceId = inboxId !== null ? (v.source_id ?? ctx.random.uuid()) : null;
      const now = ctx.clock.now();
      const contactId = ctx.update((s) => {
        const id = applyContact(
          s,
          {
            account_id: accountId,
            name: v.name,
            email: v.email,
            phone_number: v.phone_number,
            identifier: v.identifier,
            additional_attributes: v.additional_attributes,
            custom_attributes: v.custom_attributes,
          },
          now,
        );
        if (inboxId !== null && sourceId !== null) {
          applyContactInbox(s, { contact_id: id, inbox_id: inboxId, source_id: sourceId }, now);
        }
        return id;
      });
      const s = ctx.state();
      const contact = getOwn(s.contacts, String(contactId))!;
      const destinations = listDestinations(s, accountId, 'contact_created', null);
      if (destinations.length > 0) {
        const events = toWebhookEvents(
          destinations,
          'contact_created',
          renderContactCreated(s, contact),
          { orderKey: `contact-${contact.id}` },
          () => ctx.random.uuid(),
        );
        for (const e of events) ctx.emit(e);
      }
      const inbox = inboxId === null ? undefined : getOwn(s.inboxes, String(inboxId));
      return c.json(
        {
          payload: {
            contact: renderContact(s, contact, true),
            contact_inbox: { inbox: inbox ? renderInbox(inbox) : null, source_id: sourceId },
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
      const ids = getOwn(s.index.contactsOfAccount, String(accountId)) ?? [];
      const page = Math.max(1, Number(c.req.query('page')) || 1);
      return c.json(
        {
          meta: { count: ids.length, current_page: page },
          payload: ids
            .slice((page - 1) * CONTACTS_PAGE, page * CONTACTS_PAGE)
            .map((id) => renderContact(s, getOwn(s.contacts, String(id))!, true)),
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
      const page = Math.max(1, Number(c.req.query('page')) || 1);
      const { count, found } = searchContacts(
        s,
        accountId,
        q.toLowerCase(),
        (page - 1) * CONTACTS_PAGE,
        CONTACTS_PAGE,
        ctx.options.searchLimit,
      );
      return c.json(
        {
          meta: { count, current_page: page },
          payload: found.map((x) => renderContact(s, x, true)),
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
      const contact = id === null ? undefined : getOwn(s.contacts, String(id));
      if (!contact || contact.account_id !== accountId) return renderFailure(c, ERROR_NOT_FOUND);
      return c.json({ payload: renderContact(s, contact, true) }, 200);
    }),
  );

  app.get(
    `${BASE}/inboxes`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      // Inboxes come from fixtures: few, whatever the store holds.
      const list = Object.values(ctx.state().inboxes).filter(
        (i) => i.account_id === accountId && isInboxVisible(actor, i),
      );
      return c.json({ payload: list.map(renderInbox) }, 200);
    }),
  );

  app.get(
    `${BASE}/inboxes/:id`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const id = toRecordId(c.req.param('id'));
      const inbox = id === null ? undefined : getOwn(ctx.state().inboxes, String(id));
      if (!inbox || inbox.account_id !== accountId) return renderFailure(c, ERROR_NOT_FOUND);
      if (!isInboxVisible(actor, inbox)) return renderFailure(c, ERROR_NOT_ALLOWED);
      return c.json(renderInbox(inbox), 200);
    }),
  );

  app.get(
    `${BASE}/teams`,
    createHandler(ctx, {}, ({ c, actor, accountId }) => {
      const viewer = actor.kind === 'user' ? actor.agent : null;
      const list = Object.values(ctx.state().teams).filter((t) => t.account_id === accountId);
      return c.json(
        list.map((t) => renderTeam(t, viewer)),
        200,
      );
    }),
  );

  app.get(
    `${BASE}/agents`,
    createHandler(ctx, {}, ({ c, accountId }) => {
      const list = Object.values(ctx.state().agents).filter((a) => a.account_ids.includes(accountId));
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
      const ids = getOwn(s.index.webhooksOfAccount, String(accountId)) ?? [];
      return c.json({ payload: ids.map((id) => renderWebhook(s, getOwn(s.webhooks, String(id))!)) }, 200);
    }),
  );

  app.post(
    `${BASE}/webhooks`,
    createHandler(ctx, { adminOnly: true }, ({ c, accountId, params }) => {
      const body = readWebhookParams(params.body);
      if (!body) return renderFailure(c, ERROR_WEBHOOK_MISSING);
      const input = parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, null);
      if (!input.ok) return renderFailure(c, input.error);
      const secret = ctx.random.id(24);
      const id = ctx.update((s) => {
        s.seq.webhook += 1;
        applyWebhook(s, {
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
      return c.json({ payload: { webhook: renderWebhook(s, getOwn(s.webhooks, String(id))!) } }, 200);
    }),
  );

  const findWebhook = (accountId: number, param: string | undefined) => {
    const id = toRecordId(param);
    const webhook = id === null ? undefined : getOwn(ctx.state().webhooks, String(id));
    return webhook && webhook.account_id === accountId ? webhook : undefined;
  };

  const update = createHandler(ctx, { adminOnly: true }, ({ c, accountId, params }) => {
    const existing = findWebhook(accountId, c.req.param('webhook_id'));
    if (!existing) return renderFailure(c, ERROR_NOT_FOUND);
    const webhookId = existing.id;
    const body = readWebhookParams(params.body);
    if (!body) return renderFailure(c, ERROR_WEBHOOK_MISSING);
    const input = parseWebhookInput(body, ctx.state(), accountId, WEBHOOK_EVENTS, existing);
    if (!input.ok) return renderFailure(c, input.error);
    const nameGiven = hasOwn(body, 'name') && body.name !== undefined;
    ctx.update((s) => {
      const w = getOwn(s.webhooks, String(webhookId))!;
      w.url = input.value.url;
      if (nameGiven) w.name = input.value.name;
      if (input.value.subscriptions) w.subscriptions = input.value.subscriptions;
      if (input.value.inbox_id !== undefined) w.inbox_id = input.value.inbox_id;
    });
    const s = ctx.state();
    return c.json({ payload: { webhook: renderWebhook(s, getOwn(s.webhooks, String(webhookId))!) } }, 200);
  });
  app.patch(`${BASE}/webhooks/:webhook_id`, update);
  app.put(`${BASE}/webhooks/:webhook_id`, update);

  app.delete(
    `${BASE}/webhooks/:webhook_id`,
    createHandler(ctx, { adminOnly: true }, ({ c, accountId }) => {
      const existing = findWebhook(accountId, c.req.param('webhook_id'));
      if (!existing) return renderFailure(c, ERROR_NOT_FOUND);
      const webhookId = existing.id;
      ctx.update((s) => applyWebhookRemoval(s, webhookId));
      return c.body(null, 200);
    }),
  );

  return app;
}

/**
 * Contacts of the account whose name, e-mail, phone number or identifier contains `needle` (lower case), newest
 * first. Reads at most `limit` contacts (simulator choice): `count` is the number of matches among them.
 */
function searchContacts(
  s: ChatwootState,
  accountId: number,
  needle: string,
  skip: number,
  take: number,
  limit: number,
): { count: number; found: Contact[] } {
  const ids = getOwn(s.index.contactsOfAccount, String(accountId)) ?? [];
  const found: Contact[] = [];
  let count = 0;
  for (let i = ids.length - 1; i >= 0 && ids.length - i <= limit; i--) {
    const x = getOwn(s.contacts, String(ids[i]))!;
    const hit =
      (x.name ?? '').toLowerCase().includes(needle) ||
      (x.email ?? '').toLowerCase().includes(needle) ||
      (x.phone_number ?? '').toLowerCase().includes(needle) ||
      (x.identifier ?? '').toLowerCase().includes(needle);
    if (!hit) continue;
    if (count >= skip && count < skip + take) found.push(x);
    count += 1;
  }
  return { count, found };
}
