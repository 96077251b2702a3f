// Imitates https://developers.chatwoot.com/api-reference/contacts-api (Client API, `/public/api/v1/inboxes/...`)
// that custom chat widgets use, as public/api/v1/inboxes/{contacts,conversations,messages}_controller.rb and the
// public/api/v1/models partials (Chatwoot 4.12) answer it. No token: the inbox identifier and the contact's source id
// are the credentials.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import {
  type ContactInbox,
  type Conversation,
  findConversation,
  type Inbox,
  MESSAGE_TYPES,
  type Message,
} from './model.ts';
import { applyCreateConversation, applyCreateMessage } from './model-conversations.ts';
import { applyCreateContact } from './model-resources.ts';
import { renderAttachment, renderSenderEvent, toSeconds, toSecondsOrZero } from './render.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import { readParams, valueOrRefuse } from './routes.ts';
import { toRecordId } from './rules.ts';
import { parseMessageCreate } from './rules-conversations.ts';
import { parseContactCreate } from './rules-resources.ts';

const BASE = '/public/api/v1/inboxes/:inbox_identifier';

/** `Channel::Api.find_by!(identifier:)`: API inboxes are identified as `inbox-<id>` (simulator choice). */
function loadInbox(ctx: ChatwootContext, c: Context): Inbox {
  const m = /^inbox-(\d{1,15})$/.exec(c.req.param('inbox_identifier') ?? '');
  const inbox = m ? getOwn(ctx.state().inboxes, m[1]!) : undefined;
  return inbox && inbox.channel_type === 'Channel::Api' ? inbox : refuseWith(c, ERROR_NOT_FOUND);
}

/** `inbox.contact_inboxes.find_by!(source_id: params[:contact_identifier])`. */
function loadContactInbox(ctx: ChatwootContext, c: Context, inbox: Inbox): ContactInbox {
  const s = ctx.state();
  const id = getOwn(s.index.contactInboxBySource, `${inbox.id}:${c.req.param('contact_identifier') ?? ''}`);
  return (
    (id === undefined ? undefined : getOwn(s.contactInboxes, String(id))) ?? refuseWith(c, ERROR_NOT_FOUND)
  );
}

/** `@contact_inbox.conversations.find_by!(display_id:)`. */
function loadConversation(ctx: ChatwootContext, c: Context, inbox: Inbox, ci: ContactInbox): Conversation {
  const id = toRecordId(c.req.param('conversation_id'));
  const conv = id === null ? undefined : findConversation(ctx.state(), inbox.account_id, id);
  return conv && conv.contact_inbox_id === ci.id ? conv : refuseWith(c, ERROR_NOT_FOUND);
}

/** The public contact answer: source id, pubsub token and the `public/api/v1/models/_contact` partial. */
function renderPublicContact(ctx: ChatwootContext, ci: ContactInbox): Record<string, unknown> {
  const contact = getOwn(ctx.state().contacts, String(ci.contact_id))!;
  return {
    source_id: ci.source_id,
    pubsub_token: `pubsub-${ci.id}`,
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
  };
}

/** `public/api/v1/models/_message.json.jbuilder`. */
function renderPublicMessage(ctx: ChatwootContext, m: Message, displayId: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    message_type: MESSAGE_TYPES[m.message_type],
    content_type: m.content_type,
    content_attributes: m.content_attributes,
    created_at: toSeconds(m.created_at),
    conversation_id: displayId,
  };
  if (m.attachments.length > 0) out.attachments = m.attachments.map((a) => renderAttachment(a, m));
  const sender = renderSenderEvent(ctx.state(), m);
  if (sender) out.sender = sender;
  return out;
}

/** The public messages of a conversation (`messages.chat`: not private, not activity), oldest first. */
function listPublicMessages(ctx: ChatwootContext, conv: Conversation): Array<Record<string, unknown>> {
  const s = ctx.state();
  const ids = getOwn(s.index.conversations, String(conv.id))?.messageIds ?? [];
  const out: Array<Record<string, unknown>> = [];
  // A conversation's own messages: what the partial renders, whatever the store holds.
  for (let i = 0; i < ids.length; i++) {
    const m = getOwn(s.messages, String(ids[i]))!;
    if (!m.private && m.message_type !== 'activity') out.push(renderPublicMessage(ctx, m, conv.display_id));
  }
  return out;
}

