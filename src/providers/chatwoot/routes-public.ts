// Imitates https://developers.chatwoot.com/api-reference/contacts-api (Client API, `/public/api/v1/inboxes/...`)
// that custom chat widgets use, as public/api/v1/inboxes/{contacts,conversations,messages}_controller.rb and the
// public/api/v1/models partials (Chatwoot 4.12) answer it. No token: the inbox identifier and the contact's source id
// are the credentials.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getOwn } from '../../own.ts';
import { perform } from './effects.ts';
import type { ChatwootContext } from './events.ts';
import { type ContactInbox, type Conversation, findConversation, type Inbox } from './model.ts';
import {
  applyCreateConversation,
  applyCreateMessage,
  applyStatusChange,
  applyTyping,
} from './model-conversations.ts';
import {
  applyContactLastSeen,
  applyHmacVerified,
  applyPublicContact,
  applySubmittedValues,
} from './model-public.ts';
import { applyContactUpdate } from './model-updates.ts';
import { ERROR_NOT_FOUND, refuseWith } from './render-errors.ts';
import {
  listPublicMessages,
  renderPublicContact,
  renderPublicConversation,
  renderPublicMessage,
} from './render-public.ts';
import { renderContactWebhookData } from './render-webhooks.ts';
import { readParams, readQuery, valueOrRefuse } from './routes.ts';
import { keepAttachmentBytes, toRecordId } from './rules.ts';
import { parseMessageCreate } from './rules-conversations.ts';
import {
  parseIdentifierHash,
  parsePublicContactCreate,
  parsePublicContactUpdate,
  parseSubmittedValues,
} from './rules-public.ts';

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

/**
 * The conversation of the path: one of the contact's conversations (`@contact_inbox.contact.conversations`) when
 * the contact inbox is HMAC-verified or `anyOfContact` (the messages routes, InboxesController#set_conversation),
 * else one of the contact inbox's (ConversationsController#set_conversation).
 */
function loadConversation(
  ctx: ChatwootContext,
  c: Context,
  inbox: Inbox,
  ci: ContactInbox,
  anyOfContact = false,
): Conversation {
  const id = toRecordId(c.req.param('conversation_id'));
  const conv = id === null ? undefined : findConversation(ctx.state(), inbox.account_id, id);
  if (!conv) refuseWith(c, ERROR_NOT_FOUND);
  const ofContact = anyOfContact || ci.hmac_verified;
  return (ofContact ? conv.contact_id === ci.contact_id : conv.contact_inbox_id === ci.id)
    ? conv
    : refuseWith(c, ERROR_NOT_FOUND);
}

/** `process_hmac` of the contacts routes: a refused hash is 401; a verified one marks the contact inbox verified. */
function checkIdentifierHash(
  ctx: ChatwootContext,
  c: Context,
  inbox: Inbox,
  body: Record<string, unknown>,
  ci: ContactInbox | null,
): void {
  const { verified } = valueOrRefuse(c, parseIdentifierHash(body, inbox));
  if (verified && ci && !ci.hmac_verified) perform(ctx, applyHmacVerified, { contactInboxId: ci.id });
}

