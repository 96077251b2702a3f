// The bodies of the search routes: the partials of app/views/api/v1/accounts/search/ (Chatwoot 4.12).
import { getOwn } from '../../own.ts';
import type { Agent, ChatwootState, Contact, Conversation, Inbox, Message } from './model.ts';
import { MESSAGE_TYPES } from './model.ts';
import { renderSenderEvent, toSeconds } from './render.ts';

/** `search/_inbox.json.jbuilder`. */
function renderSearchInbox(i: Inbox): Record<string, unknown> {
  return { id: i.id, channel_id: i.id, name: i.name, channel_type: i.channel_type };
}

/** `search/_agent.json.jbuilder`. */
function renderSearchAgent(a: Agent): Record<string, unknown> {
  return { id: a.id, available_name: a.name, email: a.email, name: a.name, role: a.role };
}

/** `search/_contact.json.jbuilder`. */
export function renderSearchContact(x: Contact): Record<string, unknown> {
  return {
    email: x.email,
    id: x.id,
    name: x.name,
    phone_number: x.phone_number,
    identifier: x.identifier,
    additional_attributes: x.additional_attributes,
    last_activity_at: x.last_activity_at === null ? null : toSeconds(x.last_activity_at),
  };
}

/** `search/_message.json.jbuilder`: `sender` is left out when the message has none. */
export function renderSearchMessage(s: ChatwootState, m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    content: m.content,
    message_type: MESSAGE_TYPES[m.message_type],
    content_type: m.content_type,
    source_id: m.source_id,
    inbox_id: m.inbox_id,
    conversation_id: getOwn(s.conversations, String(m.conversation_id))?.display_id ?? null,
    created_at: toSeconds(m.created_at),
  };
  const sender = renderSenderEvent(s, m);
  if (sender) out.sender = sender;
  const inbox = getOwn(s.inboxes, String(m.inbox_id));
  out.inbox = inbox ? renderSearchInbox(inbox) : {};
  return out;
}

/**
 * A conversation of `search/conversations.json.jbuilder`: its first message (`conversation.messages.first`, `{}`
 * when none), contact, inbox and assignee (`{}` when absent) and additional attributes.
 */
export function renderSearchConversation(s: ChatwootState, c: Conversation): Record<string, unknown> {
  const firstId = getOwn(s.index.conversations, String(c.id))?.messageIds[0];
  const first = firstId === undefined ? undefined : getOwn(s.messages, String(firstId));
  const contact = getOwn(s.contacts, String(c.contact_id));
  const inbox = getOwn(s.inboxes, String(c.inbox_id));
  const agent = c.assignee_id === null ? undefined : getOwn(s.agents, String(c.assignee_id));
  return {
    id: c.display_id,
    account_id: c.account_id,
    created_at: toSeconds(c.created_at),
    message: first ? renderSearchMessage(s, first) : {},
    contact: contact ? renderSearchContact(contact) : {},
    inbox: inbox ? renderSearchInbox(inbox) : {},
    agent: agent ? renderSearchAgent(agent) : {},
    additional_attributes: c.additional_attributes,
  };
}