/** `public/api/v1/models/_conversation.json.jbuilder`. */
function renderPublicConversation(ctx: ChatwootContext, conv: Conversation): Record<string, unknown> {
  const contact = getOwn(ctx.state().contacts, String(conv.contact_id))!;
  return {
    id: conv.display_id,
    uuid: conv.uuid,
    inbox_id: conv.inbox_id,
    contact_last_seen_at: toSecondsOrZero(conv.contact_last_seen_at),
    status: conv.status,
    agent_last_seen_at: toSecondsOrZero(conv.agent_last_seen_at),
    messages: listPublicMessages(ctx, conv),
    contact: { id: contact.id, name: contact.name, email: contact.email, phone_number: contact.phone_number },
  };
}

/** Client API routes: contacts, their conversations and messages. */
export function createPublicRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();

  app.post(`${BASE}/contacts`, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const body = { ...params.body, inbox_id: inbox.id, source_id: undefined };
    const contact = valueOrRefuse(c, parseContactCreate(body, ctx.state(), inbox.account_id));
    const sourceId = ctx.random.uuid();
    perform(ctx, applyCreateContact, { accountId: inbox.account_id, contact, sourceId });
    const s = ctx.state();
    const ciId = getOwn(s.index.contactInboxBySource, `${inbox.id}:${sourceId}`)!;
    return c.json(renderPublicContact(ctx, getOwn(s.contactInboxes, String(ciId))!), 200);
  });

  app.get(`${BASE}/contacts/:contact_identifier`, (c) => {
    const inbox = loadInbox(ctx, c);
    return c.json(renderPublicContact(ctx, loadContactInbox(ctx, c, inbox)), 200);
  });

  app.post(`${BASE}/contacts/:contact_identifier/conversations`, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const s = ctx.state();
    const contact = getOwn(s.contacts, String(ci.contact_id))!;
    const custom = params.body.custom_attributes;
    const lastId = getOwn(s.index.lastConversationOfContactInbox, String(ci.id)) ?? null;
    const created = perform(ctx, applyCreateConversation, {
      accountId: inbox.account_id,
      plan: {
        inbox,
        contact,
        contactInbox: { existingId: ci.id },
        reuseConversationId: inbox.lock_to_single_conversation ? lastId : null,
        status: contact.blocked ? 'resolved' : inbox.agent_bot_id !== null ? 'pending' : 'open',
        assignee_id: null,
        team_id: null,
        additional_attributes: {},
        custom_attributes:
          typeof custom === 'object' && custom !== null && !Array.isArray(custom)
            ? (custom as Record<string, unknown>)
            : {},
        snoozed_until: null,
        message: null,
      },
      sender: { type: 'Contact', id: contact.id },
      uuid: ctx.random.uuid(),
    });
    const conv = getOwn(ctx.state().conversations, String(created.conversationId))!;
    return c.json(renderPublicConversation(ctx, conv), 200);
  });

  app.get(`${BASE}/contacts/:contact_identifier/conversations`, (c) => {
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const s = ctx.state();
    const ids = getOwn(s.index.conversationsOfContact ?? {}, String(ci.contact_id)) ?? [];
    const out: Array<Record<string, unknown>> = [];
    // The contact's conversations (skipping deleted ids), those of this contact inbox; at most 100 (simulator choice).
    for (let i = 0; i < ids.length && out.length < 100; i++) {
      const conv = getOwn(s.conversations, String(ids[i]));
      if (conv && conv.contact_inbox_id === ci.id) out.push(renderPublicConversation(ctx, conv));
    }
    return c.json(out, 200);
  });

  const messages = `${BASE}/contacts/:contact_identifier/conversations/:conversation_id/messages`;

  app.get(messages, (c) => {
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox));
    return c.json(listPublicMessages(ctx, conv), 200);
  });

  app.post(messages, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const conv = loadConversation(ctx, c, inbox, ci);
    // The widget writes as the contact: an incoming text message (content, echo_id).
    const body = {
      content: params.body.content,
      echo_id: params.body.echo_id,
      message_type: 'incoming',
    };
    const message = valueOrRefuse(c, parseMessageCreate(body, inbox, params.files));
    const messageId = perform(ctx, applyCreateMessage, {
      conversationId: conv.id,
      message,
      sender: { type: 'Contact', id: ci.contact_id },
    });
    const m = getOwn(ctx.state().messages, String(messageId))!;
    return c.json(renderPublicMessage(ctx, m, conv.display_id), 200);
  });

  return app;
}