/** Client API routes: contacts, their conversations and messages. */
export function createPublicRoutes(ctx: ChatwootContext): Hono {
  const app = new Hono();
  const contact = `${BASE}/contacts/:contact_identifier`;
  const conversation = `${contact}/conversations/:conversation_id`;
  const messages = `${conversation}/messages`;

  app.post(`${BASE}/contacts`, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    checkIdentifierHash(ctx, c, inbox, params.body, null);
    const f = ctx.random.faker;
    const draw = {
      sourceId: ctx.random.uuid(),
      // Haikunator.haikunate(1000): adjective-noun-token.
      name: `${f.word.adjective()}-${f.word.noun()}-${ctx.random.int(0, 999)}`,
    };
    const plan = valueOrRefuse(c, parsePublicContactCreate(params.body, ctx.state(), inbox, draw));
    const ciId = perform(ctx, applyPublicContact, { accountId: inbox.account_id, inboxId: inbox.id, plan });
    const s = ctx.state();
    return c.json(renderPublicContact(s, getOwn(s.contactInboxes, String(ciId))!), 200);
  });

  app.get(contact, (c) => {
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    checkIdentifierHash(ctx, c, inbox, readQuery(c), ci);
    return c.json(renderPublicContact(ctx.state(), ci), 200);
  });

  const updateContact = async (c: Context) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    checkIdentifierHash(ctx, c, inbox, params.body, ci);
    const s = ctx.state();
    const record = getOwn(s.contacts, String(ci.contact_id))!;
    const changes = valueOrRefuse(c, parsePublicContactUpdate(params.body, s, record));
    perform(ctx, applyContactUpdate, { contactId: record.id, changes });
    return c.json(renderPublicContact(ctx.state(), ci), 200);
  };
  app.patch(contact, updateContact);
  app.put(contact, updateContact);

  app.post(`${contact}/conversations`, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const s = ctx.state();
    const person = getOwn(s.contacts, String(ci.contact_id))!;
    const custom = params.body.custom_attributes;
    const lastId = getOwn(s.index.lastConversationOfContactInbox, String(ci.id)) ?? null;
    const created = perform(ctx, applyCreateConversation, {
      accountId: inbox.account_id,
      plan: {
        inbox,
        contact: person,
        contactInbox: { existingId: ci.id },
        reuseConversationId: inbox.lock_to_single_conversation ? lastId : null,
        status: person.blocked ? 'resolved' : inbox.agent_bot_id !== null ? 'pending' : 'open',
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
      sender: { type: 'Contact', id: person.id },
      uuid: ctx.random.uuid(),
    });
    const conv = getOwn(ctx.state().conversations, String(created.conversationId))!;
    return c.json(renderPublicConversation(ctx.state(), conv), 200);
  });

  app.get(`${contact}/conversations`, (c) => {
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const s = ctx.state();
    const ids = getOwn(s.index.conversationsOfContact ?? {}, String(ci.contact_id)) ?? [];
    const out: Array<Record<string, unknown>> = [];
    // The contact's conversations (skipping deleted ids): all of them once HMAC-verified, else those of this
    // contact inbox; at most 100 (simulator choice).
    for (let i = 0; i < ids.length && out.length < 100; i++) {
      const conv = getOwn(s.conversations, String(ids[i]));
      if (conv && (ci.hmac_verified || conv.contact_inbox_id === ci.id))
        out.push(renderPublicConversation(s, conv));
    }
    return c.json(out, 200);
  });

  app.get(conversation, (c) => {
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox));
    return c.json(renderPublicConversation(ctx.state(), conv), 200);
  });

  // toggle_status: the contact resolves the conversation (nothing when it is resolved already).
  app.post(`${conversation}/toggle_status`, async (c) => {
    await readParams(c);
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox));
    if (conv.status !== 'resolved')
      perform(ctx, applyStatusChange, {
        conversationId: conv.id,
        status: 'resolved',
        snoozedUntil: null,
        by: { type: 'Contact', id: conv.contact_id },
      });
    return c.json(
      renderPublicConversation(ctx.state(), getOwn(ctx.state().conversations, String(conv.id))!),
      200,
    );
  });

  // toggle_typing: `typing_status` on/off sends conversation_typing_on/off with the contact as the user; any other
  // value (`recording` has no webhook) does nothing.
  app.post(`${conversation}/toggle_typing`, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox));
    const status = params.body.typing_status;
    if (status === 'on' || status === 'off') {
      const person = getOwn(ctx.state().contacts, String(conv.contact_id))!;
      perform(ctx, applyTyping, {
        conversationId: conv.id,
        on: status === 'on',
        user: renderContactWebhookData(ctx.state(), person),
        isPrivate: false,
      });
    }
    return c.body(null, 200);
  });

  app.post(`${conversation}/update_last_seen`, async (c) => {
    await readParams(c);
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox));
    perform(ctx, applyContactLastSeen, { conversationId: conv.id });
    return c.body(null, 200);
  });

  app.get(messages, (c) => {
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox), true);
    return c.json(listPublicMessages(ctx.state(), conv), 200);
  });

  app.post(messages, async (c) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const ci = loadContactInbox(ctx, c, inbox);
    const conv = loadConversation(ctx, c, inbox, ci, true);
    // The widget writes as the contact: an incoming text message (content, echo_id).
    const body = {
      content: params.body.content,
      echo_id: params.body.echo_id,
      message_type: 'incoming',
    };
    const files = keepAttachmentBytes(params.files, ctx.options.attachmentBytes);
    const message = valueOrRefuse(c, parseMessageCreate(body, inbox, files));
    const messageId = perform(ctx, applyCreateMessage, {
      conversationId: conv.id,
      message,
      sender: { type: 'Contact', id: ci.contact_id },
    });
    const m = getOwn(ctx.state().messages, String(messageId))!;
    return c.json(renderPublicMessage(ctx.state(), m, conv.display_id), 200);
  });

  // The contact answers an interactive message (input_select, form): `submitted_values` in content_attributes.
  const updateMessage = async (c: Context) => {
    const params = await readParams(c);
    const inbox = loadInbox(ctx, c);
    const conv = loadConversation(ctx, c, inbox, loadContactInbox(ctx, c, inbox), true);
    const id = toRecordId(c.req.param('message_id'));
    const found = id === null ? undefined : getOwn(ctx.state().messages, String(id));
    if (!found || found.conversation_id !== conv.id) refuseWith(c, ERROR_NOT_FOUND);
    const submittedValues = parseSubmittedValues(params.body);
    if (submittedValues !== undefined)
      perform(ctx, applySubmittedValues, { messageId: found.id, submittedValues });
    const m = getOwn(ctx.state().messages, String(found.id))!;
    return c.json(renderPublicMessage(ctx.state(), m, conv.display_id), 200);
  };
  app.patch(`${messages}/:message_id`, updateMessage);
  app.put(`${messages}/:message_id`, updateMessage);

  return app;
}
